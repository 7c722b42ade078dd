import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

@Suite struct CheckAPITests {
    /// Case A gains a named child and two consents: texting agreed, but only for e-mail; parent permission for any channel.
    func addRegister(_ app: Application, _ org: World.Org) async throws {
        try await CasePerson(
            organisationID: org.id,
            caseID: org.caseA,
            role: "child",
            name: "Jayden Price",
            aliases: ["JJ"],
            dateOfBirth: "2012-05-04",
            postcode: "BH15 2AB"
        ).create(on: app.db)
        for (kind, channel) in [(ConsentKind.textingAgreed, Optional("email")), (.parentPermission, nil)] {
            try await Consent(
                organisationID: org.id,
                caseID: org.caseA,
                personID: org.personA,
                recordedByID: org.id("practitioner"),
                kind: kind,
                channel: channel,
                givenBy: "Jayden",
                reason: "Agreed at review",
                givenOn: "2026-10-01"
            ).create(on: app.db)
        }
    }

    static func body(case id: UUID, text: String = "Hi Jayden, see you Thursday at 4pm.") -> String {
        #"{"id":"c1","case_id":"\#(id)","at":"2026-11-23T10:00:00Z","channel":"whatsapp","device":{"kind":"work_mobile","whatsapp_enabled":true},"recipient":{"role":"child"},"consents":["texting_agreed"],"text":"\#(text)"}"#
    }

    @Test(arguments: Backend.available)
    func theStoredCaseAndItsConsentsDecideAndTheCheckIsAudited(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            try await addRegister(app, world.north)

            // MUT
            let r = try await app.send(
                .POST,
                "/api/v1/checks",
                token: world.north.token("practitioner"),
                json: Self.body(case: world.north.caseA)
            )

            // validation
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json["id"] as? String == "c1" && r.json["decision"] as? String == "block")
            let findings = r.json["findings"] as? [[String: Any]] ?? []
            let clauses = Set(findings.compactMap { $0["clause"] as? String })
            #expect(clauses.contains("WA-7"), "the stored child's name is found")
            #expect(
                clauses.contains("PD-1.6"),
                "texting was agreed for e-mail only, and the caller's own claim is not taken"
            )
            #expect(!clauses.contains("PD-12.b"), "parent permission is on file for any channel")
            let wa7 = findings.first { $0["clause"] as? String == "WA-7" }
            let spans = wa7?["spans"] as? [[String: Any]] ?? []
            #expect(
                spans.first?["start"] as? Int == 3 && spans.first?["end"] as? Int == 9
                    && spans.first?["type"] as? String == "CASE_PERSON"
            )
            let event = try #require(try await AuditEvent.query(on: app.db).sort(\.$id, .descending).first())
            #expect(
                event.action == "check" && event.caseID == world.north.caseA
                    && event.actorID == world.north.id("practitioner")
            )
            #expect(event.detail?.hasPrefix("whatsapp block: ") == true)
            #expect(event.detail?.contains("Jayden") == false, "the message itself is never in the audit trail")
            #expect(try await AuditLog.verify(on: app.db, key: app.auditKey).links > 0)
        }
    }

    @Test func aCaseOutOfSightIsNotFound() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let body = Self.body(case: world.north.caseA)
            #expect(
                try await app.send(.POST, "/api/v1/checks", token: world.north.token("practitionerB"), json: body)
                    .status == .notFound
            )
            #expect(
                try await app.send(.POST, "/api/v1/checks", token: world.south.token("dsl"), json: body).status
                    == .notFound
            )
            #expect(
                try await app.send(.POST, "/api/v1/checks", token: world.north.token("auditor"), json: body).status
                    == .ok
            )
        }
    }

    @Test func badRequestsNameTheField() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let token = world.north.token("practitioner")
            let before = try await AuditEvent.query(on: app.db).count()
            for (json, field) in [
                (#"{"channel":"sms","device":{"kind":"pager"}}"#, "device.kind"),
                (#"{"channel":"sms","case_id":"nope"}"#, "case_id"),
                (#"{"channel":"sms","packs":["nonesuch"]}"#, "packs[0]"),
                (#"{"text":"hello"}"#, "channel"),
            ] {
                let r = try await app.send(.POST, "/api/v1/checks", token: token, json: json)
                #expect(r.status == .unprocessableEntity && r.json["field"] as? String == field, "\(json): \(r.text)")
            }
            #expect(try await AuditEvent.query(on: app.db).count() == before, "a refused check records nothing")
        }
    }

    @Test func concurrentChecksAreEachAuditedOnce() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let before = try await AuditEvent.query(on: app.db).filter(\.$action == "check").count()
            try await withThrowingTaskGroup(of: UInt.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await app.send(
                            .POST,
                            "/api/v1/checks",
                            token: world.north.token("dsl"),
                            json: #"{"id":\#(i),"channel":"phone_call","device":{"kind":"work_mobile"}}"#
                        ).status.code
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "check").count() == before + 40)
            #expect(
                try await AuditLog.verify(on: app.db, key: app.auditKey).links
                    == (try await AuditEvent.query(on: app.db).count())
            )
        }
    }
}

