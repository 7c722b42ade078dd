import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// Texts sent from a case through the GOV.UK Notify stand-in on loopback: checked, recorded the moment
/// they are queued, sent once after commit, never when blocked, past a warning only with a reason, and
/// never twice when Notify's answer is lost or it asks SafeComms to slow down.
@Suite struct SendingTests {
    static let callbackToken = "callback-\(UUID().uuidString)"

    /// The application with Notify set up; with `callbacks`, served on a loopback port too, so that the
    /// stand-in's receipts and received texts reach it over HTTP.
    static func withNotify(
        _ backend: Backend,
        callbacks: Bool = false,
        _ body: (Application, World, NotifyStandIn, UUID) async throws -> Void
    ) async throws {
        let notify = try await NotifyStandIn.start()
        do {
            try await withTestApp(
                backend,
                config: {
                    $0.notify = NotifySettings(
                        key: try! NotifyKey(parsing: notify.apiKey, field: "key"),
                        baseURL: notify.url,
                        smsTemplate: notify.smsTemplate,
                        emailTemplate: notify.emailTemplate,
                        callbackToken: callbacks ? Self.callbackToken : nil
                    )
                    $0.senderPollSeconds = 0.05
                    $0.senderRetrySeconds = 0.1
                }
            ) { app in
                let world = try await World.make(app)
                let parent = try await Self.addParent(app, world)
                guard callbacks else { return try await body(app, world, notify, parent.id!) }
                let base = try await LoopbackServer.start(app)
                notify.state.withLockedValue { $0.callback = (base + "/notify/callback", Self.callbackToken) }
                // The served application is stopped before it is shut down, however the test ends.
                do { try await body(app, world, notify, parent.id!) } catch {
                    await app.server.shutdown()
                    throw error
                }
                await app.server.shutdown()
            }
        } catch {
            try? await notify.stop()
            throw error
        }
        try await notify.stop()
    }

    /// Sam Parent, with a mobile and an e-mail address, on the north practitioner's case.
    static func addParent(_ app: Application, _ world: World) async throws -> CasePerson {
        let parent = CasePerson(
            id: UUID(),
            organisationID: world.north.id,
            caseID: world.north.caseA,
            role: "parent_carer",
            name: "Sam Parent",
            phone: "+447700900123",
            email: "sam.parent@example.org"
        )
        try await parent.create(on: app.db)
        return parent
    }

    static func send(_ app: Application, _ world: World, _ json: String) async throws -> TestingHTTPResponse {
        try await app.send(
            .POST,
            "/api/v1/cases/\(world.north.caseA)/messages",
            token: world.north.token("practitioner"),
            json: json
        )
    }

