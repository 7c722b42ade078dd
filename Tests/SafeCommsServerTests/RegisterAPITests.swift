import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// The registers a check decides on, kept through the API: consents given, ended and withdrawn
/// (PD-1.6, WNL-1.5), a case's facts as they change (COV-3), and number sharing told to the line
/// manager and acknowledged (PD-1.3).
@Suite struct RegisterAPITests {
    /// A text to case A's child from a work mobile, checked against one pack.
    static func check(_ world: World.Org, pack: String, caseID: UUID? = nil) -> String {
        #"{"case_id":"\#(caseID ?? world.caseA)","at":"2026-11-23T10:00:00Z","channel":"sms","device":{"kind":"work_mobile"},"recipient":{"role":"child"},"packs":["\#(pack)"],"text":"See you at 4pm on Thursday."}"#
    }

    static func clauses(_ r: TestingHTTPResponse) -> Set<String> {
        Set((r.json["findings"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String })
    }

    @Test(arguments: Backend.available)
    func aWithdrawnConsentStopsCountingAtOnceAndItsHistoryStays(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let token = north.token("practitioner")
            let before = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "pan-dorset-4.4")
            )
            #expect(Self.clauses(before).contains("PD-1.6"), "no agreement to texting on file yet")
            let added = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: token,
                json:
                    #"{"kind":"texting_agreed","person_id":"\#(north.personA)","given_by":"The child","reason":"Prefers texts to calls about meetings","given_on":"2026-11-01"}"#
            )
            #expect(added.status == .created, "\(added.text)")
            let consentID = try #require(added.json["id"] as? String)
            let counted = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "pan-dorset-4.4")
            )
            #expect(!Self.clauses(counted).contains("PD-1.6"), "PD-1.6: the agreement on file counts")
            // The chronology shows the agreement with the reason agreed (PD-1.6).
            let page = PageSession(app)
            try await page.signIn(north.staff["practitioner"]!.email)
            let shown = try await page.get("/cases/\(north.caseA)")
            #expect(
                shown.text.contains("Reason agreed: Prefers texts to calls about meetings"),
                "\(shown.text.prefix(2000))"
            )

            // MUT: two people withdraw it at once
            let path = "/api/v1/cases/\(north.caseA)/consents/\(consentID)/withdraw"
            let answers = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for who in ["practitioner", "manager"] {
                    group.addTask { @Sendable in
                        try await app.send(
                            .POST,
                            path,
                            token: north.token(who),
                            json: #"{"reason":"The child asked for calls only"}"#
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            // validation
            #expect(
                answers.sorted { $0.code < $1.code } == [.ok, .conflict],
                "the second is told it was already withdrawn"
            )
            let after = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "pan-dorset-4.4")
            )
            #expect(Self.clauses(after).contains("PD-1.6"), "PD-1.6: a withdrawn agreement no longer counts")
            #expect(try await !page.get("/cases/\(north.caseA)").text.contains("Prefers texts to calls"), "nor shows")
            let list = try await app.send(.GET, "/api/v1/cases/\(north.caseA)/consents", token: token)
            let row = try #require(list.jsonArray.first { $0["id"] as? String == consentID })
            #expect(row["withdrawn_reason"] as? String == "The child asked for calls only")
            #expect(
                row["withdrawn_on"] as? String != nil
                    && row["reason"] as? String == "Prefers texts to calls about meetings"
            )
            #expect(
                [north.id("practitioner"), north.id("manager")].map(\.uuidString).contains(
                    row["withdrawn_by_id"] as? String ?? ""
                )
            )
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "consent.withdraw").all()
            #expect(events.count == 1 && events.first?.caseID == north.caseA)
        }
    }

    @Test(arguments: Backend.available)
    func aConsentForATimeEndsAndBadDatesAreNamed(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let token = north.token("practitioner")

            // MUT
            let ended = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: token,
                json:
                    #"{"kind":"texting_agreed","given_by":"The child","reason":"For the summer placement","given_on":"2026-06-01","ends_on":"2026-08-31"}"#
            )
            let backwards = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: token,
                json:
                    #"{"kind":"texting_agreed","given_by":"The child","reason":"x","given_on":"2026-06-01","ends_on":"2026-05-31"}"#
            )
            let check = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "pan-dorset-4.4")
            )

            // validation
            #expect(ended.status == .created, "\(ended.text)")
            #expect(
                Self.clauses(check).contains("PD-1.6"),
                "an agreement that ended in August does not count in November"
            )
            #expect(backwards.status == .unprocessableEntity && backwards.text.contains("ends_on"), "\(backwards.text)")
        }
    }

    @Test(arguments: Backend.available)
    func onlyTheDSLRecordsTheDSLsConsents(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let body =
                #"{"kind":"recording_dsl_written","given_by":"North dsl","reason":"Filming the award ceremony","given_on":"2026-11-01"}"#

            // MUT
            let practitioner = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: north.token("practitioner"),
                json: body
            )
            let dsl = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: north.token("dsl"),
                json: body
            )
            let register = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: north.token("dsl"),
                json: #"{"kind":"number_sharing_manager_agreed","given_by":"x","reason":"x","given_on":"2026-11-01"}"#
            )

            // validation
            #expect(practitioner.status == .forbidden && practitioner.text.contains("WNL-1.5"), "\(practitioner.text)")
            #expect(dsl.status == .created, "\(dsl.text)")
            #expect(dsl.json["recorded_by_id"] as? String == north.id("dsl").uuidString, "the record names the DSL")
            #expect(register.status == .unprocessableEntity && register.text.contains("COV-3"), "\(register.text)")
            #expect(try await Consent.query(on: app.db).count() == 1, "nothing half-written")
        }
    }

    @Test(arguments: Backend.available)
    func aChangedStatusChangesCOV3sAnswerAndTheRegisterSettlesIt(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let token = north.token("practitioner")
            let lookedAfter = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "coventry-mobile-2017")
            )
            #expect(!Self.clauses(lookedAfter).contains("COV-3"), "COV-3: a looked-after child may have the number")

            // MUT
            let changed = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/facts",
                token: token,
                json:
                    #"{"status":"child_protection","in_crisis":true,"reason":"Child protection conference on 20 November"}"#
            )
            let protection = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "coventry-mobile-2017")
            )
            let shared = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/number-sharing",
                token: token,
                json:
                    #"{"shared":true,"number":"07700 900111","person_id":"\#(north.personA)","reason":"Agreed in supervision","manager_agreed_by_id":"\#(north.id("manager"))","decided_on":"2026-11-21"}"#
            )
            let settled = try await app.send(
                .POST,
                "/api/v1/checks",
                token: token,
                json: Self.check(north, pack: "coventry-mobile-2017")
            )
            let reallocate = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/facts",
                token: token,
                json: #"{"key_worker_id":"\#(north.id("manager"))","reason":"Handover"}"#
            )
            let byManager = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/facts",
                token: north.token("manager"),
                json: #"{"key_worker_id":"\#(north.id("manager"))","reason":"Handover"}"#
            )

            // validation
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(Set(changed.jsonArray.compactMap { $0["fact"] as? String }) == ["status", "in_crisis"])
            #expect(
                Self.clauses(protection).contains("COV-3"),
                "COV-3: now on a child protection plan, the check warns"
            )
            #expect(shared.status == .created, "\(shared.text)")
            #expect(!Self.clauses(settled).contains("COV-3"), "COV-3 reads the register: decided with the team manager")
            #expect(reallocate.status == .forbidden, "a practitioner does not reallocate a case: \(reallocate.text)")
            #expect(byManager.status == .ok, "\(byManager.text)")
            let history = try await app.send(.GET, "/api/v1/cases/\(north.caseA)/facts", token: north.token("manager"))
            let facts = history.jsonArray.compactMap { $0["fact"] as? String }
            #expect(facts.count == 3 && facts.first == "key_worker_id", "newest first: \(facts)")
            let status = try #require(history.jsonArray.first { $0["fact"] as? String == "status" })
            #expect(status["before"] as? String == "looked_after" && status["after"] as? String == "child_protection")
            #expect(status["changed_by_id"] as? String == north.id("practitioner").uuidString)
            #expect(status["reason"] as? String == "Child protection conference on 20 November")
            let stored = try #require(try await CaseFile.find(north.caseA, on: app.db))
            #expect(stored.status == .childProtection && stored.inCrisis && stored.keyWorkerID == north.id("manager"))
        }
    }

    @Test(arguments: Backend.available)
    func aDecisionNotToShareWithAChildInNeedNamesTheTeamManager(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup: case B is a child in need, in team B
            let world = try await World.make(app), north = world.north
            let body =
                #"{"shared":false,"number":"07700 900111","reason":"Risk of the number being passed on","decided_on":"2026-11-21"}"#

            // MUT
            let alone = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseB)/number-sharing",
                token: north.token("practitionerB"),
                json: body
            )

            // validation
            #expect(
                alone.status == .unprocessableEntity && alone.text.contains("manager_agreed_by_id"),
                "\(alone.text)"
            )
            #expect(alone.text.contains("COV-3"))
            #expect(try await NumberSharing.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: Backend.available)
    func sharingANumberTellsTheLineManagerWhoAcknowledgesIt(backend: Backend) async throws {
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
            // setup: the practitioner's line manager is the team manager
            let world = try await World.make(app), north = world.north

            // MUT
            let shared = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/number-sharing",
                token: north.token("practitioner"),
                json:
                    #"{"shared":true,"number":"07700 900111","person_id":"\#(north.personA)","reason":"For placement visits","decided_on":"2026-11-21"}"#
            )
            let arrived = try await NotificationTests.eventually { await !smtp.messages.isEmpty }

            // validation
            #expect(shared.status == .created, "\(shared.text)")
            #expect(shared.json["line_manager_id"] as? String == north.id("manager").uuidString)
            #expect(arrived, "PD-1.3: the line manager is told")
            let mail = try #require(await smtp.messages.first)
            #expect(mail.to == [north.staff["manager"]!.email])
            #expect(mail.body.contains("https://safecomms.north.example.org/number-sharing"))
            #expect(!mail.data.contains("900111") && !mail.data.contains("Child A"), "no case details in the e-mail")
            let sharingID = try #require(shared.json["id"] as? String)
            let waiting = try await app.send(
                .GET,
                "/api/v1/number-sharing/to-acknowledge",
                token: north.token("manager")
            )
            #expect(waiting.jsonArray.compactMap { $0["id"] as? String } == [sharingID])
            let byWorker = try await app.send(
                .POST,
                "/api/v1/number-sharing/\(sharingID)/acknowledge",
                token: north.token("practitioner")
            )
            #expect(byWorker.status == .forbidden)
            let elsewhere = try await app.send(
                .POST,
                "/api/v1/number-sharing/\(sharingID)/acknowledge",
                token: world.south.token("dsl")
            )
            #expect(elsewhere.status == .notFound, "never across an organisation")
            let acknowledged = try await app.send(
                .POST,
                "/api/v1/number-sharing/\(sharingID)/acknowledge",
                token: north.token("manager")
            )
            #expect(acknowledged.status == .ok, "\(acknowledged.text)")
            #expect(acknowledged.json["acknowledged_by_id"] as? String == north.id("manager").uuidString)
            let again = try await app.send(
                .POST,
                "/api/v1/number-sharing/\(sharingID)/acknowledge",
                token: north.token("manager")
            )
            #expect(again.status == .conflict)
            let after = try await app.send(.GET, "/api/v1/number-sharing/to-acknowledge", token: north.token("manager"))
            #expect(after.jsonArray.isEmpty)
            // Every change was sealed as written: `verify` throws on a row that differs from its seal.
            let verified = try await AuditLog.verify(on: app.db, key: app.auditKey)
            #expect(verified.links > 0)
        }
    }

    /// WNL-5.2: staff show they understand what misuse is by acknowledging each version of the policy.
    @Test(arguments: Backend.available)
    func aNewPackVersionAsksEveryoneAgain(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let list = try await app.send(.GET, "/api/v1/policies", token: north.token("practitioner"))
            let packs = list.jsonArray
            #expect(packs.count == 5 && packs.allSatisfy { $0["acknowledged_at"] == nil })
            let guidance = packs.flatMap { $0["clauses"] as? [[String: Any]] ?? [] }.filter {
                $0["kind"] as? String == "guidance"
            }
            #expect(guidance.count == 32, "every guidance clause is shown")
            #expect(guidance.allSatisfy { ($0["text"] as? String)?.isEmpty == false }, "each in its own words")
            for pack in packs {
                let r = try await app.send(
                    .POST,
                    "/api/v1/policies/\(pack["id"] as! String)/acknowledge",
                    token: north.token("practitioner"),
                    json: #"{"version":"\#(pack["version"] as! String)"}"#
                )
                #expect(r.status == .ok, "\(r.text)")
            }
            let stale = try await app.send(
                .POST,
                "/api/v1/policies/whatsapp-2020/acknowledge",
                token: north.token("practitioner"),
                json: #"{"version":"0"}"#
            )
            #expect(stale.status == .unprocessableEntity && stale.text.contains("version"))
            let outstanding = try await app.send(.GET, "/api/v1/policies/outstanding", token: north.token("manager"))
            #expect(
                !outstanding.jsonArray.contains { $0["staff_id"] as? String == north.id("practitioner").uuidString }
            )
            let forbidden = try await app.send(.GET, "/api/v1/policies/outstanding", token: north.token("practitioner"))
            #expect(forbidden.status == .forbidden)

            // MUT: WhatsApp's pack changes
            let old = app.policyCatalogue
            let packsNow = old.packs.map { p in
                var p = p
                if p.id == "whatsapp-2020" { p.version = "2" }
                return p
            }
            app.storage[PolicyCatalogueKey.self] = PolicyCatalogue(packs: packsNow, texts: old.texts)

            // validation
            let again = try await app.send(.GET, "/api/v1/policies", token: north.token("practitioner"))
            let whatsapp = try #require(again.jsonArray.first { $0["id"] as? String == "whatsapp-2020" })
            #expect(whatsapp["acknowledged_at"] == nil && whatsapp["version"] as? String == "2")
            #expect(again.jsonArray.filter { $0["acknowledged_at"] != nil }.count == 4)
            let asked = try await app.send(.GET, "/api/v1/policies/outstanding", token: north.token("manager"))
            let row = try #require(
                asked.jsonArray.first { $0["staff_id"] as? String == north.id("practitioner").uuidString }
            )
            #expect(row["packs"] as? [String] == ["whatsapp-2020"])
        }
    }

    @Test(arguments: Backend.available)
    func aPhoneHandedInAndReturnedShowsInTheYoungPersonsHistory(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup: the agreement (WNL-1.4); WNL-6.3.1 and WNL-6.3.2 take the placement's or the school's
            // rule; WNL-6.3.3, an alternative provision where phones are handed in for the day
            let world = try await World.make(app), north = world.north
            let token = north.token("practitioner")
            for (setting, clause, rule) in [
                ("workplace", "WNL-6.3.1", "lunch and tea breaks"),
                ("mainstream_school", "WNL-6.3.2", "The school's own rules"),
            ] {
                let r = try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/phone-agreements",
                    token: world.north.token("practitioner"),
                    json: #"{"setting":"\#(setting)","personal_use":"Breaks","agreed_on":"2026-10-01"}"#
                )
                #expect(
                    r.json["clause"] as? String == clause && (r.json["rule"] as? String)?.contains(rule) == true,
                    "\(r.text)"
                )
            }
            let agreed = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/phone-agreements",
                token: token,
                json: #"{"setting":"alternative_provision","personal_use":"Lunch break only","agreed_on":"2026-11-02"}"#
            )
            #expect(agreed.status == .created, "\(agreed.text)")
            #expect(
                agreed.json["clause"] as? String == "WNL-6.3.3"
                    && (agreed.json["rule"] as? String)?.hasPrefix("Handed in at the start of the day") == true
            )
            let nowhere = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/phone-hand-ins",
                token: token,
                json: "{}"
            )
            #expect(nowhere.status == .unprocessableEntity && nowhere.text.contains("kept_where"), "\(nowhere.text)")

            // MUT: handed in, then returned by two people at once
            let handed = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/phone-hand-ins",
                token: token,
                json: #"{"kept_where":"Named tray in the office safe"}"#
            )
            #expect(handed.status == .created, "\(handed.text)")
            let twice = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/phone-hand-ins",
                token: north.token("manager"),
                json: #"{"kept_where":"Office"}"#
            )
            #expect(twice.status == .conflict, "a phone in the safe is not handed in again")
            let id = try #require(handed.json["id"] as? String)
            let answers = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for who in ["practitioner", "manager"] {
                    group.addTask { @Sendable in
                        try await app.send(
                            .POST,
                            "/api/v1/cases/\(north.caseA)/phone-hand-ins/\(id)/return",
                            token: north.token(who)
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            // validation
            #expect(answers.sorted { $0.code < $1.code } == [.ok, .conflict])
            let register = try await app.send(.GET, "/api/v1/cases/\(north.caseA)/phone-register", token: token)
            let history = register.json["hand_ins"] as? [[String: Any]] ?? []
            #expect(history.count == 1)
            #expect(history.first?["kept_where"] as? String == "Named tray in the office safe")
            #expect(history.first?["returned_at"] != nil && history.first?["returned_by_id"] != nil)
            #expect(history.first?["person_id"] as? String == north.personA.uuidString)

            // WNL-6.3.4: at our centre the phone is not stored but confirmed switched off.
            let centre = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/phone-agreements",
                token: token,
                json: #"{"setting":"our_centre","personal_use":"None while at the centre","agreed_on":"2026-11-20"}"#
            )
            #expect(centre.status == .created)
            let off = try await app.send(.POST, "/api/v1/cases/\(north.caseA)/phone-hand-ins", token: token, json: "{}")
            #expect(off.status == .created && off.json["kind"] as? String == "switched_off", "\(off.text)")
            let after = try await app.send(.GET, "/api/v1/cases/\(north.caseA)/phone-register", token: token)
            #expect((after.json["agreements"] as? [[String: Any]])?.first?["setting"] as? String == "our_centre")
            #expect(
                (after.json["agreements"] as? [[String: Any]])?.count == 4,
                "the earlier agreements stay as history"
            )
            let verified = try await AuditLog.verify(on: app.db, key: app.auditKey)
            #expect(verified.links > 0)
        }
    }
}
