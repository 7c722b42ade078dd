import FluentKit
import Foundation
import Testing
import Vapor

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// The phones' follow-up use cases called directly with a database, as the API and the phones page
/// call them: who may close or answer, what a manager sees as overdue, and two people at once.
@Suite struct PhoneFollowUpsTests {
    func principal(_ app: Application, _ id: UUID) async throws -> Principal {
        try await StaffMember.find(id, on: app.db)!.principal(on: app.db)
    }

    func voicemail(_ app: Application, for worker: UUID, org: UUID, dueAt: Date) async throws -> UUID {
        let f = FollowUpRecord(
            organisationID: org,
            staffID: worker,
            loggedByID: worker,
            kind: "voicemail",
            occurredAt: dueAt.addingTimeInterval(-86_400),
            callerName: "Ms Rahman",
            callerNumber: "+447700900123",
            summary: "About Friday",
            dueAt: dueAt
        )
        try await f.create(on: app.db)
        return f.id!
    }

    @Test(arguments: Backend.available)
    func closingIsForTheWorkerOrTheirManagersAndHappensOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let worker = try await principal(app, north.id("practitioner"))
            let manager = try await principal(app, north.id("manager"))
            let colleague = try await principal(app, north.id("practitionerB"))
            let outsider = try await principal(app, world.south.id("manager"))
            let id = try await voicemail(
                app,
                for: worker.staffID,
                org: north.id,
                dueAt: Date().addingTimeInterval(-3600)
            )
            let closure = try FollowUp.close(outcome: "responded", note: "Rang back", divertedTo: nil)
            func close(_ p: Principal) async throws -> FollowUpRecord {
                try await PhoneFollowUps.close(
                    followUp: id,
                    closure,
                    by: p,
                    audit: app.auditContext(organisationID: p.organisationID, actorID: p.staffID, source: "test"),
                    on: app.db
                )
            }

            await #expect(throws: Refusal.notFound("no such follow-up")) { try await close(outsider) }
            await #expect(throws: Refusal.forbidden("only the worker or their managers close it")) {
                try await close(colleague)
            }
            // The manager's list of overdue follow-ups has it; a practitioner has no such list.
            #expect(try await PhoneFollowUps.overdueFollowUps(for: manager, now: Date(), on: app.db).map(\.id) == [id])
            await #expect(throws: Refusal.forbidden("for team managers and the DSL")) {
                try await PhoneFollowUps.overdueFollowUps(for: worker, now: Date(), on: app.db)
            }

            // The worker and their manager close it at the same moment: one closes it, the other is told.
            let outcomes = await withTaskGroup(of: Result<FollowUpRecord, any Error>.self) { group in
                for p in [worker, manager, worker, manager] {
                    group.addTask {
                        do { return .success(try await close(p)) } catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let closed = outcomes.compactMap { try? $0.get() }
            #expect(closed.count == 1)
            let refused = outcomes.compactMap { if case .failure(let e) = $0 { e as? Refusal } else { nil } }
            #expect(refused == Array(repeating: .conflict("this follow-up was already closed"), count: 3))
            #expect(try await PhoneFollowUps.overdueFollowUps(for: manager, now: Date(), on: app.db).isEmpty)
            #expect(
                try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.followUpClosed.rawValue).count()
                    == 1
            )
        }
    }
}
