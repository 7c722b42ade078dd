import Foundation
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// The phones through the API, on SQLite and PostgreSQL: where a call goes (LIN-1, LIN-3, LIN-4, LIN-6,
/// LIN-12, LIN-13, COV-4) and the settings and absences it depends on (LIN-8, LIN-13).
@Suite struct PhoneAPITests {
    /// Monday 23 November 2026, 10:00 and 19:00 London.
    static let morning = "2026-11-23T10:00:00Z", evening = "2026-11-23T19:00:00Z"
    static let settings =
        #"{"office_hours":{"opens_at_minute":510,"closes_at_minute":1020,"working_days":[1,2,3,4,5],"time_zone":"Europe/London","exclude_bank_holidays":true},"work_email_domains":["north.example.org"],"voicemail_pickup_hours":24,"emergency_duty_team_number":"01632 960999","reception_numbers":["01632 960300"]}"#

    /// The organisation's settings, a business-support hunt group, and the support officer's own desk
    /// phone (an individual's number, LIN-12); with the requests the phone tests make.
    struct Desk {
        let app: Application
        let world: World
        var north: World.Org { world.north }
        var worker: (id: UUID, token: String, email: String) { north.staff["practitioner"]! }
        var manager: (id: UUID, token: String, email: String) { north.staff["manager"]! }
        var forCase: String { "case=\(north.caseA)&at=\(PhoneAPITests.morning)" }

        static func make(_ app: Application) async throws -> Desk {
            let world = try await World.make(app)
            let admin = world.north.token("admin"), support = world.north.staff["business_support"]!
            #expect(try await app.send(.PATCH, "/api/v1/organisation", token: admin, json: settings).status == .ok)
            let bsHunt = try await app.send(
                .POST,
                "/api/v1/teams",
                token: admin,
                json: #"{"name":"Business Support","hunt_group_number":"01632 960200"}"#
            )
            #expect(bsHunt.status == .created)
            #expect(
                try await app.send(
                    .PUT,
                    "/api/v1/staff/\(support.id)/phone",
                    token: support.token,
                    json: #"{"desk_number":"01632 960201"}"#
                ).status == .ok
            )
            return Desk(app: app, world: world)
        }

        /// Where a call goes, as the API says.
        func route(_ query: String, token: String? = nil) async throws -> [String: Any] {
            let r = try await app.send(.GET, "/api/v1/route?\(query)", token: token ?? north.token("practitioner"))
            #expect(r.status == .ok, "\(r.text)")
            return r.json
        }

        /// The practitioner's phone settings changed.
        func phone(_ json: String, token: String? = nil) async throws -> TestingHTTPResponse {
            try await app.send(.PUT, "/api/v1/staff/\(worker.id)/phone", token: token ?? worker.token, json: json)
        }

