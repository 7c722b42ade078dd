import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

@Suite struct ChronologyAPITests {
    func post(
        _ app: Application,
        _ world: World,
        _ json: String,
        token: String? = nil
    ) async throws -> TestingHTTPResponse {
        try await app.send(
            .POST,
            "/api/v1/cases/\(world.north.caseA)/communications",
            token: token ?? world.north.token("practitioner"),
            json: json
        )
    }

    /// Four contacts recorded on North's case A by its practitioner: an SMS in office hours, a call at
    /// 17:00, an e-mail on a bank holiday and a WhatsApp message at 08:45 in summer.
    func recordFour(
        _ app: Application,
        _ world: World
    ) async throws -> (
        inHours: TestingHTTPResponse, atFive: TestingHTTPResponse, bankHoliday: TestingHTTPResponse,
        summer: TestingHTTPResponse
    ) {
        let inHours = try await post(
            app,
            world,
            #"{"channel":"sms","occurred_at":"2026-11-02T10:00:00Z","transcript":"See you at 4pm","counterpart_address":"07700 900001"}"#
        )
        let atFive = try await post(
            app,
            world,
            #"{"channel":"phone_call","direction":"incoming","occurred_at":"2026-11-02T17:00:00Z","duration_seconds":300,"summary":"Mum called about contact","significant":true}"#
        )
        let bankHoliday = try await post(
            app,
            world,
            #"{"channel":"email","occurred_at":"2026-08-31T11:00:00+01:00","transcript":"Agenda attached"}"#
        )
        let summer = try await post(
            app,
            world,
            #"{"channel":"whatsapp","occurred_at":"2026-07-01T07:45:00Z","transcript":"On my way"}"#
        )
        return (inHours, atFive, bankHoliday, summer)
    }

