import FluentKit
import Foundation
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// Calls a worker must close, through the API on SQLite and PostgreSQL: voicemail messages (COV-7,
/// LIN-5) and unexpected out-of-hours calls (COV-5); and the on/off hours of devices (PD-1.11, WNL-10.2).
@Suite struct FollowUpAPITests {
    static let iso = Date.ISO8601FormatStyle()

    /// Follow-ups logged for the North practitioner, through the API.
    struct Calls {
        let app: Application
        let world: World
        var north: World.Org { world.north }
        var worker: (id: UUID, token: String, email: String) { north.staff["practitioner"]! }
        var manager: (id: UUID, token: String, email: String) { north.staff["manager"]! }

        static func make(_ app: Application) async throws -> Calls { Calls(app: app, world: try await World.make(app)) }

        func voicemail(_ json: String, by token: String? = nil) async throws -> TestingHTTPResponse {
            try await app.send(.POST, "/api/v1/staff/\(worker.id)/voicemails", token: token ?? worker.token, json: json)
        }

        func outOfHours(_ json: String, by token: String? = nil) async throws -> TestingHTTPResponse {
            try await app.send(
                .POST,
                "/api/v1/staff/\(worker.id)/out-of-hours-calls",
                token: token ?? worker.token,
                json: json
            )
        }

        /// A voicemail from yesterday, past the 24-hour pick-up, logged by business support; one from an
        /// hour ago; and an unexpected call answered on a Friday evening: two overdue, three open.
        func logThree() async throws -> (
            old: TestingHTTPResponse, recent: TestingHTTPResponse, call: TestingHTTPResponse
        ) {
            let now = Date()
            let old = try await voicemail(
                #"{"received_at":"\#(now.addingTimeInterval(-30 * 3600).formatted(FollowUpAPITests.iso))","caller_name":"Ms Rahman","caller_number":"07700 900123","summary":"About Friday"}"#,
                by: north.token("business_support")
            )
            let recent = try await voicemail(
                #"{"received_at":"\#(now.addingTimeInterval(-3600).formatted(FollowUpAPITests.iso))"}"#
            )
            let call = try await outOfHours(
                #"{"answered_at":"2026-11-13T21:15:00Z","expected":false,"caller_name":"Dad","summary":"Worried about contact"}"#
            )
            #expect(old.status == .created && recent.status == .created && call.status == .created)
            return (old, recent, call)
        }
    }

