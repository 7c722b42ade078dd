import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// E-mail from a case through the council's mail relay (`SAFECOMMS_EMAIL_VIA=relay`): aiosmtpd on
/// loopback with STARTTLS and AUTH. The password only ever goes over TLS, a relay that cannot protect
/// it is never given it, and a relay's own trouble leaves the message queued rather than failed.
@Suite(.enabled(if: AiosmtpdRelay.python != nil, "needs a Python with aiosmtpd (SAFECOMMS_TEST_PYTHON)"))
struct RelaySendingTests {
    static func withRelay(
        _ backend: Backend,
        plain: Bool = false,
        password: String = AiosmtpdRelay.password,
        _ body: (Application, World, AiosmtpdRelay, _ parent: UUID, _ refused: UUID) async throws -> Void
    ) async throws {
        let relay = try AiosmtpdRelay(plain: plain)
        defer { relay.stop() }
        try await withTestApp(
            backend,
            config: {
                $0.smtp = SMTPSettings(
                    host: "localhost",
                    port: relay.port,
                    from: "safecomms@north.example.org",
                    security: .starttls,
                    username: AiosmtpdRelay.user,
                    password: password,
                    caFile: plain ? nil : relay.caFile
                )
                $0.emailVia = .relay
                $0.senderPollSeconds = 0.05
                $0.senderRetrySeconds = 0.1
            }
        ) { app in
            let world = try await World.make(app)
            var people: [UUID] = []
            for (name, email) in [("Sam Parent", "sam.parent@example.org"), ("Old Address", "gone@refused.example")] {
                let person = CasePerson(
                    id: UUID(),
                    organisationID: world.north.id,
                    caseID: world.north.caseA,
                    role: "parent_carer",
                    name: name,
                    phone: nil,
                    email: email
                )
                try await person.create(on: app.db)
                people.append(person.id!)
            }
            try await body(app, world, relay, people[0], people[1])
        }
    }

    static func send(
        _ app: Application,
        _ world: World,
        to person: UUID,
        _ text: String
    ) async throws
        -> TestingHTTPResponse
    {
        try await app.send(
            .POST,
            "/api/v1/cases/\(world.north.caseA)/messages",
            token: world.north.token("practitioner"),
            json:
                #"{"person_id":"\#(person)","channel":"email","subject":"Contact on Thursday","text":"\#(text)","proceed_reason":"Agreed with Sam at the last visit"}"#
        )
    }

    static func status(_ app: Application, _ world: World, _ id: String) async throws -> String? {
        try await app.send(
            .GET,
            "/api/v1/cases/\(world.north.caseA)/messages/\(id)",
            token: world.north.token("practitioner")
        ).json["status"] as? String
    }

    @Test(arguments: Backend.available)
    func emailsSentAtOnceGoOverTLSSignedInEachOnceUnderItsOwnMessageID(backend: Backend) async throws {
        try await Self.withRelay(backend) { app, world, relay, parent, refused in
            // MUT: six e-mails sent at once, and one to an address the relay refuses
            let texts = (1...6).map { "Contact is confirmed for Thursday at 4pm, room \($0) at the family centre." }
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for text in texts {
                    group.addTask {
                        let sent = try await Self.send(app, world, to: parent, text)
                        guard sent.status == .created, let id = sent.json["id"] as? String else {
                            throw AiosmtpdRelay.RelayError("not queued: \(sent.status) \(sent.text)")
                        }
                        return id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let bounced = try await Self.send(app, world, to: refused, "Contact is confirmed for Thursday.")
            let bouncedID = try #require(bounced.json["id"] as? String)

            // validation: each arrived over TLS, from a signed-in client, under its own Message-ID
            #expect(
                try await NotificationTests.eventually {
                    Set(relay.messages.map { $0.header("Message-ID") }).count == 6
                }
            )
            let messages = relay.messages
            #expect(messages.allSatisfy { $0.tls && $0.authenticated })
            #expect(messages.allSatisfy { $0.to == ["sam.parent@example.org"] })
            #expect(Set(messages.compactMap { $0.header("Subject") }) == ["Contact on Thursday"])
            let messageIDs = Set(messages.compactMap { $0.header("Message-ID") })
            #expect(messageIDs == Set(ids.map { "<\($0.lowercased())@north.example.org>" }))
            let bodies = Set(messages.map { $0.data.components(separatedBy: "\r\n\r\n").last ?? "" }).map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(Set(bodies) == Set(texts))
            #expect(relay.authAttempts.allSatisfy { $0.ok && $0.tls && $0.mechanism == "PLAIN" })
            for id in ids {
                #expect(try await NotificationTests.eventually { try await Self.status(app, world, id) == "sent" })
            }
            // The refused address fails at once, and the worker is told.
            #expect(try await NotificationTests.eventually { try await Self.status(app, world, bouncedID) == "failed" })
            let failed = try #require(try await OutgoingMessage.find(UUID(uuidString: bouncedID), on: app.db))
            #expect(failed.lastError?.contains("550") == true || failed.lastError?.contains("no such mailbox") == true)
            // Once each, unless an attempt had no clear answer (a relay cannot be asked, so it is sent
            // again under the same Message-ID): never twice after one attempt.
            try await Task.sleep(for: .milliseconds(300))
            for id in ids {
                let copies = relay.messages.filter {
                    $0.header("Message-ID") == "<\(id.lowercased())@north.example.org>"
                }
                let attempts = try #require(try await OutgoingMessage.find(UUID(uuidString: id), on: app.db)).attempts
                #expect(attempts == 1 ? copies.count == 1 : (1...attempts).contains(copies.count), "\(attempts)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func aRelayThatOffersNoTLSIsNeverGivenThePasswordAndTheMessageWaits(backend: Backend) async throws {
        try await Self.withRelay(backend, plain: true) { app, world, relay, parent, _ in
            // MUT
            let sent = try await Self.send(app, world, to: parent, "Contact is confirmed for Thursday.")
            let id = try #require(sent.json["id"] as? String, "\(sent.text)")

            // validation: tried, refused by SafeComms before AUTH, still queued for a later try
            let tried = try await NotificationTests.eventually {
                try await OutgoingMessage.find(UUID(uuidString: id), on: app.db)?.lastError != nil
            }
            #expect(tried)
            let message = try #require(try await OutgoingMessage.find(UUID(uuidString: id), on: app.db))
            #expect(message.status == "queued")
            #expect(message.lastError?.contains("STARTTLS") == true, "\(message.lastError ?? "")")
            #expect(relay.authAttempts.isEmpty, "the password was never offered")
            #expect(relay.messages.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func aRefusedPasswordLeavesTheMessageQueuedNotFailed(backend: Backend) async throws {
        try await Self.withRelay(backend, password: "not-the-password") { app, world, relay, parent, _ in
            // MUT
            let sent = try await Self.send(app, world, to: parent, "Contact is confirmed for Thursday.")
            let id = try #require(sent.json["id"] as? String, "\(sent.text)")

            // validation: the relay's refusal is the relay's setting, not the message's fault
            #expect(try await NotificationTests.eventually { !relay.authAttempts.isEmpty })
            #expect(
                try await NotificationTests.eventually {
                    try await OutgoingMessage.find(UUID(uuidString: id), on: app.db)?.lastError != nil
                }
            )
            let message = try #require(try await OutgoingMessage.find(UUID(uuidString: id), on: app.db))
            #expect(message.status == "queued")
            #expect(relay.authAttempts.allSatisfy { !$0.ok && $0.tls })
            #expect(relay.messages.isEmpty)
        }
    }
}