    @Test(arguments: Backend.available)
    func anAllowedTextIsRecordedAtOnceAndSentOnce(backend: Backend) async throws {
        try await Self.withNotify(backend) { app, world, notify, parent in
            let sent = try await Self.send(
                app,
                world,
                #"{"person_id":"\#(parent)","channel":"sms","text":"See you on Thursday at 4pm at the family centre","proceed_reason":"Arranged with Sam by phone"}"#
            )
            #expect(sent.status == .created, "\(sent.text)")
            let id = try #require(sent.json["id"] as? String)
            #expect((sent.json["decision"] as? [String: Any])?["decision"] != nil)
            // In the chronology the moment it was queued, as sent from SafeComms.
            let record = try #require(
                try await CommunicationRecord.find(UUID(uuidString: sent.json["record_id"] as! String), on: app.db)
            )
            #expect(record.source == "sent" && record.channel == "sms" && record.direction == "outgoing")
            #expect(record.transcript == "See you on Thursday at 4pm at the family centre")
            // Sent once, after commit, with its reference and nothing else about anyone.
            let arrived = try await NotificationTests.eventually { notify.received.count == 1 }
            let state = try await OutgoingMessage.query(on: app.db).all().map {
                "\($0.status) \($0.attempts) \($0.lastError ?? "")"
            }
            #expect(arrived, "\(state) refused tokens: \(notify.state.withLockedValue { $0.refusedTokens })")
            let got = try #require(notify.received.first)
            #expect(got.to == "+447700900123" && got.templateID == notify.smsTemplate)
            #expect(got.personalisation == ["body": "See you on Thursday at 4pm at the family centre"])
            #expect(got.reference == id.lowercased())
            #expect(
                try await NotificationTests.eventually {
                    try await app.send(
                        .GET,
                        "/api/v1/cases/\(world.north.caseA)/messages/\(id)",
                        token: world.north.token("practitioner")
                    )
                    .json["status"] as? String == "created"
                }
            )
            try await Task.sleep(for: .milliseconds(300))
            #expect(notify.received.count == 1, "never twice")
            #expect(notify.state.withLockedValue { $0.refusedTokens } == 0)
        }
    }

    @Test(arguments: Backend.available)
    func aBlockedTextIsNeitherSentNorWrittenAndAWarningNeedsAReason(backend: Backend) async throws {
        try await Self.withNotify(backend) { app, world, notify, parent in
            // PD-1.6: the child has not agreed to be texted.
            let blocked = try await Self.send(
                app,
                world,
                #"{"person_id":"\#(world.north.personA)","channel":"sms","text":"See you on Thursday"}"#
            )
            #expect(blocked.status == .unprocessableEntity)
            #expect((blocked.json["decision"] as? [String: Any])?["decision"] as? String == "block")
            #expect((blocked.json["reason"] as? String)?.contains("PD-1.6") == true)
            // PD-1.5: text speak warns; without a reason nothing goes, with one it does.
            let speak = #"{"person_id":"\#(parent)","channel":"sms","text":"c u tmrw at 4 lol""#
            let warned = try await Self.send(app, world, speak + "}")
            #expect(
                warned.status == .unprocessableEntity && warned.json["field"] as? String == "proceed_reason",
                "\(warned.text)"
            )
            try await Task.sleep(for: .milliseconds(300))
            #expect(notify.received.isEmpty)
            #expect(try await OutgoingMessage.query(on: app.db).count() == 0)
            #expect(try await CommunicationRecord.query(on: app.db).filter(\.$source == "sent").count() == 0)
            let reasoned = try await Self.send(
                app,
                world,
                speak + #","proceed_reason":"Sam writes like this and asked me to"}"#
            )
            #expect(reasoned.status == .created, "\(reasoned.text)")
            #expect(try await NotificationTests.eventually { notify.received.count == 1 })
            let kept = try #require(try await OutgoingMessage.query(on: app.db).first())
            #expect(kept.decision == "warn" && kept.proceedReason == "Sam writes like this and asked me to")
            #expect(kept.clauses.contains("PD-1.5"))
        }
    }

    @Test(arguments: Backend.available)
    func aRateLimitWaitsAndALostAnswerIsNeverSentTwice(backend: Backend) async throws {
        try await Self.withNotify(backend) { app, world, notify, parent in
            notify.state.withLockedValue {
                $0.rateLimit = 1
                $0.loseAnswers = 1
            }
            let sent = try await Self.send(
                app,
                world,
                #"{"person_id":"\#(parent)","channel":"email","subject":"Thursday","text":"See you on Thursday at 4pm","proceed_reason":"Agreed"}"#
            )
            #expect(sent.status == .created, "\(sent.text)")
            let id = try #require(sent.json["id"] as? String)
            // 429 first (not kept), then kept with its answer lost (500), then found by its reference.
            #expect(
                try await NotificationTests.eventually {
                    try await OutgoingMessage.find(UUID(uuidString: id), on: app.db)?.status == "created"
                }
            )
            let rows = try await OutgoingMessage.query(on: app.db).all().map {
                "\($0.status) \($0.attempts) \($0.lastError ?? "") \($0.notifyID ?? "")"
            }
            #expect(notify.received.count == 1, "once, though tried three times \(rows)")
            #expect(
                notify.received.first?.personalisation == ["body": "See you on Thursday at 4pm", "subject": "Thursday"]
            )
            #expect(notify.received.first?.to == "sam.parent@example.org")
        }
    }

    /// The compose page sends: a warning is named until a reason is given; a block sends nothing.
    @Test(arguments: Backend.available)
    func theComposePageSendsPastAWarningOnlyWithAReason(backend: Backend) async throws {
        try await Self.withNotify(backend) { app, world, notify, parent in
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["practitioner"]!.email)
            let page = try await browser.get("/cases/\(world.north.caseA)/compose")
            #expect(page.text.contains("Send a text or e-mail") && page.text.contains("id=\"proceed_reason\""))
            let csrf = try #require(browser.csrf(from: page))
            var form = [
                "csrf": csrf, "person_id": parent.uuidString, "channel": "sms", "text": "c u tmrw at 4 lol",
                "action": "send",
            ]
            let warned = try await browser.post("/cases/\(world.north.caseA)/compose", form: form)
            #expect(warned.status == .unprocessableEntity && warned.text.contains("href=\"#proceed_reason\""))
            form["person_id"] = world.north.personA.uuidString
            let blocked = try await browser.post("/cases/\(world.north.caseA)/compose", form: form)
            #expect(blocked.status == .unprocessableEntity && blocked.text.contains("nothing was sent"))
            #expect(blocked.text.contains("Do not send this") && blocked.text.contains("PD-1.6"))
            form["person_id"] = parent.uuidString
            form["proceed_reason"] = "Sam writes like this and asked me to"
            let sent = try await browser.post("/cases/\(world.north.caseA)/compose", form: form)
            #expect(sent.status == .seeOther, "\(sent.text.prefix(400))")
            let location = try #require(sent.headers.first(name: .location))
            #expect(location.hasSuffix("?sent=1"))
            #expect(try await browser.get(location).text.contains("The message is being sent and is in the chronology"))
            #expect(try await NotificationTests.eventually { notify.received.count == 1 })
            #expect(notify.received.first?.personalisation["body"] == "c u tmrw at 4 lol")
        }
    }

    /// Notify's receipts update the status; a permanent failure marks the number and tells the worker;
    /// a text received lands on the case of the person whose number sent it, and is scanned.
    @Test(arguments: Backend.available)
    func receiptsAndReceivedTextsComeBackThroughTheCallback(backend: Backend) async throws {
        try await Self.withNotify(backend, callbacks: true) { app, world, notify, parent in
            // A second parent whose number is Notify's simulated permanent failure.
            let wrong = CasePerson(
                id: UUID(),
                organisationID: world.north.id,
                caseID: world.north.caseA,
                role: "parent_carer",
                name: "Alex Parent",
                phone: "07700900002"
            )
            try await wrong.create(on: app.db)
            var ids: [String] = []
            for person in [parent, wrong.id!] {
                let sent = try await Self.send(
                    app,
                    world,
                    #"{"person_id":"\#(person)","channel":"sms","text":"See you on Thursday at 4pm","proceed_reason":"Agreed"}"#
                )
                #expect(sent.status == .created, "\(sent.text)")
                ids.append(try #require(sent.json["id"] as? String))
            }
            func status(_ id: String) async throws -> String? {
                try await OutgoingMessage.find(UUID(uuidString: id), on: app.db)?.status
            }
            #expect(try await NotificationTests.eventually { try await status(ids[0]) == "delivered" })
            #expect(try await NotificationTests.eventually { try await status(ids[1]) == "permanent-failure" })
            // The chronology says what became of each.
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["practitioner"]!.email)
            let chronology = try await browser.get("/cases/\(world.north.caseA)")
            #expect(chronology.text.contains("Sent from SafeComms: <strong class=\"tag tag-green\">Delivered</strong>"))
            #expect(
                chronology.text.contains("Sent from SafeComms: <strong class=\"tag tag-red\">Not delivered</strong>")
            )
            let marked = try #require(try await CasePerson.find(wrong.id, on: app.db))
            #expect(marked.phoneFailedAt != nil)
            #expect(try await CasePerson.find(parent, on: app.db)?.phoneFailedAt == nil)
            let compose = try await browser.get("/cases/\(world.north.caseA)/compose")
            #expect(compose.text.contains("Alex Parent (parent carer), number may be wrong"))
            #expect(compose.text.contains("Sam Parent (parent carer)<"))
            let told = try await SafeCommsStore.Notification.query(on: app.db).all()
            #expect(told.contains { $0.subject == "A text message you sent could not be delivered" })
            #expect(!told.contains { $0.body.contains("Thursday") || $0.body.contains("07700900002") })
            // A wrong token is refused, and changes nothing.
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: "not-the-token")
            headers.contentType = .json
            let forged = try await app.testing().sendRequest(
                .POST,
                "/notify/callback",
                headers: headers,
                body: ByteBuffer(string: #"{"id":"x","reference":"\#(ids[0])","status":"permanent-failure"}"#)
            )
            #expect(forged.status == .unauthorized)
            #expect(try await status(ids[0]) == "delivered")
            // Sam replies, abusively: on case A, incoming, and on the review queue under PD-1.10.
            notify.receive(from: "+447700900123", "leave me alone you stupid cow")
            #expect(
                try await NotificationTests.eventually {
                    try await CommunicationRecord.query(on: app.db).filter(\.$source == "notify:received").count() == 1
                }
            )
            let reply = try #require(
                try await CommunicationRecord.query(on: app.db).filter(\.$source == "notify:received").first()
            )
            #expect(reply.caseID == world.north.caseA && reply.direction == "incoming" && reply.personID == parent)
            #expect(reply.staffID == world.north.id("practitioner"), "for the worker who wrote to them")
            #expect(
                try await NotificationTests.eventually {
                    try await ReviewItem.query(on: app.db).filter(\.$clause == "PD-1.10").count() == 1
                }
            )
            // A number nobody on any case has: recorded nowhere.
            notify.receive(from: "+447700900777", "Who is this?")
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await CommunicationRecord.query(on: app.db).filter(\.$source == "notify:received").count() == 1)
        }
    }

    /// What the check says must follow a message becomes the worker's tasks. What the record SafeComms
    /// wrote already meets (PD-1.8: transcribed, timed and dated) is done at once; the rest is the
    /// worker's to do, once; overdue, their manager sees it.
    @Test(arguments: Backend.available)
    func obligationsBecomeTasks(backend: Backend) async throws {
        try await Self.withNotify(backend) { app, world, notify, parent in
            let sent = try await Self.send(
                app,
                world,
                #"{"person_id":"\#(parent)","channel":"sms","text":"See you on Thursday at 4pm","proceed_reason":"Agreed"}"#
            )
            #expect(sent.status == .created, "\(sent.text)")
            let owed = ((sent.json["decision"] as? [String: Any])?["obligations"] as? [[String: Any]] ?? [])
                .compactMap { $0["clause"] as? String }
            #expect(owed.contains("PD-1.8"), "the check names what must follow a text")
            let tasks = try await CaseTask.query(on: app.db).all()
            #expect(tasks.map(\.clause).sorted() == owed.sorted())
            #expect(tasks.allSatisfy { $0.recordID?.uuidString == sent.json["record_id"] as? String })
            let transcribed = try #require(tasks.first { $0.clause == "PD-1.8" })
            #expect(transcribed.doneAt != nil && transcribed.note?.contains("chronology record") == true)
            let practitioner = world.north.token("practitioner")
            let mine = try await app.send(.GET, "/api/v1/tasks", token: practitioner).jsonArray
            #expect(!mine.contains { $0["clause"] as? String == "PD-1.8" }, "nothing to do for what is done")
            // A task still to do (COV-5: answer what the caller asked): not overdue, the manager's list
            // is empty; once overdue, it is there.
            let first = CaseTask(
                organisationID: world.north.id,
                caseID: world.north.caseA,
                staffID: world.north.id("practitioner"),
                clause: "COV-5",
                action: "Respond to the caller's query or concern, or divert it, and note how it was dealt with.",
                dueAt: Date().addingTimeInterval(3600),
                recordID: transcribed.recordID,
                now: Date()
            )
            try await first.create(on: app.db)
            #expect(try await app.send(.GET, "/api/v1/tasks", token: practitioner).jsonArray.count == mine.count + 1)
            #expect(try await app.send(.GET, "/api/v1/tasks", token: world.north.token("manager")).jsonArray.isEmpty)
            first.dueAt = Date().addingTimeInterval(-60)
            try await first.save(on: app.db)
            let managers = try await app.send(.GET, "/api/v1/tasks", token: world.north.token("manager")).jsonArray
            #expect(managers.count == 1 && managers.first?["overdue"] as? Bool == true)
            #expect(managers.first?["worker"] as? String == "North practitioner")
            // A colleague cannot touch it; the worker does it once, the second try is told.
            let id = try #require(first.id?.uuidString)
            let colleague = try await app.send(
                .POST,
                "/api/v1/tasks/\(id)/done",
                token: world.north.token("practitionerB"),
                json: "{}"
            )
            #expect(colleague.status == .notFound)
            let results = try await withThrowingTaskGroup(of: UInt.self) { group in
                for token in [practitioner, world.north.token("manager")] {
                    group.addTask {
                        try await app.send(
                            .POST,
                            "/api/v1/tasks/\(id)/done",
                            token: token,
                            json: #"{"note":"Noted on the case record"}"#
                        ).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted() == [200, 409])
            #expect(try await CaseTask.find(first.id, on: app.db)?.note == "Noted on the case record")
        }
    }
}