@Suite struct OrganisationPacksTests {
    static let settings =
        #"{"office_hours":{"opens_at_minute":510,"closes_at_minute":1020,"working_days":[1,2,3,4,5],"time_zone":"Europe/London","exclude_bank_holidays":true},"work_email_domains":["north.example.org"],"voicemail_pickup_hours":24,"packs":PACKS}"#

    @Test func checksUseThePacksTheAdministratorChose() async throws {
        try await withTestApp(.sqlite) { app in
            // setup
            let world = try await World.make(app)
            let check =
                #"{"at":"2026-11-23T10:00:00Z","channel":"whatsapp","device":{"kind":"personal_mobile"},"recipient":{"role":"parent_carer"},"text":"See you at 4pm"}"#
            let before = try await app.send(
                .POST,
                "/api/v1/checks",
                token: world.north.token("practitioner"),
                json: check
            )
            let refused = try await app.send(
                .PATCH,
                "/api/v1/organisation",
                token: world.north.token("admin"),
                json: Self.settings.replacingOccurrences(of: "PACKS", with: #"["nonesuch"]"#)
            )

            // MUT
            let chosen = try await app.send(
                .PATCH,
                "/api/v1/organisation",
                token: world.north.token("admin"),
                json: Self.settings.replacingOccurrences(of: "PACKS", with: #"["whatsapp-2020"]"#)
            )
            let after = try await app.send(
                .POST,
                "/api/v1/checks",
                token: world.north.token("practitioner"),
                json: check
            )

            // validation
            func clauses(_ r: TestingHTTPResponse) -> Set<String> {
                Set((r.json["findings"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String })
            }
            #expect(clauses(before).isSuperset(of: ["WA-6", "PD-1.9", "WNL-6.5"]), "all packs by default")
            #expect(refused.status == .unprocessableEntity && refused.json["field"] as? String == "packs[0]")
            #expect(chosen.status == .ok, "\(chosen.text)")
            #expect(clauses(after) == ["WA-6"], "only the chosen pack, at once")
            let south = try await app.send(
                .POST,
                "/api/v1/checks",
                token: world.south.token("practitioner"),
                json: check
            )
            #expect(clauses(south).contains("WNL-6.5"), "another organisation's choice changes nothing here")
        }
    }

    /// PD-1.9: the organisation's own numbers, set through the API, decide whether a number a worker
    /// gives as their own is a personal one; a bad one is refused by field.
    @Test func theOrganisationsNumbersAreNotPersonalOnes() async throws {
        try await withTestApp(.sqlite) { app in
            // setup
            let world = try await World.make(app)
            let admin = world.north.token("admin"), practitioner = world.north.token("practitioner")
            func check(_ number: String) -> String {
                #"{"at":"2026-11-23T10:00:00Z","channel":"sms","device":{"kind":"work_mobile"},"recipient":{"role":"parent_carer"},"case":{"status":"child_in_need"},"text":"Text me on NUMBER if you need me."}"#
                    .replacingOccurrences(of: "NUMBER", with: number)
            }
            let settings = Self.settings.replacingOccurrences(
                of: #","packs":PACKS"#,
                with: #","organisation_numbers":NUMBERS"#
            )

            // MUT
            let bad = try await app.send(
                .PATCH,
                "/api/v1/organisation",
                token: admin,
                json: settings.replacingOccurrences(of: "NUMBERS", with: #"["01202 45****", "0120*2"]"#)
            )
            let set = try await app.send(
                .PATCH,
                "/api/v1/organisation",
                token: admin,
                json: settings.replacingOccurrences(of: "NUMBERS", with: #"["01202 45****"]"#)
            )
            let ours = try await app.send(.POST, "/api/v1/checks", token: practitioner, json: check("01202 451 234"))
            let personal = try await app.send(.POST, "/api/v1/checks", token: practitioner, json: check("07700 900456"))
            let south = try await app.send(
                .POST,
                "/api/v1/checks",
                token: world.south.token("practitioner"),
                json: check("07700 900456")
            )

            // validation
            func clauses(_ r: TestingHTTPResponse) -> Set<String> {
                Set((r.json["findings"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String })
            }
            #expect(
                bad.status == .unprocessableEntity && bad.json["field"] as? String == "organisation_numbers[1]",
                "\(bad.text)"
            )
            #expect(set.status == .ok, "\(set.text)")
            #expect(!clauses(ours).contains("PD-1.9"), "in the organisation's range")
            #expect(clauses(personal).contains("PD-1.9") && personal.json["decision"] as? String == "block")
            #expect(
                !clauses(south).contains("PD-1.9"),
                "another organisation lists no numbers: a number cannot be judged there"
            )
        }
    }
}
