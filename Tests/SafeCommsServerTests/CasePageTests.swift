import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// The case list's search and the case page's summary and filters, through the pages.
@Suite struct CasePageTests {
    /// The references listed on a case list page, in order.
    static func references(_ html: String) -> [String] {
        html.matches(of: /<tr><td><a href="\/cases\/[0-9A-F-]+">([^<]+)<\/a><\/td>/).map { String($0.1) }
    }

    /// What each chronology row says was said, in order.
    static func said(_ html: String) -> [String] {
        html.matches(of: /<td class="said">([^<]*)/).map { String($0.1) }
    }

    @Test(arguments: Backend.available)
    func theCaseListSearchesFiltersAndPagesWithinWhatTheReaderMaySee(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            if backend == .postgres {
                // A reference is searched for anywhere in it: on PostgreSQL through a trigram index,
                // which the planner uses for the search's own query once scans are dear.
                let plan = try await app.db.transaction { db in
                    let sql = db as! any SQLDatabase
                    try await sql.raw("SET LOCAL enable_seqscan = off").run()
                    return try await sql.raw(
                        "EXPLAIN SELECT id FROM cases WHERE lower(reference) LIKE \(bind: "%north-a%") ESCAPE '\\'"
                    ).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                }
                #expect(plan.contains("cases_reference_trigrams"), "\(plan)")
            }
            let world = try await World.make(app)
            let north = world.north
            // Thirty more cases in team A, the odd ones on a child protection plan.
            for i in 1...30 {
                try await CaseFile(
                    id: UUID(),
                    organisationID: north.id,
                    teamID: north.teamA,
                    keyWorkerID: i.isMultiple(of: 2) ? north.id("practitioner") : nil,
                    reference: String(format: "North-X%02d", i),
                    displayName: i == 7 ? "Zoë Example" : "Child X\(i)",
                    status: i.isMultiple(of: 2) ? .lookedAfter : .childProtection,
                    openedOn: "2026-03-01"
                ).create(on: app.db)
            }
            let manager = PageSession(app)
            try await manager.signIn(north.staff["manager"]!.email)
            let first = try await manager.get("/cases")
            #expect(first.body.string.contains("31 cases, page 1 of 2"))
            #expect(Self.references(first.body.string).count == 25)
            let second = try await manager.get("/cases?page=2")
            #expect(
                Self.references(second.body.string) == [
                    "North-X25", "North-X26", "North-X27", "North-X28", "North-X29", "North-X30",
                ]
            )
            #expect(Set(Self.references(first.body.string)).isDisjoint(with: Self.references(second.body.string)))

            // By name, without its accent or case; by part of a reference; by status and key worker.
            #expect(Self.references(try await manager.get("/cases?q=zoe").body.string) == ["North-X07"])
            #expect(Self.references(try await manager.get("/cases?q=north-x1").body.string).count == 10)
            // A reference search's own % and _ are only characters.
            #expect(try await manager.get("/cases?q=north-x%251").body.string.contains("No cases match."))
            #expect(try await manager.get("/cases?q=north_x1").body.string.contains("No cases match."))
            let plans = Self.references(try await manager.get("/cases?status=child_protection").body.string)
            #expect(plans.count == 15 && plans.allSatisfy { Int($0.suffix(2))! % 2 == 1 })
            let hers = Self.references(
                try await manager.get("/cases?key_worker=\(north.id("practitioner"))&q=x").body.string
            )
            #expect(hers.count == 15 && hers.allSatisfy { Int($0.suffix(2))! % 2 == 0 })
            // The filters stay on the next page's link.
            #expect(first.body.string.contains("href=\"/cases?page=2\""))
            let filtered = try await manager.get("/cases?q=North&status=looked_after")
            #expect(filtered.body.string.contains("16 cases"))

