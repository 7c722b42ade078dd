import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// Each role's home at `/`, and the dashboards' charts held to their tables and to the records.
@Suite struct HomePageTests {
    /// Each bar of a chart: (category, series) → figure, as the SVG draws it.
    static func bars(_ html: String, chart: String) -> [String: Int] {
        figures(
            section(html, chart),
            /<rect class="chart-bar[^"]*"[^>]*data-category="([^"]*)" data-series="([^"]*)" data-value="(\d+)"/
        )
    }

    /// The same chart's table cells.
    static func cells(_ html: String, chart: String) -> [String: Int] {
        figures(section(html, chart), /<td data-category="([^"]*)" data-series="([^"]*)">(\d+)<\/td>/)
    }

    private static func section(_ html: String, _ chart: String) -> Substring {
        guard let start = html.range(of: "<figure class=\"chart\" id=\"\(chart)\">") else { return "" }
        let rest = html[start.upperBound...]
        return rest[..<(rest.range(of: "</figure>")?.lowerBound ?? rest.endIndex)]
    }

    private static func figures(
        _ text: Substring,
        _ pattern: Regex<(Substring, Substring, Substring, Substring)>
    )
        -> [String: Int]
    {
        var out: [String: Int] = [:]
        for m in text.matches(of: pattern) { out["\(m.1)|\(m.2)"] = Int(m.3) }
        return out
    }

    static func iso(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    @Test(arguments: Backend.available)
    func theManagersChartsShowTheirTeamsRecordsAndAgreeWithTheirTables(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let now = Date()
            // Team A's practitioner: three contacts recorded 1, 3 and 30 hours after they happened.
            // Team B's practitioner: one, which team A's manager does not see and the DSL does.
            let mine: [(String, TimeInterval)] = [("sms", 3 * 3600), ("whatsapp", 30 * 3600), ("phone_call", 3600)]
            for (channel, ago) in mine {
                let res = try await app.send(
                    .POST,
                    "/api/v1/cases/\(north.caseA)/communications",
                    token: north.token("practitioner"),
                    json:
                        #"{"channel":"\#(channel)","occurred_at":"\#(Self.iso(now - ago))","transcript":"See you soon"}"#
                )
                #expect(res.status == .created, "\(res.body.string)")
            }
            let other = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseB)/communications",
                token: north.token("practitionerB"),
                json: #"{"channel":"email","occurred_at":"\#(Self.iso(now - 5 * 3600))","transcript":"See you soon"}"#
            )
            #expect(other.status == .created, "\(other.body.string)")

            let manager = PageSession(app)
            try await manager.signIn(north.staff["manager"]!.email)
            let home = try await manager.get("/")
            #expect(home.status == .ok)
            let html = home.body.string
            #expect(html.contains("<h2 class=\"heading-m\">Your team</h2>"))

            // Recording delay: the median of 1, 3 and 30 hours is 3; the worst 30. Team B is not there.
            let delay = Self.bars(html, chart: "chart-delay")
            #expect(delay == ["North practitioner|Median": 3, "North practitioner|Worst": 30])
            #expect(Self.cells(html, chart: "chart-delay") == delay)

            // Contact by hour: each record in the hour it happened, London time, by channel.
            var london = Calendar(identifier: .gregorian)
            london.timeZone = TimeZone(identifier: "Europe/London")!
            var expected: [String: Int] = [:]
            let names = ["sms": "Text message", "whatsapp": "WhatsApp message", "phone_call": "Phone call"]
            for hour in 0..<24 {
                for name in names.values { expected[String(format: "%02d:00", hour) + "|" + name] = 0 }
            }
            for (channel, ago) in mine {
                expected[
                    String(format: "%02d:00", london.component(.hour, from: now - ago)) + "|" + names[channel]!
                ]! += 1
            }
            let hours = Self.bars(html, chart: "chart-hours")
            #expect(hours == expected)
            #expect(Self.cells(html, chart: "chart-hours") == hours)

            // Texts with no agreement on file: case A is listed until the child's agreement is recorded.
            #expect(html.contains("<li><a href=\"/cases/\(north.caseA.uuidString)/consents\">North-A</a></li>"))
            let consent = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/consents",
                token: north.token("practitioner"),
                json:
                    #"{"kind":"texting_agreed","given_by":"The child","reason":"Prefers texts","given_on":"2026-01-10"}"#
            )
            #expect(consent.status == .created, "\(consent.body.string)")
            #expect(!(try await manager.get("/")).body.string.contains("id=\"texting-without-agreement\""))

            // The DSL sees the whole organisation: team B's worker too.
            let dsl = PageSession(app)
            try await dsl.signIn(north.staff["dsl"]!.email)
            let dslHome = try await dsl.get("/").body.string
            #expect(dslHome.contains("<h2 class=\"heading-m\">The organisation</h2>"))
            let dslDelay = Self.bars(dslHome, chart: "chart-delay")
            #expect(dslDelay["North practitionerB|Median"] == 5 && dslDelay["North practitioner|Worst"] == 30)
            #expect(Self.cells(dslHome, chart: "chart-delay") == dslDelay)
            #expect(Self.bars(dslHome, chart: "chart-ages") == Self.cells(dslHome, chart: "chart-ages"))
        }
    }

    @Test(arguments: Backend.available)
    func eachRoleLandsOnItsOwnHome(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let expectations: [(String, [String], [String])] = [
                (
                    "practitioner", ["Your cases", "North-A", "Your tasks", "Messages for you"],
                    ["Your team</h2>", "Administration"]
                ),
                (
                    "manager", ["Your team</h2>", "Who has not acknowledged the policy", "North-A"],
                    ["The organisation</h2>"]
                ),
                ("dsl", ["The organisation</h2>", "Awaiting a DSL", "Work devices used"], ["Your team</h2>"]),
                (
                    "business_support", ["Take a message", "Directory entries not confirmed", "+441632960100"],
                    ["Your cases", "North-A"]
                ),
                ("admin", ["Administration", "Office hours", "Contact recorded within"], ["Your cases", "North-A"]),
                ("auditor", ["The audit trail", "Search, check and export"], ["Your cases", "Your team</h2>"]),
            ]
            for (role, present, absent) in expectations {
                let browser = PageSession(app)
                try await browser.signIn(world.north.staff[role]!.email)
                let res = try await browser.get("/")
                #expect(res.status == .ok, "\(role)")
                for text in present { #expect(res.body.string.contains(text), "\(role) should see \(text)") }
                for text in absent { #expect(!res.body.string.contains(text), "\(role) should not see \(text)") }
                // Nobody sees another organisation's names.
                #expect(!res.body.string.contains("South"), "\(role)")
            }
            // Signed out, home is the sign-in page.
            let anonymous = try await PageSession(app).get("/")
            #expect(anonymous.status == .seeOther && anonymous.headers.first(name: .location) == "/login")
        }
    }
}
