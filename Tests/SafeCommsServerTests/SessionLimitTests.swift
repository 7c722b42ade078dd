import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// Page sessions end after the organisation's minutes without use and hours since sign-in; a page
/// view records use at most once a minute; signing out everywhere ends every session of one person.
@Suite struct SessionLimitTests {
    /// The stored session behind a browser's cookie.
    static func record(_ app: Application, _ browser: PageSession) async throws -> SessionRecord {
        let key = StoreSessions.key(SessionID(string: try #require(browser.cookie)))
        return try #require(try await SessionRecord.query(on: app.db).filter(\.$key == key).first())
    }

    /// Moves a session's clock back: `keys` of its data set `ago` seconds before now.
    static func age(_ app: Application, _ browser: PageSession, _ keys: [String], by ago: TimeInterval) async throws {
        let r = try await record(app, browser)
        for k in keys { r.data[k] = String(Int(Date().timeIntervalSince1970 - ago)) }
        try await r.save(on: app.db)
    }

    static func signedOut(_ res: TestingHTTPResponse) -> Bool {
        res.status == .seeOther && res.headers.first(name: .location) == "/login"
    }

    @Test(arguments: Backend.available)
    func aSessionEndsAfterItsMinutesWithoutUseAndItsHours(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let email = world.north.staff["practitioner"]!.email
            // Unused for 29 minutes: still signed in; for 31: signed out, and the session is gone.
            let idle = PageSession(app)
            try await idle.signIn(email)
            try await Self.age(app, idle, [SignIn.seenAtKey], by: 29 * 60)
            #expect(try await idle.get("/cases").status == .ok)
            try await Self.age(app, idle, [SignIn.seenAtKey], by: 31 * 60)
            let key = StoreSessions.key(SessionID(string: try #require(idle.cookie)))
            #expect(Self.signedOut(try await idle.get("/cases")))
            #expect(try await SessionRecord.query(on: app.db).filter(\.$key == key).first() == nil)
            // In use all along, but signed in 10 hours and a minute ago: signed out.
            let long = PageSession(app)
            try await long.signIn(email)
            try await Self.age(app, long, [SignIn.signedInAtKey], by: 10 * 3600 + 60)
            #expect(Self.signedOut(try await long.get("/cases")))
            // The organisation's own limits apply from the next sign-in; a session already open keeps its own.
            let before = PageSession(app)
            try await before.signIn(email)
            let org = try #require(try await Organisation.find(world.north.id, on: app.db))
            org.settings.sessionIdleMinutes = 5
            org.settings.sessionHours = 2
            try await org.save(on: app.db)
            app.organisationSettings.forget(world.north.id)
            let after = PageSession(app)
            try await after.signIn(email)
            let data = try await Self.record(app, after).data
            #expect(data[SignIn.idleMinutesKey] == "5" && data[SignIn.limitHoursKey] == "2")
            try await Self.age(app, after, [SignIn.seenAtKey], by: 6 * 60)
            try await Self.age(app, before, [SignIn.seenAtKey], by: 6 * 60)
            #expect(Self.signedOut(try await after.get("/cases")))
            #expect(try await before.get("/cases").status == .ok, "signed in under 30 minutes, kept")
        }
    }

    @Test(arguments: Backend.available)
    func pageViewsRecordUseAtMostOnceAMinute(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["manager"]!.email)
            // The first page makes the session's CSRF token (a change, so a write); after that, reading writes nothing.
            #expect(try await browser.get("/cases").status == .ok)
            // Use recorded as ten minutes ahead, so the ten views fall within its minute however slow
            // the machine running the tests is.
            try await Self.age(app, browser, [SignIn.seenAtKey], by: -600)
            let first = try await Self.record(app, browser).data
            for _ in 0..<10 { #expect(try await browser.get("/cases").status == .ok) }
            #expect(try await Self.record(app, browser).data == first, "ten views within the minute wrote nothing")
            // Last recorded two minutes ago: sixteen views at once all pass and record it afresh.
            try await Self.age(app, browser, [SignIn.seenAtKey], by: 120)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<16 { group.addTask { try await browser.get("/cases").status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let seen = try #require(try await Self.record(app, browser).data[SignIn.seenAtKey].flatMap(Double.init))
            #expect(Date().timeIntervalSince1970 - seen < 60)
        }
    }

    @Test(arguments: Backend.available)
    func signingOutEverywhereEndsEverySessionOfThatPersonOnly(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            var mine: [PageSession] = []
            for _ in 0..<3 {
                let b = PageSession(app)
                try await b.signIn(north.staff["practitioner"]!.email)
                mine.append(b)
            }
            let colleague = PageSession(app)
            try await colleague.signIn(north.staff["practitionerB"]!.email)
            let account = try await mine[0].get("/account")
            #expect(account.status == .ok)
            #expect(account.text.contains("You are signed in in 3 places."))
            #expect(account.text.contains("or sooner after 30 minutes without using SafeComms."))
            let csrf = try #require(mine[0].csrf(from: account))
            let out = try await mine[0].post("/account/sign-out-everywhere", form: ["csrf": csrf])
            #expect(out.status == .seeOther && out.headers.first(name: .location) == "/login?signed_out=everywhere")
            #expect(
                try await PageSession(app).get("/login?signed_out=everywhere").text.contains(
                    "You are signed out everywhere"
                )
            )
            for b in mine { #expect(Self.signedOut(try await b.get("/cases"))) }
            #expect(try await colleague.get("/cases").status == .ok, "another person's session is untouched")
            let events = try await AuditEvent.query(on: app.db)
                .filter(\.$action == AuditAction.signedOutEverywhere.rawValue).all()
            #expect(events.count == 1 && events.first?.actorID == north.id("practitioner"))
            // Signing in again works, and is one place.
            let again = PageSession(app)
            try await again.signIn(north.staff["practitioner"]!.email)
            #expect(try await again.get("/account").text.contains("You are signed in in 1 place: here."))
        }
    }
}
