import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// The second factor through the pages: a person sets up an authenticator from their account, is then
/// asked for its code after their password, gets in once per code or recovery code, is throttled after
/// wrong codes, and an administrator resets it.
@Suite struct SecondFactorPageTests {
    /// Sets up an authenticator through `/account/authenticator`; its secret, the recovery codes shown,
    /// and the step of the code that set it up (used now).
    static func setUp(_ browser: PageSession) async throws -> (SafeCommsCore.TOTP, [String], Int64) {
        let page = try await browser.get("/account/authenticator")
        #expect(page.status == .ok && page.headers.first(name: .cacheControl) == "no-store")
        let key = try #require(page.body.string.firstMatch(of: /<code id="secret">([A-Z2-7 ]+)<\/code>/)).1
        let totp = SafeCommsCore.TOTP(secret: try #require(Base32.decode(String(key))))
        #expect(page.body.string.contains("otpauth://totp/SafeComms:"))
        let csrf = try #require(browser.csrf(from: page))
        let wrong = try await browser.post("/account/authenticator", form: ["csrf": csrf, "code": "12345"])
        #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("id=\"code-error\""))
        let step = SafeCommsCore.TOTP.step(at: Date())
        let done = try await browser.post(
            "/account/authenticator",
            form: ["csrf": csrf, "code": totp.code(step: step)]
        )
        #expect(done.status == .ok && done.headers.first(name: .cacheControl) == "no-store")
        let codes = done.body.string.matches(of: /<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/).map {
            String($0.1)
        }
        #expect(codes.count == 10)
        return (totp, codes, step)
    }

    /// A code the server has not yet accepted for this secret, within a step of now.
    static func unusedCode(_ totp: SafeCommsCore.TOTP, after used: inout Int64) async throws -> String {
        while true {
            let now = SafeCommsCore.TOTP.step(at: Date())
            let step = max(now - 1, used + 1)
            if step <= now + 1 {
                used = step
                return totp.code(step: step)
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    static func signedIn(_ browser: PageSession) async throws -> Bool {
        try await browser.get("/cases").status == .ok
    }

    @Test(arguments: Backend.available)
    func aPersonSetsUpAnAuthenticatorAndSignsInWithItsCodes(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let email = world.north.staff["auditor"]!.email
            let first = PageSession(app)
            try await first.signIn(email)
            #expect(try await first.get("/account").body.string.contains("href=\"/account/authenticator\""))
            let (totp, recovery, setUpStep) = try await Self.setUp(first)
            var used = setUpStep
            #expect(try await first.get("/account").body.string.contains("10 recovery codes are left."))

            // The password alone now leads to the code, and nowhere else.
            let second = PageSession(app)
            let password = try await second.signIn(email)
            #expect(password.status == .seeOther && password.headers.first(name: .location) == "/login/code")
            #expect(try await Self.signedIn(second) == false)
            let form = try await second.get("/login/code")
            #expect(form.status == .ok && form.body.string.contains("autocomplete=\"one-time-code\""))
            let csrf = try #require(second.csrf(from: form))
            let wrong = try await second.post("/login/code", form: ["csrf": csrf, "code": "abcdef"])
            #expect(wrong.status == .unprocessableEntity)
            let code = try await Self.unusedCode(totp, after: &used)
            let right = try await second.post("/login/code", form: ["csrf": csrf, "code": code])
            #expect(right.status == .seeOther && right.headers.first(name: .location) == "/")
            #expect(try await Self.signedIn(second))

            // The same code again, from another browser: refused, and said why.
            let third = PageSession(app)
            try await third.signIn(email)
            let again = try await third.post(
                "/login/code",
                form: ["csrf": third.csrf(from: try await third.get("/login/code")) ?? "", "code": code]
            )
            #expect(again.status == .unprocessableEntity && again.body.string.contains("already been used"))
            #expect(try await Self.signedIn(third) == false)
            // A recovery code gets in once.
            let withRecovery = try await third.post(
                "/login/code",
                form: ["csrf": third.csrf(from: try await third.get("/login/code")) ?? "", "code": recovery[0]]
            )
            #expect(withRecovery.status == .seeOther)
            #expect(try await Self.signedIn(third))
            let fourth = PageSession(app)
            try await fourth.signIn(email)
            let reusedRecovery = try await fourth.post(
                "/login/code",
                form: ["csrf": fourth.csrf(from: try await fourth.get("/login/code")) ?? "", "code": recovery[0]]
            )
            #expect(reusedRecovery.status == .unprocessableEntity)

            let routes = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").all().compactMap(
                \.detail
            )
            #expect(routes.filter { $0 == "password" }.count == 1)
            #expect(routes.filter { $0 == "password and authenticator" }.count == 1)
            #expect(routes.filter { $0 == "password and recovery code" }.count == 1)
        }
    }

    @Test func wrongCodesAreThrottledAndTheCodePageNeedsThePassword() async throws {
        try await withTestApp(.sqlite, config: { $0.loginMaxFailures = 3 }) { app in
            let world = try await World.make(app)
            let email = world.north.staff["auditor"]!.email
            let setter = PageSession(app)
            try await setter.signIn(email)
            let (totp, _, setUpStep) = try await Self.setUp(setter)
            var used = setUpStep

            let stranger = PageSession(app)
            #expect(try await stranger.get("/login/code").headers.first(name: .location) == "/login")
            let browser = PageSession(app)
            try await browser.signIn(email)
            let csrf = try #require(browser.csrf(from: try await browser.get("/login/code")))
            for _ in 0..<3 {
                #expect(
                    try await browser.post("/login/code", form: ["csrf": csrf, "code": "000001"]).status != .seeOther
                )
            }
            let blocked = try await browser.post(
                "/login/code",
                form: ["csrf": csrf, "code": try await Self.unusedCode(totp, after: &used)]
            )
            #expect(blocked.status == .tooManyRequests && Int(blocked.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            #expect(try await Self.signedIn(browser) == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.factor_failed").count() >= 3)
        }
    }

    @Test(arguments: Backend.available)
    func anAdministratorResetsAnAuthenticatorAndThePersonIsTold(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let auditor = world.north.staff["auditor"]!
            let person = PageSession(app)
            try await person.signIn(auditor.email)
            _ = try await Self.setUp(person)

            // Someone who is not an administrator cannot.
            let manager = PageSession(app)
            try await manager.signIn(world.north.staff["manager"]!.email)
            let refused = try await manager.post(
                "/admin/staff/\(auditor.id.uuidString)/authenticator",
                form: ["csrf": manager.csrf(from: try await manager.get("/account")) ?? ""]
            )
            #expect(refused.status == .forbidden)

            let admin = PageSession(app)
            try await admin.signIn(world.north.staff["admin"]!.email)
            let page = try await admin.get("/admin/staff/\(auditor.id.uuidString)")
            #expect(page.body.string.contains("Reset the authenticator"))
            let reset = try await admin.post(
                "/admin/staff/\(auditor.id.uuidString)/authenticator",
                form: ["csrf": admin.csrf(from: page) ?? ""]
            )
            #expect(reset.status == .seeOther)
            let after = try await admin.get(try #require(reset.headers.first(name: .location)))
            #expect(after.body.string.contains("The authenticator was reset"))
            let mail = try #require(
                try await SafeCommsStore.Notification.query(on: app.db).filter(\.$staffID == auditor.id).first()
            )
            #expect(mail.recipient == auditor.email && mail.subject == "Your SafeComms authenticator was reset")
            // Their password alone signs them in again, until they set up a new one.
            let next = PageSession(app)
            #expect(try await next.signIn(auditor.email).headers.first(name: .location) == "/")
        }
    }
}
