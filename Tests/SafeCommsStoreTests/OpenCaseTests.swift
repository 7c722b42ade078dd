import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// Opening a case, called directly with a database.
@Suite struct OpenCaseTests {
    static func request(_ reference: String, team: UUID?, openedOn: String? = nil) -> OpenCase.Request {
        .init(
            reference: reference,
            displayName: "K. T.",
            status: .childInNeed,
            inCrisis: false,
            teamID: team,
            keyWorkerID: nil,
            openedOn: openedOn
        )
    }

    @Test(arguments: TestBackend.available)
    func aManagerOpensCasesForTheirTeamsOnly(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let otherTeam = Team(id: UUID(), organisationID: w.org.id!, name: "Team B")
            try await otherTeam.create(on: db)
            func caller(_ roles: Set<Role>) -> Principal {
                Principal(
                    staffID: w.staff.id!,
                    organisationID: w.org.id!,
                    roles: roles,
                    teamIDs: [w.team.id!],
                    managedTeamIDs: [w.team.id!]
                )
            }
            let manager = caller([.manager])
            // 23:30 on 30 June in UTC is already 1 July in London, the organisation's zone.
            let late = try Date("2026-06-30T23:30:00Z", strategy: .iso8601)

            let opened = try await OpenCase.open(
                Self.request("C-2", team: w.team.id),
                for: manager,
                audit: w.context,
                on: db,
                now: late
            )
            #expect(opened.openedOn == "2026-07-01" && opened.teamID == w.team.id)
            await #expect(throws: Refusal.forbidden("you can open cases only for the teams you manage")) {
                try await OpenCase.open(Self.request("C-3", team: otherTeam.id), for: manager, audit: w.context, on: db)
            }
            await #expect(throws: Refusal.forbidden("your role does not allow this")) {
                try await OpenCase.open(
                    Self.request("C-4", team: w.team.id),
                    for: caller([.practitioner]),
                    audit: w.context,
                    on: db
                )
            }
            do {
                _ = try await OpenCase.open(Self.request("C-5", team: UUID()), for: manager, audit: w.context, on: db)
                Issue.record("a team of nobody's was accepted")
            } catch let e as ValidationError {
                #expect(e.field == "team_id")
            }
            let cases = try await db.scoped(to: w.org.id!).query(CaseFile.self).all().map(\.reference).sorted()
            #expect(cases == ["C-1", "C-2"])
            let events = try await AuditEvent.query(on: db).filter(\.$action == AuditAction.caseCreated.rawValue).all()
            #expect(events.map(\.caseID) == [opened.id])
        }
    }

    @Test(arguments: TestBackend.available)
    func oneReferenceOpenedByManyAtOnceIsOneCase(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let dsl = Principal(
                staffID: w.staff.id!,
                organisationID: w.org.id!,
                roles: [.dsl],
                teamIDs: [],
                managedTeamIDs: []
            )
            // Eight at once; whichever is first opens it, and each of the others is told the reference is taken.
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await OpenCase.open(
                                Self.request("C-9", team: w.team.id),
                                for: dsl,
                                audit: w.context,
                                on: db
                            )
                            return "opened"
                        } catch let e as ValidationError {
                            return e.field
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "opened" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "reference" }.count == 7, "\(outcomes)")
            #expect(try await db.scoped(to: w.org.id!).query(CaseFile.self).filter(\.$reference == "C-9").count() == 1)
        }
    }
}
