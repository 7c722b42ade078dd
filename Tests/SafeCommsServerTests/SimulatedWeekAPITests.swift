import Foundation
import SafeCommsCore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// The simulated week, through the API on SQLite and PostgreSQL: a team of eight, Monday 21 to
/// Sunday 27 December 2026 (Christmas Day a bank holiday, Boxing Day a Saturday), two on leave, one
/// unexpectedly absent from Tuesday morning, people changing desk, pairing and diverts through the
/// day (and trying diverts LIN-12 forbids), and 2,000 calls round the clock asked of `GET /route`.
/// The test keeps its own account of who is where and checks every answer against the rules.
@Suite struct SimulatedWeekAPITests {
    static let huntA = "+441632960100", huntSupport = "+441632960200"
    static let officerDesk = "+441632960201", reception = "+441632960300", edt = "01632 960999"
    static let settings =
        #"{"office_hours":{"opens_at_minute":510,"closes_at_minute":1020,"working_days":[1,2,3,4,5],"time_zone":"Europe/London","exclude_bank_holidays":true},"work_email_domains":["north.example.org"],"voicemail_pickup_hours":24,"emergency_duty_team_number":"01632 960999","reception_numbers":["01632 960300"]}"#

    struct Worker {
        var id: UUID
        var desk: String
        var loggedIn = false, paired = false
        var divert: String?
        var away: [(from: Date, until: Date?)] = []

        func isAway(at t: Date) -> Bool { away.contains { $0.from <= t && $0.until.map { t < $0 } ?? true } }
    }

