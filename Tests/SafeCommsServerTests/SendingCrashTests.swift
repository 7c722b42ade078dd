import Fluent
import Foundation
import Testing
import Vapor

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// `safecomms serve` killed (SIGKILL) after GOV.UK Notify has taken a text and before the server has
/// written that it did: the next server to start does not send it again. It finds the text at Notify
/// by its reference, as the attempt was counted when it was claimed.
@Suite struct SendingCrashTests {
    @Test(arguments: Backend.available)
    func aServerKilledWhileNotifyHoldsItsAnswerDoesNotSendTwiceAfterRestart(backend: Backend) async throws {
        let notify = try await NotifyStandIn.start()
        notify.state.withLockedValue { $0.holdAnswers = 1 }
        let keyHex = String(repeating: "6b", count: 32)
        do {
            try await withTestApp(backend, config: { $0.auditKeyHex = keyHex }) { app in
                // setup: a parent with a mobile on the practitioner's case; a server sending through Notify
                let world = try await World.make(app)
                let parent = try await SendingTests.addParent(app, world)
                let environment = [
                    "SAFECOMMS_NOTIFY_API_KEY": notify.apiKey,
                    "SAFECOMMS_NOTIFY_BASE_URL": notify.url,
                    "SAFECOMMS_NOTIFY_SMS_TEMPLATE": notify.smsTemplate,
                    "SAFECOMMS_NOTIFY_EMAIL_TEMPLATE": notify.emailTemplate,
                    // A message claimed by a process that died is taken over after this long.
                    "SAFECOMMS_SENDER_CLAIM_SECONDS": "1",
                ]
                let config = app.safeCommsConfig
                let serve = {
                    try ServeProcess(config: config, keyHex: keyHex, isolation: "read_committed", extra: environment)
                }
                let first = try serve()
                defer { first.kill() }
                try await first.waitUntilReady(app)

                // MUT: the text is queued; Notify takes it and holds its answer; the server is killed
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: world.north.token("practitioner"))
                headers.contentType = .json
                let queued = try await app.client.post(
                    URI(string: first.base + "/api/v1/cases/\(world.north.caseA)/messages"),
                    headers: headers
                ) {
                    $0.body = ByteBuffer(
                        string:
                            #"{"person_id":"\#(parent.id!)","channel":"sms","text":"See you on Thursday at 4pm at the family centre","proceed_reason":"Arranged with Sam by phone"}"#
                    )
                }
                #expect(queued.status == .created)
                #expect(try await NotificationTests.eventually { notify.received.count == 1 })
                first.kill()
                let held = try #require(try await OutgoingMessage.query(on: app.db).first())
                #expect(held.status == "queued" && held.attempts == 1, "Notify has it; the store does not know")

                let second = try serve()
                defer { second.stop() }
                try await second.waitUntilReady(app)
                let settled = try await NotificationTests.eventually {
                    try await OutgoingMessage.find(held.id, on: app.db)?.status == "created"
                }

                // validation: found at Notify by its reference, not sent again
                #expect(settled)
                let after = try #require(try await OutgoingMessage.find(held.id, on: app.db))
                #expect(after.notifyID == notify.received.first?.id)
                #expect(after.attempts == 2)
                try await Task.sleep(for: .milliseconds(500))
                #expect(notify.received.count == 1, "sent once")
                #expect(notify.received.first?.reference == held.id?.uuidString.lowercased())
                second.stop()
            }
        } catch {
            try? await notify.stop()
            throw error
        }
        try await notify.stop()
    }
}