    @Test(arguments: Backend.available)
    func aRecordKnowsWhetherItWasOutOfHours(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let r = try await recordFour(app, world)
            // Out of hours computed from office hours in Europe/London, bank holidays excluded.
            #expect(r.inHours.status == .created && r.inHours.json["out_of_hours"] as? Bool == false)
            #expect(r.inHours.json["counterpart_address"] as? String == "+447700900001")
            #expect(r.atFive.json["out_of_hours"] as? Bool == true, "17:00 exactly is out of hours")
            #expect(r.bankHoliday.json["out_of_hours"] as? Bool == true)
            #expect(r.summer.json["out_of_hours"] as? Bool == false, "07:45 UTC is 08:45 BST")
            #expect((r.inHours.json["recorded_after_seconds"] as? Int ?? 0) > 86_400)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$caseID == world.north.caseA).all()
                .map(\.action)
            #expect(actions == Array(repeating: "communication.create", count: 4))
        }
    }

    @Test(arguments: Backend.available)
    func theChronologyIsNewestFirstPagedFilteredAndEveryReadAudited(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            _ = try await recordFour(app, world)
            func read(_ query: String, as role: String = "practitioner") async throws -> TestingHTTPResponse {
                try await app.send(
                    .GET,
                    "/api/v1/cases/\(world.north.caseA)/communications?\(query)",
                    token: world.north.token(role)
                )
            }
            let all = try await read("per=2")
            let items = all.json["items"] as? [[String: Any]] ?? []
            #expect(
                items.map { $0["occurred_at"] as? String } == ["2026-11-02T17:00:00.000Z", "2026-11-02T10:00:00.000Z"]
            )
            #expect(all.json["has_more"] as? Bool == true)
            let page2 = try await read("per=2&page=2")
            #expect((page2.json["items"] as? [[String: Any]])?.count == 2 && page2.json["has_more"] as? Bool == false)
            let ooh = try await read("out_of_hours=true")
            #expect((ooh.json["items"] as? [[String: Any]])?.count == 2)
            let incomingSignificant = try await read(
                "direction=incoming&significant=true&channel=phone_call",
                as: "auditor"
            )
            #expect((incomingSignificant.json["items"] as? [[String: Any]])?.count == 1)
            let badFilter = try await read("channel=pigeon")
            #expect(badFilter.status == .unprocessableEntity && badFilter.json["field"] as? String == "channel")
            // Every read is in the audit trail, attributed; the refused one read nothing.
            let reads = try await AuditEvent.query(on: app.db).filter(\.$caseID == world.north.caseA)
                .filter(\.$action == "chronology.read").all()
            #expect(reads.count == 4)
            #expect(reads.filter { $0.actorID == world.north.id("auditor") }.count == 1)
            #expect(
                try await AuditLog.verify(on: app.db, key: app.auditKey).links == AuditEvent.query(on: app.db).count()
            )
        }
    }

    @Test(arguments: Backend.available)
    func aCorrectionIsANewRecordAndTheOriginalStays(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let inHours = try await recordFour(app, world).inHours
            let originalID = try #require(inHours.json["id"] as? String)
            func correct(as role: String = "practitioner", _ json: String) async throws -> TestingHTTPResponse {
                try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/communications/\(originalID)/corrections",
                    token: world.north.token(role),
                    json: json
                )
            }
            let fix = try await correct(
                #"{"channel":"sms","occurred_at":"2026-11-02T10:00:00Z","transcript":"See you at 4.30pm"}"#
            )
            #expect(fix.status == .created && fix.json["corrects_id"] as? String == originalID)
            #expect(fix.json["source"] as? String == "api")
            let after = try await app.send(
                .GET,
                "/api/v1/cases/\(world.north.caseA)/communications?channel=sms",
                token: world.north.token("practitioner")
            )
            let smsItems = after.json["items"] as? [[String: Any]] ?? []
            #expect(smsItems.count == 2)
            #expect(smsItems.first { $0["id"] as? String == originalID }?["superseded_by_correction"] as? Bool == true)
            #expect(try await CommunicationRecord.query(on: app.db).count() == 5)
            // Corrections form a line: the original, once corrected, cannot be corrected again.
            let again = try await correct(
                #"{"channel":"sms","occurred_at":"2026-11-02T10:00:00Z","transcript":"See you at 5pm"}"#
            )
            #expect(again.status == .conflict)
            #expect((again.json["reason"] as? String ?? "").contains(fix.json["id"] as? String ?? "?"))
            // Correcting a record of a case you cannot see is refused without revealing it.
            let sneaky = try await correct(
                as: "practitionerB",
                #"{"channel":"sms","occurred_at":"2026-11-02T10:00:00Z","transcript":"x"}"#
            )
            #expect(sneaky.status == .notFound)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$caseID == world.north.caseA).all()
                .map(\.action)
            #expect(actions.filter { $0 == "communication.correct" }.count == 1)
            #expect(actions.filter { $0 == "communication.create" }.count == 4)
        }
    }

    @Test(arguments: Backend.available)
    func auditEventsAreOrganisationScoped(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            _ = try await app.send(.GET, "/api/v1/cases/\(world.south.caseA)", token: world.south.token("practitioner"))
            let res = try await app.send(.GET, "/api/v1/audit/events?limit=1000", token: world.north.token("auditor"))
            #expect(res.status == .ok)
            let events = res.jsonArray
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { ($0["case_id"] as? String) != world.south.caseA.uuidString })
            let verify = try await app.send(.GET, "/api/v1/audit/verify", token: world.north.token("auditor"))
            #expect(verify.json["ok"] as? Bool == true)
        }
    }

    /// The newest event deleted behind the server's back: the API's check reads the witness log too.
    @Test(arguments: Backend.available)
    func verifyNamesDeletedNewestEvents(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            _ = try await app.send(.GET, "/api/v1/cases/\(world.north.caseA)", token: world.north.token("practitioner"))
            let newest = try #require(try await AuditEvent.query(on: app.db).sort(\.$id, .descending).first()?.id)
            try await (app.db as! any SQLDatabase).raw("DELETE FROM audit_events WHERE seq = \(literal: newest)").run()
            let verify = try await app.send(.GET, "/api/v1/audit/verify", token: world.north.token("auditor"))
            #expect(verify.json["ok"] as? Bool == false)
            #expect(
                (verify.json["broken"] as? String)?.contains(
                    "records link \(newest) but the chain ends at link \(newest - 1)"
                ) == true,
                "\(verify.json)"
            )
        }
    }
}