    @Test(arguments: Backend.available)
    func twoThousandCallsGoWhereTheRulesAllow(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let north = world.north
            let admin = north.token("admin"), support = north.token("business_support"),
                manager = north.token("manager")
            #expect(try await app.send(.PATCH, "/api/v1/organisation", token: admin, json: Self.settings).status == .ok)
            #expect(
                try await app.send(
                    .POST,
                    "/api/v1/teams",
                    token: admin,
                    json: #"{"name":"Business Support","hunt_group_number":"01632 960200"}"#
                ).status == .created
            )
            // The business-support officer's own desk: an individual's number, never a divert target (LIN-12).
            #expect(
                try await app.send(
                    .PUT,
                    "/api/v1/staff/\(north.id("business_support"))/phone",
                    token: support,
                    json: #"{"desk_number":"01632 960201"}"#
                ).status == .ok
            )
            var team: [Worker] = []
            for i in 0..<8 {
                let made = try await app.send(
                    .POST,
                    "/api/v1/staff",
                    token: admin,
                    json:
                        #"{"name":"Worker \#(i)","email":"worker\#(i)@north.example.org","password":"a long enough secret","roles":["practitioner"],"team_id":"\#(north.teamA)","line_manager_id":"\#(north.id("manager"))"}"#
                )
                let id = try #require(UUID(uuidString: made.json["id"] as? String ?? ""), "\(made.text)")
                let desk = "+4416329601\(10 + i)"
                #expect(
                    try await app.send(
                        .PUT,
                        "/api/v1/staff/\(id)/phone",
                        token: support,
                        json: #"{"desk_number":"\#(desk)"}"#
                    ).status == .ok
                )
                team.append(Worker(id: id, desk: desk))
            }
            let start = Date(timeIntervalSince1970: 1_797_811_200)  // Monday 21 December 2026 00:00 GMT
            let hour = 3600.0, day = 86_400.0
            func absence(_ i: Int, _ kind: String, from: Date, until: Date?) async throws {
                let until =
                    until.map { #","ends_at":"\#($0.formatted(.iso8601))","colleague_id":"\#(team[(i + 1) % 8].id)""# }
                    ?? ""
                let r = try await app.send(
                    .POST,
                    "/api/v1/staff/\(team[i].id)/absences",
                    token: manager,
                    json: #"{"kind":"\#(kind)","starts_at":"\#(from.formatted(.iso8601))"\#(until)}"#
                )
                #expect(r.status == .created, "\(r.text)")
            }
            try await absence(1, "leave", from: start, until: start.addingTimeInterval(3 * day))
            team[1].away = [(start, start.addingTimeInterval(3 * day))]
            try await absence(2, "unexpected", from: start.addingTimeInterval(day + 10 * hour), until: nil)
            team[2].away = [(start.addingTimeInterval(day + 10 * hour), nil)]
            try await absence(
                6,
                "leave",
                from: start.addingTimeInterval(3 * day + 12 * hour),
                until: start.addingTimeInterval(4 * day + 17 * hour)
            )
            team[6].away = [
                (start.addingTimeInterval(3 * day + 12 * hour), start.addingTimeInterval(4 * day + 17 * hour))
            ]
            let hours = OrganisationSettings(officeHours: .standard).officeHours

            var rng = SeededRandom(seed: 5)
            let times = (0..<2_000).map { _ in start.addingTimeInterval(Double(rng.next() % UInt64(7 * day))) }.sorted()
            var counts: [String: Int] = [:]

            // MUT and validation, call by call.
            for at in times {
                // A quarter of the time, someone changes their phone first.
                if rng.next() % 4 == 0 {
                    let i = Int(rng.next() % 8)
                    let state = rng.next() % 3
                    let divert = [nil, "", "01632 960100", "01632 960200", "01632 960201", "01632 960300"][
                        Int(rng.next() % 6)
                    ]
                    let body =
                        #"{"desk_logged_in":\#(state == 0),"desk_paired_to_mobile":\#(state == 1)\#(divert.map { #","divert_to":"\#($0)""# } ?? "")}"#
                    let r = try await app.send(.PUT, "/api/v1/staff/\(team[i].id)/phone", token: support, json: body)
                    if divert == "01632 960201" || divert == "01632 960300" {
                        #expect(
                            r.status == .unprocessableEntity && r.json["field"] as? String == "divert_to",
                            "LIN-12: \(r.text)"
                        )
                        counts["refused divert", default: 0] += 1
                    } else {
                        #expect(r.status == .ok, "\(r.text)")
                        team[i].loggedIn = state == 0
                        team[i].paired = state == 1
                        if let divert {
                            team[i].divert = divert.isEmpty ? nil : try PhoneNumber(parsing: divert, field: "d").e164
                        }
                    }
                }
                let k = Int(rng.next() % 9)  // 8: a call for the team, no key worker
                let query = k == 8 ? "team=\(north.teamA)" : "staff=\(team[k].id)"
                let r = try await app.send(.GET, "/api/v1/route?\(query)&at=\(at.formatted(.iso8601))", token: support)
                #expect(r.status == .ok, "\(r.text)")
                let destination = r.json["destination"] as? String ?? "", number = r.json["number"] as? String ?? ""
                counts[destination, default: 0] += 1

                #expect(![Self.officerDesk, Self.reception].contains(number), "LIN-12 at \(at): \(r.text)")
                if hours.isOutOfHours(at) {
                    #expect(
                        destination == "emergency_duty_team" && number == Self.edt,
                        "out of hours at \(at): \(r.text)"
                    )
                    continue
                }
                switch destination {
                case "worker":
                    let w = team[k]
                    #expect(
                        k < 8 && r.json["staff_id"] as? String == w.id.uuidString && !w.isAway(at: at)
                            && (w.loggedIn || w.paired),
                        "LIN-2, LIN-3, LIN-4 at \(at): \(r.text)"
                    )
                case "divert":
                    let w = team[k < 8 ? k : 0]
                    #expect(
                        k < 8 && !w.isAway(at: at) && !(w.loggedIn || w.paired) && w.divert == number
                            && [Self.huntA, Self.huntSupport].contains(number),
                        "LIN-6, LIN-12 at \(at): \(r.text)"
                    )
                case "hunt_group":
                    #expect(number == Self.huntA, "LIN-6 at \(at): \(r.text)")
                    if k < 8 {
                        #expect(
                            team[k].isAway(at: at) || (!(team[k].loggedIn || team[k].paired) && team[k].divert == nil),
                            "at \(at): \(r.text)"
                        )
                    }
                default:
                    Issue.record("in office hours, \(destination) at \(at): \(r.text)")
                }
                // Never to the phone or voicemail of someone away (LIN-5, LIN-6, LIN-13).
                if k < 8, team[k].isAway(at: at) { #expect(destination == "hunt_group", "away at \(at): \(r.text)") }
            }
            // Every path was taken, so the checks were not vacuous.
            for kind in ["worker", "divert", "hunt_group", "emergency_duty_team", "refused divert"] {
                #expect(counts[kind, default: 0] > 20, "\(kind): \(counts)")
            }
        }
    }
}