    @Test(arguments: Backend.available)
    func voicemailsAreLoggedAndChasedAfterTheirPickUpTime(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let c = try await Calls.make(app)
            // COV-7, LIN-5: business support logs a voicemail from yesterday (now past the 24-hour pick-up)
            // and the worker one from an hour ago.
            let (old, recent, _) = try await c.logThree()
            let missing = try await c.voicemail(#"{"caller_number":"not a number"}"#)
            let future = try await c.voicemail(
                #"{"received_at":"\#(Date().addingTimeInterval(3600).formatted(Self.iso))"}"#
            )
            #expect(
                old.json["kind"] as? String == "voicemail" && old.json["clauses"] as? [String] == ["COV-7", "LIN-5"]
            )
            #expect(old.json["caller_number"] as? String == "+447700900123" && old.json["overdue"] as? Bool == true)
            #expect(
                recent.json["overdue"] as? Bool == false && recent.json["caller_number"] == nil,
                "a withheld number is still a message"
            )
            #expect(missing.status == .unprocessableEntity, "\(missing.text)")
            #expect(
                Set((missing.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == [
                    "received_at", "caller_number",
                ],
                "\(missing.text)"
            )
            #expect(future.status == .unprocessableEntity && future.text.contains("received_at"))
        }
    }

    @Test(arguments: Backend.available)
    func anUnexpectedCallOutOfHoursIsDueWhenTheOfficeNextOpens(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let c = try await Calls.make(app)
            // COV-5: an unexpected call answered on a Friday evening (13 November 2026); an expected one;
            // one in office hours; one logged by someone else.
            let (_, _, unexpected) = try await c.logThree()
            let expected = try await c.outOfHours(#"{"answered_at":"2026-11-20T21:15:00Z","expected":true}"#)
            let inHours = try await c.outOfHours(#"{"answered_at":"2026-11-20T11:00:00Z","expected":false}"#)
            let bySupport = try await c.outOfHours(
                #"{"answered_at":"2026-11-20T21:15:00Z","expected":false}"#,
                by: c.north.token("business_support")
            )
            #expect(unexpected.json["kind"] as? String == "out_of_hours_call", "\(unexpected.text)")
            let due = (unexpected.json["due_at"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
            #expect(
                due == (try Date("2026-11-16T08:30:00Z", strategy: .iso8601)),
                "due when the office next opens, Monday 08:30"
            )
            #expect(
                expected.status == .ok && expected.json["follow_up_needed"] as? Bool == false
                    && (expected.json["reason"] as? String)?.contains("expected") == true
            )
            #expect(inHours.status == .ok && (inHours.json["reason"] as? String)?.contains("office hours") == true)
            #expect(bySupport.status == .forbidden, "the worker or their managers log calls they answered")
        }
    }

    @Test(arguments: Backend.available)
    func overdueFollowUpsAreListedForTheWorkersManagersOnly(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let c = try await Calls.make(app)
            let (old, _, unexpected) = try await c.logThree()
            let open = try await app.send(
                .GET,
                "/api/v1/staff/\(c.worker.id)/follow-ups?open=true",
                token: c.worker.token
            )
            let overdue = try await app.send(.GET, "/api/v1/follow-ups/overdue", token: c.manager.token)
            let overdueForOtherTeam = try await app.send(
                .GET,
                "/api/v1/follow-ups/overdue",
                token: c.north.token("practitionerB")
            )
            let southOverdue = try await app.send(.GET, "/api/v1/follow-ups/overdue", token: c.world.south.token("dsl"))
            #expect(open.jsonArray.count == 3)
            let overdueIDs = Set(overdue.jsonArray.compactMap { $0["id"] as? String })
            #expect(
                overdueIDs == Set([old.json["id"] as? String, unexpected.json["id"] as? String].compactMap { $0 }),
                "\(overdue.text)"
            )
            #expect(overdueForOtherTeam.status == .forbidden && southOverdue.jsonArray.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func aFollowUpIsClosedOnceWithItsOutcome(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let c = try await Calls.make(app)
            let (old, _, unexpected) = try await c.logThree()
            let voicemailID = try #require(old.json["id"] as? String),
                callID = try #require(unexpected.json["id"] as? String)
            func close(_ id: String, by token: String, _ json: String) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/follow-ups/\(id)/close", token: token, json: json)
            }
            let byOtherWorker = try await close(
                voicemailID,
                by: c.north.token("practitionerB"),
                #"{"outcome":"responded","note":"x"}"#
            )
            let divertedNowhere = try await close(
                callID,
                by: c.worker.token,
                #"{"outcome":"diverted","note":"Passed on"}"#
            )
            let diverted = try await close(
                callID,
                by: c.worker.token,
                #"{"outcome":"diverted","note":"Passed on","diverted_to":"Emergency Duty Team"}"#
            )
            let responded = try await close(
                voicemailID,
                by: c.manager.token,
                #"{"outcome":"responded","note":"Rang back"}"#
            )
            let again = try await close(voicemailID, by: c.worker.token, #"{"outcome":"responded","note":"Rang back"}"#)
            let fromSouth = try await close(
                voicemailID,
                by: c.world.south.token("manager"),
                #"{"outcome":"responded","note":"x"}"#
            )
            let overdueAfter = try await app.send(.GET, "/api/v1/follow-ups/overdue", token: c.manager.token)
            let all = try await app.send(.GET, "/api/v1/staff/\(c.worker.id)/follow-ups", token: c.worker.token)

            #expect(byOtherWorker.status == .forbidden)
            #expect(
                divertedNowhere.status == .unprocessableEntity
                    && divertedNowhere.json["field"] as? String == "diverted_to",
                "\(divertedNowhere.text)"
            )
            #expect(
                diverted.status == .ok && diverted.json["outcome"] as? String == "diverted"
                    && diverted.json["diverted_to"] as? String == "Emergency Duty Team"
            )
            #expect(
                responded.status == .ok && responded.json["closed_at"] != nil
                    && responded.json["overdue"] as? Bool == false
            )
            #expect(again.status == .conflict && fromSouth.status == .notFound)
            #expect(overdueAfter.jsonArray.isEmpty, "\(overdueAfter.text)")
            #expect(all.jsonArray.count == 3 && all.jsonArray.first?["closed_at"] == nil, "open ones first")
            let actions = try await AuditEvent.query(on: app.db).filter(\.$entity == "follow_up").all().map(\.action)
            #expect(
                actions.filter { $0 == "follow_up.open" }.count == 3
                    && actions.filter { $0 == "follow_up.close" }.count == 2
            )
        }
    }

    /// PD-1.11: work mobiles follow the organisation's on/off choice; WNL-10.2: landlines are on at all times.
    @Test(arguments: Backend.available)
    func devicesAreOnWhenPolicySays(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let north = world.north
            let worker = north.id("practitioner"), support = north.token("business_support")
            let mobile = try await app.send(
                .POST,
                "/api/v1/devices",
                token: support,
                json:
                    #"{"kind":"work_mobile","address":"07700 900301","holder_id":"\#(worker)","on_out_of_hours":true}"#
            )
            let landline = try await app.send(
                .POST,
                "/api/v1/devices",
                token: support,
                json: #"{"kind":"landline","address":"01632 960500"}"#
            )
            #expect(
                mobile.status == .created && landline.status == .created
                    && landline.json["on_out_of_hours"] as? Bool == true,
                "\(landline.text)"
            )
            func clauses() async throws -> [String] {
                try await app.send(.GET, "/api/v1/devices/compliance", token: north.token("manager")).jsonArray
                    .flatMap { ($0["problems"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String } }
                    .sorted()
            }
            let mobileID = try #require(mobile.json["id"] as? String),
                landlineID = try #require(landline.json["id"] as? String)

            // MUT and validation
            #expect(try await clauses() == ["PD-1.11"], "the mobile stays on out of hours; policy says off")
            let byOther = try await app.send(
                .PATCH,
                "/api/v1/devices/\(mobileID)",
                token: north.token("practitionerB"),
                json: #"{"on_out_of_hours":false}"#
            )
            #expect(byOther.status == .forbidden)
            let off = try await app.send(
                .PATCH,
                "/api/v1/devices/\(mobileID)",
                token: north.token("practitioner"),
                json: #"{"on_out_of_hours":false}"#
            )
            #expect(off.status == .ok && off.json["on_out_of_hours"] as? Bool == false)
            #expect(try await clauses() == [])
            #expect(
                try await app.send(
                    .PATCH,
                    "/api/v1/devices/\(landlineID)",
                    token: support,
                    json: #"{"on_out_of_hours":false}"#
                ).status == .ok
            )
            #expect(try await clauses() == ["WNL-10.2"])
            // The organisation decides work mobiles stay on (PD-1.11 asks it to be clear which).
            let settings = try await app.send(.GET, "/api/v1/organisation", token: north.token("admin"))
            var s = try #require(settings.json["settings"] as? [String: Any])
            s["work_mobiles_on_out_of_hours"] = true
            let patched = try await app.send(
                .PATCH,
                "/api/v1/organisation",
                token: north.token("admin"),
                json: String(decoding: try JSONSerialization.data(withJSONObject: s), as: UTF8.self)
            )
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(try await clauses() == ["PD-1.11", "WNL-10.2"], "now the mobile that is off differs")
            #expect(
                try await app.send(.PATCH, "/api/v1/devices/\(mobileID)", token: world.south.token("admin"), json: "{}")
                    .status == .notFound
            )
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "device.update").count()
            #expect(audited == 2)
        }
    }
}