            // Team B's case is not found by team A's manager, even by name; the DSL finds it.
            #expect(try await manager.get("/cases?q=Child%20B").body.string.contains("No cases match."))
            let dsl = PageSession(app)
            try await dsl.signIn(north.staff["dsl"]!.email)
            #expect(Self.references(try await dsl.get("/cases?q=Child%20B").body.string) == ["North-B"])
            #expect(Self.references(try await dsl.get("/cases?team=\(north.teamB)").body.string) == ["North-B"])

            let bad = try await dsl.get("/cases?status=asleep&team=x")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<a href=\"#status\">Choose a status from the list</a>"))
            #expect(bad.body.string.contains("<a href=\"#team\">Choose a team from the list</a>"))
        }
    }

    @Test(arguments: Backend.available)
    func theCasePageSummarisesTheCaseAndFiltersItsChronology(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let token = north.token("practitioner")
            let shared = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/number-sharing",
                token: token,
                json:
                    #"{"shared":true,"number":"07700 900111","person_id":"\#(north.personA)","reason":"Agreed in supervision","manager_agreed_by_id":"\#(north.id("manager"))","decided_on":"2026-11-21"}"#
            )
            #expect(shared.status == .created, "\(shared.body.string)")
            let records = [
                #"{"channel":"sms","occurred_at":"2026-11-02T10:00:00Z","transcript":"first text","person_id":"\#(north.personA)"}"#,
                #"{"channel":"sms","occurred_at":"2026-11-03T19:30:00Z","transcript":"late text"}"#,
                #"{"channel":"phone_call","occurred_at":"2026-11-04T11:00:00Z","summary":"a call","significant":true}"#,
                #"{"channel":"email","occurred_at":"2026-11-05T09:00:00Z","transcript":"an e-mail","person_id":"\#(north.personA)"}"#,
            ]
            for json in records {
                let res = try await app.send(
                    .POST,
                    "/api/v1/cases/\(north.caseA)/communications",
                    token: token,
                    json: json
                )
                #expect(res.status == .created, "\(res.body.string)")
            }
            let browser = PageSession(app)
            try await browser.signIn(north.staff["practitioner"]!.email)
            let page = try await browser.get("/cases/\(north.caseA)").body.string
            // The summary: key worker, team, people, the number given.
            #expect(page.contains("<dt>Key worker</dt><dd>North practitioner</dd>"))
            #expect(page.contains("<dt>Team</dt><dd>Team A</dd>"))
            #expect(page.contains("Child A Full (child)"))
            #expect(page.contains("+447700900111, to Child A Full, on 2026-11-21 by North practitioner"))
            #expect(Self.said(page) == ["an e-mail", "a call", "late text", "first text"])

            let path = "/cases/\(north.caseA)"
            #expect(Self.said(try await browser.get(path + "?channel=sms").body.string) == ["late text", "first text"])
            #expect(
                Self.said(try await browser.get(path + "?person=\(north.personA)").body.string) == [
                    "an e-mail", "first text",
                ]
            )
            #expect(Self.said(try await browser.get(path + "?out_of_hours=1").body.string) == ["late text"])
            #expect(Self.said(try await browser.get(path + "?significant=1").body.string) == ["a call"])
            #expect(
                Self.said(try await browser.get(path + "?from=2026-11-03&to=2026-11-04").body.string) == [
                    "a call", "late text",
                ]
            )
            #expect(
                Self.said(try await browser.get(path + "?channel=sms&from=2026-11-03").body.string) == ["late text"]
            )
            #expect(
                try await browser.get(path + "?channel=letter").body.string.contains("No records match these filters.")
            )

            // A date that is not one is named, and the rest of the filters still apply.
            let bad = try await browser.get(path + "?channel=sms&from=2026-13-01")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<a href=\"#from\">Enter the from date as a real date"))
            #expect(bad.body.string.contains("id=\"from-error\""))
            #expect(Self.said(bad.body.string) == ["late text", "first text"])
        }
    }
}
