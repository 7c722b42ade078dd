import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// `/directory`, the People Finder (LIN-11): who comes first, finding a colleague, where a call to
/// them goes, confirming one's own details, and business support taking a message from a row.
@Suite struct DirectoryPageTests {
    /// The staff names in the order the directory lists them.
    static func names(_ html: String) -> [String] {
        html.components(separatedBy: "<tr data-staff=\"").dropFirst().compactMap { row in
            row.components(separatedBy: "\"><td>").dropFirst().first?.components(separatedBy: "<").first
        }
    }

    @Test(arguments: Backend.available)
    func staleEntriesComeFirstThenEveryoneByName(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let now = Date()
            // Two confirmed long ago (the older first), two recently; the rest never (first of all).
            for (who, daysAgo) in [("manager", 200.0), ("dsl", 120.0), ("admin", 10.0), ("auditor", 1.0)] {
                try await PhoneStatus(
                    staffID: north.id(who),
                    organisationID: north.id,
                    deskNumber: nil,
                    deskLoggedIn: false,
                    deskPairedToMobile: false,
                    divertTo: nil
                )
                .create(on: app.db)
                try await PhoneStatus.query(on: app.db).filter(\.$id == north.id(who))
                    .set(\.$confirmedAt, to: now.addingTimeInterval(-daysAgo * 86_400)).update()
            }
            let browser = PageSession(app)
            try await browser.signIn(north.staff["business_support"]!.email)
            let page = try await browser.get("/directory")
            #expect(page.status == .ok)
            #expect(
                Self.names(page.text) == [
                    "North business_support", "North practitioner", "North practitionerB",
                    "North manager", "North dsl",
                    "North admin", "North auditor",
                ],
                "\(page.text)"
            )
            #expect(page.text.contains("7 people"))
            #expect(page.text.components(separatedBy: "Not in 90 days").count - 1 == 5)
            #expect(!page.text.contains("South "), "another organisation's staff are never listed")
            // Found by part of a name, case and accents ignored; by team.
            let found = try await browser.get("/directory?name=PRACTITIONÉR")
            #expect(Self.names(found.text) == ["North practitioner", "North practitionerB"])
            let teamB = try await browser.get("/directory?team=\(north.teamB)")
            #expect(Self.names(teamB.text) == ["North practitionerB"])
            let both = try await browser.get("/directory?name=practitioner&team=\(north.teamA)")
            #expect(Self.names(both.text) == ["North practitioner"])
            #expect(try await browser.get("/directory?name=nobody").text.contains("0 people."))
            // A team that is not the organisation's is named as the problem, on the field itself.
            let bad = try await browser.get("/directory?team=\(world.south.teamA)")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("<a href=\"#team\">Choose a team from the list</a>"))
            #expect(bad.text.contains("id=\"team-error\""))
            #expect(Self.names(bad.text).count == 7, "the whole directory is still shown")
        }
    }

    @Test(arguments: Backend.available)
    func aCallToSomeoneAwayGoesToTheirHuntGroupAndAMessageCanBeTakenFromTheirRow(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let worker = north.id("practitioner")
            try await StaffAbsence(
                organisationID: north.id,
                staffID: worker,
                recordedByID: worker,
                kind: "leave",
                startsAt: Date().addingTimeInterval(-86_400),
                endsAt: Date().addingTimeInterval(5 * 86_400)
            )
            .create(on: app.db)
            let desk = PageSession(app)
            try await desk.signIn(north.staff["business_support"]!.email)
            let page = try await desk.get("/directory?name=North%20practitioner")
            let row = try #require(
                page.text.components(separatedBy: "<tr data-staff=\"\(worker)\"").dropFirst().first?
                    .components(separatedBy: "</tr>").first
            )
            #expect(row.contains("On leave until"))
            // Out of office hours the emergency duty team takes calls; in them, Team A's hunt group does.
            #expect(
                row.contains("hunt group, +441632960100") || row.contains("emergency duty team")
                    || row.contains("Cannot be put through now"),
                "\(row)"
            )
            #expect(row.contains("href=\"/phones/message?for=\(worker)\""))
            let form = try await desk.get("/phones/message?for=\(worker)")
            #expect(form.text.contains("<option value=\"\(worker.uuidString)\" selected>"))
            // Auditors take no messages: no link.
            let auditor = PageSession(app)
            try await auditor.signIn(north.staff["auditor"]!.email)
            #expect(!(try await auditor.get("/directory").text.contains("/phones/message?for=")))
        }
    }

    @Test(arguments: Backend.available)
    func everyoneConfirmsTheirOwnDetailsAtOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let people = World.roles.map(\.0)
            // Each member of staff of both organisations confirms at once, while others read the page.
            let statuses = try await withThrowingTaskGroup(of: [UInt].self) { group in
                for org in [world.north, world.south] {
                    for who in people {
                        group.addTask {
                            let browser = PageSession(app)
                            try await browser.signIn(org.staff[who]!.email)
                            let page = try await browser.get("/directory")
                            let csrf = try #require(browser.csrf(from: page))
                            let confirmed = try await browser.post("/directory/confirm", form: ["csrf": csrf])
                            let after = try await browser.get("/directory?done=confirmed")
                            #expect(after.text.contains("Thank you: your details are confirmed as up to date."))
                            #expect(after.text.contains("You last confirmed your details on"))
                            return [page.status.code, confirmed.status.code, after.status.code]
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 2 * people.count * 3)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 303 }, "\(statuses)")
            let confirmed = try await PhoneStatus.query(on: app.db).all().filter { $0.confirmedAt != nil }
            #expect(confirmed.count == 2 * people.count)
            let events = try await AuditEvent.query(on: app.db)
                .filter(\.$action == AuditAction.directoryConfirmed.rawValue).all()
            #expect(events.count == 2 * people.count)
            #expect(Set(events.compactMap(\.actorID)).count == 2 * people.count, "each confirmed their own")
            #expect(try await AuditLog.verify(on: app.db, key: app.auditKey).links > 0)
            // Nobody stale now.
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["manager"]!.email)
            #expect(!(try await browser.get("/directory").text.contains("Not in 90 days")))
        }
    }
}
