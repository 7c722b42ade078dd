import FluentKit
import Foundation
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// An overdue incident step is chased: the line manager first, then the DSL, each e-mailed once
/// through a real SMTP server on loopback; the clock is the test's.
@Suite struct IncidentEscalationTests {
    @Test(arguments: Backend.available)
    func anOverdueStepReachesTheLineManagerThenTheDSL(backend: Backend) async throws {
        let smtp = try await LoopbackSMTPServer()
        defer { Task { await smtp.stop() } }
        try await withTestApp(
            backend,
            config: {
                $0.smtp = SMTPSettings(host: "127.0.0.1", port: smtp.port, from: "safecomms@north.example.org")
                $0.publicURL = "https://safecomms.north.example.org"
                $0.outboxPollSeconds = 0.05
                $0.incidentChaseSeconds = 0
            }
        ) { app in
            // setup: PD-2.3, whose first step (the line manager's) is due an hour after it is raised
            let world = try await World.make(app)
            let raised = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: world.north.token("practitioner"),
                json: IncidentAPITests.raise("image_received", on: world.north.caseA)
            )
            #expect(raised.status == .created)
            let id = try #require(raised.json["id"] as? String)
            let raisedAt = try #require(try await Incident.query(on: app.db).first()?.raisedAt)
            func chase(_ minutes: Double) async throws -> Int {
                try await IncidentEscalations.run(
                    now: raisedAt.addingTimeInterval(minutes * 60),
                    link: app.safeCommsConfig.publicURL,
                    key: app.auditKey,
                    on: app.db
                )
            }
            func email(of role: String) async throws -> String {
                try #require(try await StaffMember.find(world.north.id(role), on: app.db)?.email)
            }

            // MUT and validation: not yet due; overdue (eight servers chasing at once e-mail once)
            #expect(try await chase(30) == 0)
            let together = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await chase(90) } }
                return try await group.reduce(0, +)
            }
            #expect(together == 1, "the line manager is e-mailed once")
            #expect(try await NotificationTests.eventually { await smtp.messages.count == 1 })
            let first = try #require(await smtp.messages.first)
            #expect(first.to == [try await email(of: "manager")])
            #expect(first.headers["subject"] == "Overdue: step PD-2.3a of an incident (PD-2.3)", "\(first.headers)")
            #expect(first.body.contains("https://safecomms.north.example.org/incidents/\(id)"))
            #expect(!first.body.contains("What happened"), "no word of the incident leaves in an e-mail")
            #expect(try await chase(100) == 0, "told once")
            // Overdue for as long again: every DSL.
            #expect(try await chase(125) == 1)
            #expect(try await NotificationTests.eventually { await smtp.messages.count == 2 })
            #expect(await smtp.messages.last?.to == [try await email(of: "dsl")])
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "incident.escalate").all()
            #expect(
                events.map(\.detail) == ["PD-2.3a to the line manager (1 e-mailed)", "PD-2.3a to the DSL (1 e-mailed)"]
            )

            // Done in time, nothing more is chased.
            let step = try #require((raised.json["steps"] as? [[String: Any]])?.first?["id"] as? String)
            let done = try await app.send(
                .POST,
                "/api/v1/incidents/\(id)/steps/\(step)/complete",
                token: world.north.token("manager"),
                json: #"{"note":"I know"}"#
            )
            #expect(done.status == .ok)
            #expect(try await chase(126) == 0)
        }
    }
}
