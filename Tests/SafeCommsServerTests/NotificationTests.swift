import FluentKit
import Foundation
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// LIN-10: a message taken for an officer is e-mailed to them as urgent, through a real SMTP server on
/// loopback, from an outbox that loses nothing when the relay is down.
@Suite struct NotificationTests {
    /// Waits until `done` holds, checking every 50 ms, for up to a minute: long enough for a background
    /// sender's retry on a CI machine running every suite at once (20 s was once too short there), and
    /// still a bound, so a message that never arrives fails the test.
    static func eventually(_ done: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<1_200 {
            if try await done() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test(arguments: Backend.available)
    func aMessageIsEmailedToTheOfficerAsUrgent(backend: Backend) async throws {
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
            // setup
            let world = try await World.make(app)
            let officer = world.north.staff["practitioner"]!

            // MUT
            let taken = try await app.send(
                .POST,
                "/api/v1/staff/\(officer.id)/messages",
                token: world.north.token("business_support"),
                json: PhoneAPITests.slip
            )
            #expect(taken.status == .created, "\(taken.text)")
            let arrived = try await Self.eventually { await !smtp.messages.isEmpty }

            // validation
            #expect(arrived)
            let mail = try #require(await smtp.messages.first)
            let officerEmail = try #require(try await StaffMember.find(officer.id, on: app.db)?.email)
            #expect(mail.to == [officerEmail] && mail.from == "safecomms@north.example.org")
            #expect(
                mail.headers["subject"]?.hasPrefix("Urgent: a message for you - call back by ") == true,
                "\(mail.headers)"
            )
            #expect(
                mail.headers["importance"] == "high" && mail.headers["x-priority"]?.hasPrefix("1") == true,
                "LIN-10: an urgent e-mail"
            )
            #expect(mail.body.contains("https://safecomms.north.example.org/phones"))
            // LIN-14: the caller's name, number and reason stay in SafeComms.
            let slip = try JSONSerialization.jsonObject(with: Data(PhoneAPITests.slip.utf8)) as! [String: Any]
            for field in ["caller_name", "caller_from", "return_number", "reason"] {
                let value = try #require(slip[field] as? String)
                #expect(!mail.data.contains(value), "\(field) is in the e-mail")
            }
            #expect(!mail.data.contains("900123") && !mail.data.contains("07700"))
            let sent = try await Self.eventually {
                try await Notification.query(on: app.db).filter(\.$sentAt != nil).count() == 1
            }
            #expect(sent)
            #expect(await smtp.messages.count == 1, "sent once")
        }
    }

    /// The relay is down: the message is still taken, the notification waits with the error, and goes
    /// when the relay is back.
    @Test(arguments: Backend.available)
    func nothingIsLostWhileTheRelayIsDown(backend: Backend) async throws {
        // A port nobody listens on: bind one, note it, let it go.
        let probe = try await LoopbackSMTPServer()
        let port = probe.port
        await probe.stop()
        try await withTestApp(
            backend,
            config: {
                $0.smtp = SMTPSettings(host: "127.0.0.1", port: port, from: "safecomms@north.example.org")
                $0.outboxPollSeconds = 0.05
                $0.outboxRetrySeconds = 0.2
            }
        ) { app in
            // setup
            let world = try await World.make(app)
            let officer = world.north.staff["practitioner"]!

            // MUT
            let taken = try await app.send(
                .POST,
                "/api/v1/staff/\(officer.id)/messages",
                token: world.north.token("business_support"),
                json: PhoneAPITests.slip
            )
            let failedTwice = try await Self.eventually {
                try await Notification.query(on: app.db).first().map { $0.attempts >= 2 } ?? false
            }
            let waiting = try #require(try await Notification.query(on: app.db).first())
            let smtp = try await LoopbackSMTPServer(port: port)
            defer { Task { await smtp.stop() } }
            let delivered = try await Self.eventually {
                try await Notification.query(on: app.db).filter(\.$sentAt != nil).count() == 1
            }

            // validation
            #expect(taken.status == .created, "the message is taken whatever the relay does")
            #expect(
                failedTwice && waiting.sentAt == nil && waiting.lastError?.isEmpty == false,
                "\(String(describing: waiting.lastError))"
            )
            #expect(delivered)
            #expect(await smtp.messages.count == 1)
            let after = try #require(try await Notification.query(on: app.db).first())
            #expect(after.lastError == nil && after.attempts >= 2)
        }
    }

    /// The wire format: dot-stuffing, CRLF, one-line headers, UTF-8 subjects.
    @Test func theMessageIsWellFormed() {
        let data = SMTPClient.data(
            MailMessage(
                to: "jo@x.org\r\nBcc: evil@y.org",
                subject: "Rückruf\nBcc: evil@y.org",
                body: ".hidden\nline two\r\n.\nend",
                urgent: false
            ),
            from: "s@x.org",
            now: Date(timeIntervalSince1970: 0)
        )
        let lines = data.components(separatedBy: "\r\n")
        #expect(!lines.contains { $0.hasPrefix("Bcc:") }, "no header can be added through a value")
        #expect(lines.contains("Subject: =?UTF-8?B?\(Data("Rückruf Bcc: evil@y.org".utf8).base64EncodedString())?="))
        #expect(lines.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(
            lines.contains("..hidden") && lines.contains("line two") && lines.contains("..")
                && lines.suffix(3) == ["end", ".", ""]
        )
        #expect(!lines.contains("Importance: high"))
    }
}
