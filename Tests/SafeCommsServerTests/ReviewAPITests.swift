import FluentKit
import Foundation
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// The review queue through the API: a recorded message's item, resolved by telling the worker, whose
/// e-mail reaches a real SMTP server on loopback naming the clause and the day and none of the words.
@Suite struct ReviewAPITests {
    @Test(arguments: Backend.available)
    func theWorkerIsToldTheClauseAndTheDayNeverTheWords(backend: Backend) async throws {
        let smtp = try await LoopbackSMTPServer()
        defer { Task { await smtp.stop() } }
        try await withTestApp(
            backend,
            config: {
                $0.smtp = SMTPSettings(host: "127.0.0.1", port: smtp.port, from: "safecomms@north.example.org")
                $0.publicURL = "https://safecomms.north.example.org"
                $0.outboxPollSeconds = 0.05
            }
        ) { app in
            // setup: the practitioner's WhatsApp message naming the child, found when recorded
            let world = try await World.make(app)
            let item = try await AccessMatrixTests.reviewItem(app, world)
            let manager = world.north.token("manager")
            let listed = try await app.send(.GET, "/api/v1/review-items?clause=WA-7", token: manager).jsonArray
            #expect(listed.count == 1)
            #expect(listed.first?["finding_types"] as? [String] == ["CASE_PERSON"])
            #expect(listed.first?["suggested_incident_kind"] as? String == "policy_breach")
            #expect(listed.first?["origin"] as? String == "recorded")
            #expect(!String(describing: listed).contains("review is on Monday"), "no words in the queue")
            let summary = try await app.send(.GET, "/api/v1/review-items/summary", token: manager)
            #expect(summary.json["open"] as? Int == 1)
            #expect((summary.json["by_clause"] as? [[String: Any]])?.first?["name"] as? String == "WA-7")
            // Filters are checked by name.
            let bad = try await app.send(.GET, "/api/v1/review-items?status=pending", token: manager)
            #expect(bad.status == .unprocessableEntity && bad.json["field"] as? String == "status")
            let badKind = try await app.send(
                .POST,
                "/api/v1/review-items/\(item)/resolve",
                token: manager,
                json: #"{"outcome":"incident","incident_kind":"burglary"}"#
            )
            #expect(badKind.status == .unprocessableEntity && badKind.json["field"] as? String == "incident_kind")

            // MUT: the manager tells the worker
            let told = try await app.send(
                .POST,
                "/api/v1/review-items/\(item)/resolve",
                token: manager,
                json: #"{"outcome":"notify_worker","reason":"First time; a reminder is enough"}"#
            )
            #expect(told.status == .ok, "\(told.text)")
            #expect(told.json["outcome"] as? String == "notify_worker")

            // validation: one e-mail, to the worker, with the clause and the day, not the words
            #expect(try await NotificationTests.eventually { await smtp.messages.count == 1 })
            let mail = try #require(await smtp.messages.first)
            let worker = try #require(try await StaffMember.find(world.north.id("practitioner"), on: app.db))
            #expect(mail.to == [worker.email])
            #expect(mail.headers["subject"] == "A message of yours was reviewed against WA-7", "\(mail.headers)")
            #expect(mail.body.contains("2 Nov 2026"))
            #expect(!mail.body.contains("Child A Full") && !mail.body.contains("review is on Monday"))
            #expect(!mail.body.contains("First time"), "the reviewer's reason stays with the item")
            // Resolved once: a second go is told, and the queue is empty.
            let again = try await app.send(
                .POST,
                "/api/v1/review-items/\(item)/resolve",
                token: world.north.token("dsl"),
                json: #"{"outcome":"no_action","reason":"Late"}"#
            )
            #expect(again.status == .conflict)
            #expect(try await app.send(.GET, "/api/v1/review-items", token: manager).jsonArray.isEmpty)
            let resolved = try await app.send(.GET, "/api/v1/review-items?status=resolved", token: manager).jsonArray
            #expect(resolved.first?["reason"] as? String == "First time; a reminder is enough")
        }
    }
}