        func absence(for staffID: UUID, by token: String, _ json: String) async throws -> TestingHTTPResponse {
            try await app.send(.POST, "/api/v1/staff/\(staffID)/absences", token: token, json: json)
        }
    }

    @Test(arguments: Backend.available)
    func aCallGoesWhereTheWorkerIs(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            // LIN-6: not at the desk, not paired: the team's hunt group.
            var r = try await d.route(d.forCase)
            #expect(
                r["destination"] as? String == "hunt_group" && r["number"] as? String == "+441632960100"
                    && r["clauses"] as? [String] == ["LIN-6"]
            )
            // LIN-3: logged in at the desk: the key worker (LIN-1).
            #expect(try await d.phone(#"{"desk_number":"01632 960111","desk_logged_in":true}"#).status == .ok)
            r = try await d.route(d.forCase)
            #expect(
                r["destination"] as? String == "worker" && r["number"] as? String == "+441632960111"
                    && r["staff_id"] as? String == d.worker.id.uuidString
            )
            // LIN-4: out, desk phone paired to the mobile.
            #expect(try await d.phone(#"{"desk_logged_in":false,"desk_paired_to_mobile":true}"#).status == .ok)
            r = try await d.route(d.forCase)
            #expect(r["destination"] as? String == "worker" && (r["clauses"] as? [String])?.contains("LIN-4") == true)
            // COV-4: out of office hours, the emergency duty team.
            r = try await d.route("case=\(d.north.caseA)&at=\(Self.evening)")
            #expect(r["destination"] as? String == "emergency_duty_team" && r["number"] as? String == "01632 960999")
        }
    }

    @Test(arguments: Backend.available)
    func theNumberDialledFindsWhoseItIs(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            #expect(try await d.phone(#"{"desk_number":"01632 960111","desk_logged_in":true}"#).status == .ok)
            // LIN-2: their desk number, in any written form; a hunt group; nobody's number; not a number.
            let dialled = try await d.route("number=01632%20960111&at=\(Self.morning)")
            #expect(
                dialled["destination"] as? String == "worker"
                    && dialled["staff_id"] as? String == d.worker.id.uuidString,
                "LIN-2: \(dialled)"
            )
            let hunt = try await d.route("number=%2B441632960100&at=\(Self.morning)")
            #expect(hunt["destination"] as? String == "hunt_group", "\(hunt)")
            #expect(
                try await app.send(.GET, "/api/v1/route?number=01632%20960555", token: d.worker.token).status
                    == .notFound
            )
            #expect(
                try await app.send(.GET, "/api/v1/route?number=banana", token: d.worker.token).json["field"]
                    as? String == "number"
            )
            // A worker sees where calls to them go.
            #expect(
                try await d.route("staff=\(d.worker.id)&at=\(Self.morning)", token: d.worker.token)["destination"]
                    as? String == "worker"
            )
        }
    }

    @Test(arguments: Backend.available)
    func callsAreNeverDivertedToOnePersonInSupport(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            // LIN-12: no divert to an individual business-support officer or reception; a hunt group is fine.
            for bad in ["01632 960201", "01632 960300", "07700 900123"] {
                let refused = try await d.phone(#"{"desk_paired_to_mobile":false,"divert_to":"\#(bad)"}"#)
                #expect(
                    refused.status == .unprocessableEntity && refused.json["field"] as? String == "divert_to",
                    "\(bad): \(refused.text)"
                )
                #expect((refused.json["reason"] as? String)?.contains("LIN-12") == true)
            }
            #expect(try await d.phone(#"{"desk_paired_to_mobile":false,"divert_to":"01632 960200"}"#).status == .ok)
            let r = try await d.route(d.forCase)
            #expect(r["destination"] as? String == "divert" && r["number"] as? String == "+441632960200")
        }
    }

    @Test(arguments: Backend.available)
    func anUnexpectedAbsenceIsTheManagersToStartAndToWorkThrough(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            #expect(try await d.phone(#"{"desk_number":"01632 960111","desk_logged_in":true}"#).status == .ok)
            // LIN-13: the line manager starts an unexpected absence; calls go to the hunt group at once.
            let unexpected = #"{"kind":"unexpected","starts_at":"2026-11-23T09:00:00Z"}"#
            let selfReported = try await d.absence(for: d.worker.id, by: d.worker.token, unexpected)
            #expect(selfReported.status == .forbidden, "LIN-13 is the manager's to start")
            let sick = try await d.absence(for: d.worker.id, by: d.manager.token, unexpected)
            #expect(sick.status == .created, "\(sick.text)")
            let r = try await d.route(d.forCase)
            #expect(
                r["destination"] as? String == "hunt_group"
                    && (r["reason"] as? String)?.contains("unexpectedly absent") == true,
                "logged in, but away"
            )
            // LIN-13: the manager gets the checklist and records each step, once, with who and when.
            #expect(
                (sick.json["checklist"] as? [[String: Any]])?.compactMap { $0["step"] as? String } == [
                    "LIN-13a", "LIN-13b", "LIN-13c", "LIN-13d",
                ]
            )
            let absence = try #require(sick.json["id"] as? String)
            func step(_ name: String, by token: String, _ json: String = "{}") async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/absences/\(absence)/checklist/\(name)", token: token, json: json)
            }
            let byWorker = try await step("LIN-13b", by: d.worker.token)
            let done = try await step("LIN-13b", by: d.manager.token, #"{"note":"Desk voicemail off"}"#)
            let twice = try await step("LIN-13b", by: d.manager.token)
            let unknown = try await step("LIN-13z", by: d.manager.token)
            let list = try await app.send(.GET, "/api/v1/absences/\(absence)/checklist", token: d.worker.token)
            #expect(byWorker.status == .forbidden && done.status == .created && twice.status == .conflict)
            #expect(unknown.status == .unprocessableEntity && unknown.json["field"] as? String == "step")
            #expect(list.jsonArray.map { $0["done"] as? Bool } == [false, true, false, false])
            #expect(
                list.jsonArray[1]["done_by_id"] as? String == d.manager.id.uuidString
                    && list.jsonArray[1]["note"] as? String == "Desk voicemail off"
            )
        }
    }

    @Test(arguments: Backend.available)
    func greetingsComeFromTheTemplateAndWrittenOnesAreChecked(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            // COV-4, LIN-5: the greeting from the template, and a written one checked.
            let greeting = try await app.send(.GET, "/api/v1/staff/\(d.worker.id)/greeting", token: d.worker.token)
            let g = greeting.json["greeting"] as? String ?? ""
            #expect(
                g.contains("North practitioner") && g.contains("+441632960100") && g.contains("01632 960999")
                    && g.contains("24 hours"),
                "\(greeting.text)"
            )
            let checked = try await app.send(
                .POST,
                "/api/v1/staff/\(d.worker.id)/greeting/check",
                token: d.worker.token,
                json: #"{"greeting":"Hi, it's North. Leave a message."}"#
            )
            #expect(
                (checked.json["problems"] as? [[String: Any]])?.compactMap { $0["clause"] as? String } == [
                    "LIN-5", "LIN-5", "COV-4", "COV-4",
                ],
                "\(checked.text)"
            )
        }
    }

    @Test(arguments: Backend.available)
    func leaveNamesAColleagueAndItsReturnDate(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            // LIN-8: leave with a colleague gets the greeting and the out-of-office reply; without one, a warning.
            let leave = try await d.absence(
                for: d.manager.id,
                by: d.manager.token,
                #"{"kind":"leave","starts_at":"2026-12-21T09:00:00Z","ends_at":"2026-12-29T09:00:00Z","colleague_id":"\#(d.north.id("practitionerB"))"}"#
            )
            #expect(leave.status == .created && (leave.json["warnings"] as? [String]) == [], "\(leave.text)")
            #expect(
                (leave.json["voicemail_greeting"] as? String)?.contains("expect to return on Tuesday 29 December 2026")
                    == true
            )
            #expect((leave.json["voicemail_greeting"] as? String)?.contains("North practitionerB") == true)
            #expect(
                (leave.json["out_of_office"] as? String)?.lowercased().contains(
                    "north practitionerb (practitionerb@north.example.org)"
                ) == true,
                "\(leave.text)"
            )
            let alone = try await d.absence(
                for: d.manager.id,
                by: d.manager.token,
                #"{"kind":"leave","starts_at":"2027-01-04T09:00:00Z","ends_at":"2027-01-05T09:00:00Z"}"#
            )
            #expect(
                alone.status == .created
                    && (alone.json["warnings"] as? [String])?.first?.contains("colleague_id") == true,
                "\(alone.text)"
            )
            // LIN-8: leave needs the return date.
            let noReturn = try await d.absence(
                for: d.manager.id,
                by: d.manager.token,
                #"{"kind":"leave","starts_at":"2026-11-30T09:00:00Z"}"#
            )
            #expect(noReturn.status == .unprocessableEntity && noReturn.json["field"] as? String == "ends_at")
        }
    }

    @Test(arguments: Backend.available)
    func phoneChangesAreAuditedAndStayInTheirOrganisation(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let d = try await Desk.make(app)
            #expect(try await d.phone(#"{"desk_number":"01632 960111","desk_logged_in":true}"#).status == .ok)
            let sick = try await d.absence(
                for: d.worker.id,
                by: d.manager.token,
                #"{"kind":"unexpected","starts_at":"2026-11-23T09:00:00Z"}"#
            )
            #expect(sick.status == .created)
            // Every change is audited.
            let audit = try await app.send(.GET, "/api/v1/audit/events", token: d.north.token("auditor"))
            #expect(audit.text.contains("phone.status") && audit.text.contains("absence.unexpected"))
            // Nobody crosses organisations.
            let south = try await app.send(
                .GET,
                "/api/v1/route?staff=\(d.worker.id)",
                token: d.world.south.token("practitioner")
            )
            #expect(south.status == .notFound)
            let southPhone = try await d.phone(#"{"desk_logged_in":true}"#, token: d.world.south.token("admin"))
            #expect(southPhone.status == .notFound)
        }
    }

    /// A complete message slip (LIN-9), taken two hours ago with a call back promised an hour ago.
    static var slip: String {
        let f = Date.ISO8601FormatStyle()
        return
            #"{"taken_at":"\#(Date().addingTimeInterval(-7200).formatted(f))","caller_name":"Jo Price","caller_from":"Oakdale Primary School","return_number":"01202 123456","reason":"Attendance","call_back_by":"\#(Date().addingTimeInterval(-3600).formatted(f))"}"#
    }

    @Test(arguments: Backend.available)
    func messagesAreTakenWhole(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let north = world.north
            let officer = north.id("practitioner")

            // MUT
            let incomplete = try await app.send(
                .POST,
                "/api/v1/staff/\(officer)/messages",
                token: north.token("business_support"),
                json: #"{"caller_name":"  "}"#
            )
            let taken = try await app.send(
                .POST,
                "/api/v1/staff/\(officer)/messages",
                token: north.token("business_support"),
                json: Self.slip
            )
            let inbox = try await app.send(
                .GET,
                "/api/v1/staff/\(officer)/messages?open=true",
                token: north.token("practitioner")
            )
            let overdue = try await app.send(.GET, "/api/v1/messages/overdue", token: north.token("manager"))
            let notMine = try await app.send(
                .GET,
                "/api/v1/staff/\(officer)/messages",
                token: north.token("practitionerB")
            )
            let id = try #require(taken.json["id"] as? String)
            let empty = try await app.send(
                .POST,
                "/api/v1/messages/\(id)/response",
                token: north.token("practitioner"),
                json: #"{"response":"  "}"#
            )
            let answered = try await app.send(
                .POST,
                "/api/v1/messages/\(id)/response",
                token: north.token("practitioner"),
                json: #"{"response":"Rang Jo back; attendance plan agreed"}"#
            )
            let again = try await app.send(
                .POST,
                "/api/v1/messages/\(id)/response",
                token: north.token("manager"),
                json: #"{"response":"again"}"#
            )
            let overdueAfter = try await app.send(.GET, "/api/v1/messages/overdue", token: north.token("manager"))
            let southOverdue = try await app.send(.GET, "/api/v1/messages/overdue", token: world.south.token("manager"))

            // validation
            #expect(incomplete.status == .unprocessableEntity)
            let fields = (incomplete.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(
                fields == ["taken_at", "caller_name", "caller_from", "return_number", "reason", "call_back_by"],
                "\(incomplete.text)"
            )
            // Each missing part names its part of LIN-9.
            let reasons = (incomplete.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            for (reason, clause) in zip(reasons, ["LIN-9a", "LIN-9b", "LIN-9c", "LIN-9d", "LIN-9e", "LIN-9f"]) {
                #expect(reason.contains("(\(clause))"), "\(clause): \(reason)")
            }
            #expect(
                taken.status == .created && taken.json["return_number"] as? String == "+441202123456"
                    && taken.json["urgent"] as? Bool == true
            )
            #expect(inbox.jsonArray.count == 1 && inbox.jsonArray.first?["overdue"] as? Bool == true)
            #expect(overdue.jsonArray.map { $0["id"] as? String } == [id], "the officer's team manager sees it")
            #expect(notMine.status == .forbidden)
            #expect(empty.status == .unprocessableEntity && empty.json["field"] as? String == "response")
            // LIN-7: once the officer responds it is neither urgent (LIN-10) nor overdue.
            #expect(
                answered.status == .ok && answered.json["urgent"] as? Bool == false
                    && answered.json["overdue"] as? Bool == false
            )
            #expect(again.status == .conflict)
            #expect(overdueAfter.jsonArray.isEmpty)
            #expect(southOverdue.jsonArray.isEmpty, "another organisation sees nothing")
        }
    }

    /// COV-6 and LIN-5: the compliance report, and voicemail turned off when an absence outlasts the
    /// pick-up time.
    @Test(arguments: Backend.available)
    func devicesFollowPolicy(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let north = world.north
            let worker = north.id("practitioner"), support = north.token("business_support")
            let shows = try await app.send(
                .POST,
                "/api/v1/devices",
                token: support,
                json:
                    #"{"kind":"work_mobile","address":"07700 900201","holder_id":"\#(worker)","caller_id_withheld":false,"voicemail_enabled":true}"#
            )
            let desk = try await app.send(
                .POST,
                "/api/v1/devices",
                token: support,
                json:
                    #"{"kind":"desk_phone","address":"01632 960111","holder_id":"\#(worker)","caller_id_withheld":true,"voicemail_enabled":true}"#
            )
            #expect(shows.status == .created && desk.status == .created, "\(shows.text) \(desk.text)")

            // MUT
            let before = try await app.send(.GET, "/api/v1/devices/compliance", token: north.token("manager"))
            let now = Date()
            let f = Date.ISO8601FormatStyle()
            let sick = try await app.send(
                .POST,
                "/api/v1/staff/\(worker)/absences",
                token: north.token("manager"),
                json: #"{"kind":"unexpected","starts_at":"\#(now.addingTimeInterval(-60).formatted(f))"}"#
            )
            let after = try await app.send(.GET, "/api/v1/devices/compliance", token: north.token("manager"))
            let south = try await app.send(.GET, "/api/v1/devices/compliance", token: world.south.token("manager"))

            // validation
            func clauses(_ r: TestingHTTPResponse) -> [String] {
                r.jsonArray.flatMap {
                    ($0["problems"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String }
                }
            }
            #expect(clauses(before) == ["COV-6"], "\(before.text)")
            #expect(
                Set(sick.json["voicemail_turned_off"] as? [String] ?? []) == ["+447700900201", "+441632960111"],
                "\(sick.text)"
            )
            #expect(clauses(after) == ["COV-6"], "voicemail is off now, so LIN-5 has nothing to report")
            #expect(south.jsonArray.isEmpty)
            let devices = try await app.send(.GET, "/api/v1/devices", token: support)
            #expect(devices.jsonArray.allSatisfy { $0["voicemail_enabled"] as? Bool == false })
            // A phone handed to them while they are away, voicemail on: LIN-5 reports it.
            let handed = try await app.send(
                .POST,
                "/api/v1/devices",
                token: support,
                json:
                    #"{"kind":"work_mobile","address":"07700 900202","holder_id":"\#(worker)","caller_id_withheld":true,"voicemail_enabled":true}"#
            )
            #expect(handed.status == .created)
            let later = try await app.send(.GET, "/api/v1/devices/compliance", token: north.token("practitioner"))
            #expect(clauses(later).sorted() == ["COV-6", "LIN-5"], "\(later.text)")
        }
    }

    /// LIN-11: contact details carry a last-confirmed date; stale entries are listed.
    @Test(arguments: Backend.available)
    func staleDirectoryEntriesAreListed(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let north = world.north
            let everyone = Set(north.staff.values.map { $0.id.uuidString })

            // MUT
            let before = try await app.send(.GET, "/api/v1/directory/stale", token: north.token("dsl"))
            let byOther = try await app.send(
                .POST,
                "/api/v1/staff/\(north.id("practitioner"))/confirm",
                token: north.token("manager")
            )
            let confirmed = try await app.send(
                .POST,
                "/api/v1/staff/\(north.id("practitioner"))/confirm",
                token: north.token("practitioner")
            )
            let keptOwn = try await app.send(
                .PUT,
                "/api/v1/staff/\(north.id("manager"))/phone",
                token: north.token("manager"),
                json: #"{"desk_logged_in":true}"#
            )
            let setBySupport = try await app.send(
                .PUT,
                "/api/v1/staff/\(north.id("practitionerB"))/phone",
                token: north.token("business_support"),
                json: #"{"desk_logged_in":true}"#
            )
            let after = try await app.send(.GET, "/api/v1/directory/stale", token: north.token("dsl"))
            let badDays = try await app.send(.GET, "/api/v1/directory/stale?days=0", token: north.token("dsl"))

            // validation
            #expect(
                Set(before.jsonArray.compactMap { $0["staff_id"] as? String }) == everyone,
                "nobody has confirmed yet"
            )
            #expect(byOther.status == .forbidden && confirmed.status == .ok && confirmed.json["confirmed_at"] != nil)
            #expect(keptOwn.status == .ok && setBySupport.status == .ok)
            let stale = Set(after.jsonArray.compactMap { $0["staff_id"] as? String })
            #expect(
                stale == everyone.subtracting([north.id("practitioner").uuidString, north.id("manager").uuidString]),
                "confirming, or keeping one's own status, takes a person off the list; someone else setting it does not"
            )
            #expect(badDays.status == .unprocessableEntity && badDays.json["field"] as? String == "days")
        }
    }

    @Test func aRouteNeedsSomethingToRouteFor() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let none = try await app.send(.GET, "/api/v1/route", token: world.north.token("practitioner"))
            #expect(none.status == .unprocessableEntity && none.json["field"] as? String == "case")
            let badTime = try await app.send(
                .GET,
                "/api/v1/route?team=\(world.north.teamA)&at=tomorrow",
                token: world.north.token("practitioner")
            )
            #expect(badTime.status == .unprocessableEntity && badTime.json["field"] as? String == "at")
            // Out of hours with no emergency duty team number: named, not guessed.
            let evening = try await app.send(
                .GET,
                "/api/v1/route?team=\(world.north.teamA)&at=\(Self.evening)",
                token: world.north.token("practitioner")
            )
            #expect(
                evening.json["destination"] as? String == "unroutable"
                    && (evening.json["reason"] as? String)?.contains("emergency_duty_team_number") == true
            )
        }
    }
}
