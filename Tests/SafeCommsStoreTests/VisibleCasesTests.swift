import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// One case opened for a caller, called directly with a database: seen by whom the rules allow,
/// changed by fewer, and never found from another organisation.
@Suite struct VisibleCasesTests {
    @Test(arguments: TestBackend.available)
    func aCaseIsOpenedOnlyAsTheRulesAllow(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let other = try await StoreWorld.make(on: db, name: "Other Council")
            let caseID = w.caseFile.id!
            func caller(
                _ roles: Set<Role>,
                staffID: UUID = UUID(),
                teams: Set<UUID> = [],
                in org: UUID? = nil
            )
                -> Principal
            {
                Principal(
                    staffID: staffID,
                    organisationID: org ?? w.org.id!,
                    roles: roles,
                    teamIDs: teams,
                    managedTeamIDs: []
                )
            }
            let keyWorker = caller([.practitioner], staffID: w.staff.id!, teams: [w.team.id!])
            let elsewhere = caller([.practitioner], teams: [UUID()])
            let auditor = caller([.auditor])
            let outsider = caller([.dsl], in: other.org.id!)

            #expect(try await VisibleCases.one(caseID, .write, for: keyWorker, on: db).reference == "C-1")
            #expect(try await VisibleCases.one(caseID, .read, for: auditor, on: db).id == caseID)
            await #expect(throws: Refusal.forbidden("your role can read this case but not change it")) {
                try await VisibleCases.one(caseID, .write, for: auditor, on: db)
            }
            for nobody in [elsewhere, outsider] {
                await #expect(throws: Refusal.notFound("no case \(caseID.uuidString) that you can see")) {
                    try await VisibleCases.one(caseID, .read, for: nobody, on: db)
                }
            }
        }
    }
}
