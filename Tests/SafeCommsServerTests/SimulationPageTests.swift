import Foundation
import SafeCommsPolicies
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// Trying a changed pack against recorded contact, through the administrator's page.
@Suite struct SimulationPageTests {
    /// A working morning (Tuesday to Thursday, 11:00 London) between two and nine days ago.
    static func recentWeekdayMorning(now: Date = Date()) -> Date {
        var london = Calendar(identifier: .gregorian)
        london.timeZone = TimeZone(identifier: "Europe/London")!
        var day = london.date(byAdding: .day, value: -2, to: now)!
        while ![3, 4, 5].contains(london.component(.weekday, from: day)) {
            day = london.date(byAdding: .day, value: -1, to: day)!
        }
        return london.date(bySettingHour: 11, minute: 0, second: 0, of: day)!
    }

    /// A clause's row in a result table: warned now, stopped now, warned with the change, stopped with it.
    static func row(_ html: String, _ name: String) -> [Int]? {
        guard let start = html.range(of: "<th scope=\"row\">\(name)") else { return nil }
        let rest = html[start.upperBound...]
        let row = rest[..<rest.range(of: "</tr>")!.lowerBound]
        return row.matches(of: /<td>(\d+)<\/td>/).map { Int($0.1)! }
    }

    @Test(arguments: Backend.available)
    func aChangedPackIsReplayedOverThePeriodAndItsDifferencesCountedExactly(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let morning = Self.recentWeekdayMorning()
            func record(_ caseID: UUID, _ who: String, _ json: String) async throws {
                let res = try await app.send(
                    .POST,
                    "/api/v1/cases/\(caseID)/communications",
                    token: north.token(who),
                    json: json
                )
                #expect(res.status == .created, "\(res.body.string)")
            }
            let at = ISO8601DateFormatter().string(from: morning)
            // Three texts to the child with no agreement to texting on file (PD-1.6 stops them), two
            // texts from the child (PD-1.6 is about texting them), one text from team B to its child,
            // and one old text outside the period.
            for i in 0..<3 {
                try await record(
                    north.caseA,
                    "practitioner",
                    #"{"channel":"sms","direction":"outgoing","counterpart_role":"child","occurred_at":"\#(at)","transcript":"See you at the review \#(i)"}"#
                )
            }
            for i in 0..<2 {
                try await record(
                    north.caseA,
                    "practitioner",
                    #"{"channel":"sms","direction":"incoming","counterpart_role":"child","occurred_at":"\#(at)","transcript":"ok \#(i)"}"#
                )
            }
            try await record(
                north.caseB,
                "practitionerB",
                #"{"channel":"sms","direction":"outgoing","counterpart_role":"child","occurred_at":"\#(at)","transcript":"See you at the review"}"#
            )
            let old = ISO8601DateFormatter().string(from: morning.addingTimeInterval(-30 * 86_400))
            try await record(
                north.caseA,
                "practitioner",
                #"{"channel":"sms","direction":"outgoing","counterpart_role":"child","occurred_at":"\#(old)","transcript":"An old one"}"#
            )

            // Version 2 of the pack: PD-1.6 warns instead of stopping.
            let yaml = try #require(BundledPolicies.yaml(of: "pan-dorset-4.4"))
            let stop = "      lacks_consents: [texting_agreed]\n        severity: block"
            #expect(yaml.components(separatedBy: stop).count == 2)
            let changed = yaml.replacingOccurrences(
                of: stop,
                with: "      lacks_consents: [texting_agreed]\n        severity: warn"
            )
            .replacingOccurrences(of: "version: \"1\"", with: "version: \"2\"")

            let admin = PageSession(app)
            try await admin.signIn(north.staff["admin"]!.email)
            let form = try await admin.get("/policies/simulate?from=pan-dorset-4.4")
            #expect(form.status == .ok && form.body.string.contains("id: pan-dorset-4.4"))
            let res = try await admin.post(
                "/policies/simulate",
                form: ["pack": changed, "days": "20", "csrf": admin.csrf(from: form) ?? ""]
            )
            #expect(res.status == .ok, "\(res.body.string.prefix(2000))")
            let html = res.body.string
            #expect(html.contains("of 6 messages, 4 would have been decided differently"), "\(html)")
            #expect(Self.row(html, "PD-1.6") == [0, 4, 4, 0])
            // By team, messages by their verdict: team A's three texts and team B's one move from stopped to warned.
            #expect(Self.row(html, "Team A")?[1] == 3 && Self.row(html, "Team A")?[3] == 0)
            #expect(Self.row(html, "Team A")?[2] == 3 + (Self.row(html, "Team A")?[0] ?? 0))
            #expect(Self.row(html, "Team B") == [0, 1, 1, 0])
            // Every other clause counts the same both ways.
            for m in html.matches(
                of:
                    /<tr><th scope="row">([A-Z]+-[0-9.a-z]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/
            ) {
                #expect(m.2 == m.4 && m.3 == m.5, "\(m.1)")
            }
            // The same pack unchanged changes nothing.
            let same = try await admin.post(
                "/policies/simulate",
                form: ["pack": yaml, "days": "20", "csrf": admin.csrf(from: form) ?? ""]
            )
            #expect(same.body.string.contains("of 6 messages, 0 would have been decided differently"))
        }
    }

    @Test(arguments: Backend.available)
    func aPackThatCannotBeReadIsExplainedAndOnlyAdministratorsMayTry(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let admin = PageSession(app)
            try await admin.signIn(world.north.staff["admin"]!.email)
            let form = try await admin.get("/policies/simulate")
            let bad = try await admin.post(
                "/policies/simulate",
                form: ["pack": "id: broken\nclauses: [", "days": "0", "csrf": admin.csrf(from: form) ?? ""]
            )
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<a href=\"#pack\">The changed pack cannot be read"))
            #expect(bad.body.string.contains("<a href=\"#days\">Enter a number of days between 1 and 366</a>"))
            #expect(bad.body.string.contains("id: broken"), "what was typed is kept")
            for role in ["practitioner", "manager", "dsl", "business_support", "auditor"] {
                let other = PageSession(app)
                try await other.signIn(world.north.staff[role]!.email)
                #expect(try await other.get("/policies/simulate").status == .forbidden, "\(role)")
            }
        }
    }
}
