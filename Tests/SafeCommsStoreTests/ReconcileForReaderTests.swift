import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsImport
@testable import SafeCommsStore

/// The unrecorded-contact report as one reader may see it, called directly with a database.
@Suite struct ReconcileForReaderTests {
    @Test(arguments: TestBackend.available)
    func aReaderSeesOnlyTheCasesTheyMaySeeAndIsAudited(backend: TestBackend) async throws {
        try await backend.withStore { store in
            // setup: the same child's number on a case in team A and on one in another team, and a bill
            // with one call to it that nobody recorded
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let otherTeam = Team(id: UUID(), organisationID: w.org.id!, name: "Team B")
            try await otherTeam.create(on: db)
            let other = CaseFile(
                id: UUID(),
                organisationID: w.org.id!,
                teamID: otherTeam.id,
                keyWorkerID: nil,
                reference: "C-2",
                displayName: "C. D.",
                status: .lookedAfter,
                openedOn: "2026-01-05"
            )
            try await other.create(on: db)
            for c in [w.caseFile, other] {
                try await CasePerson(
                    organisationID: w.org.id!,
                    caseID: c.id!,
                    role: "child",
                    name: "Kai",
                    phone: "07700 900001"
                )
                .create(on: db)
            }
            let bill = FileManager.default.temporaryDirectory.appendingPathComponent("bill-\(UUID()).csv").path
            try "Date,Time,Number,Direction,Duration,Type\n02/11/2026,10:10:00,07700 900001,Outgoing,0:04:10,Voice\n"
                .write(toFile: bill, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: bill) }
            func reader(_ roles: Set<Role>, managing: Set<UUID> = []) -> Principal {
                Principal(
                    staffID: w.staff.id!,
                    organisationID: w.org.id!,
                    roles: roles,
                    teamIDs: [w.team.id!],
                    managedTeamIDs: managing
                )
            }
            func run(_ p: Principal) async throws -> Reconcile.Report {
                try await ReconcileForReader.run(
                    LineReader(path: bill),
                    columns: nil,
                    window: 30 * 60,
                    for: p,
                    audit: w.context,
                    on: db
                )
            }

            // MUT
            let manager = try await run(reader([.manager], managing: [w.team.id!]))
            let dsl = try await run(reader([.dsl]))
            await #expect(
                throws: Refusal.forbidden("the unrecorded-contact report is for managers, the DSL and auditors")
            ) {
                try await run(reader([.practitioner]))
            }

            // validation: the manager of team A is shown team A's case only; the DSL both
            #expect(manager.unrecorded.map(\.caseReferences) == [["C-1"]])
            #expect(dsl.unrecorded.map(\.caseReferences) == [["C-1", "C-2"]])
            let events = try await AuditEvent.query(on: db).filter(\.$action == AuditAction.reconciliationRun.rawValue)
                .all()
            #expect(events.map(\.detail) == ["1 bill rows, 1 unrecorded shown", "1 bill rows, 1 unrecorded shown"])
        }
    }
}
