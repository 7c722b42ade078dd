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
        let totp = try secret(of: page)
        let csrf = try #require(browser.csrf(from: page))
        let wrong = try await browser.post("/account/authenticator", form: ["csrf": csrf, "code": "12345"])
        #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("id=\"code-error\""))
        let step = SafeCommsCore.TOTP.step(at: Date())
        let done = try await browser.post(
            "/account/authenticator",
            form: ["csrf": csrf, "code": totp.code(step: step)]
        )
        #expect(done.status == .ok && done.headers.first(name: .cacheControl) == "no-store")
        let codes = recoveryCodes(on: done)
        #expect(codes.count == 10)
        return (totp, codes, step)
    }

    /// The key a set-up page shows, as the app would read it.
    static func secret(of page: TestingHTTPResponse) throws -> SafeCommsCore.TOTP {
        let key = try #require(page.body.string.firstMatch(of: /<code id="secret">([A-Z2-7 ]+)<\/code>/)).1
        #expect(page.body.string.contains("otpauth://totp/SafeComms:"))
        return SafeCommsCore.TOTP(secret: try #require(Base32.decode(String(key))))
    }

    static func recoveryCodes(on page: TestingHTTPResponse) -> [String] {
        page.body.string.matches(of: /<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/).map { String($0.1) }
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

    /// Where this server requires it, whoever can read case history sets up an authenticator after
    /// their password the first time, and is not signed in until its first code proves it; from then
    /// on sign-in asks for its code; whoever cannot read case history is not made to.
    @Test(arguments: Backend.available)
    func whoeverReadsCaseHistorySetsUpAnAuthenticatorAtFirstSignIn(backend: Backend) async throws {
        try await withTestApp(backend, config: { $0.requireSecondFactor = true }) { app in
            let world = try await World.make(app)
            let email = world.north.staff["practitioner"]!.email
            let browser = PageSession(app)
            let password = try await browser.signIn(email)
            #expect(password.status == .seeOther && password.headers.first(name: .location) == "/login/authenticator")
            #expect(try await Self.signedIn(browser) == false)
            let page = try await browser.get("/login/authenticator")
            #expect(page.status == .ok && page.headers.first(name: .cacheControl) == "no-store")
            let totp = try Self.secret(of: page)
            let wrong = try await browser.post(
                "/login/authenticator",
                form: ["csrf": browser.csrf(from: page) ?? "", "code": "12345"]
            )
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("id=\"code-error\""))
            #expect(try await Self.signedIn(browser) == false)
            // A page reloaded shows the key already shown, so the app added first still works.
            let reloaded = try await browser.get("/login/authenticator")
            #expect(try Self.secret(of: reloaded).secret == totp.secret)
            var used = SafeCommsCore.TOTP.step(at: Date())
            let done = try await browser.post(
                "/login/authenticator",
                form: ["csrf": browser.csrf(from: reloaded) ?? "", "code": totp.code(step: used)]
            )
            #expect(done.status == .ok && done.headers.first(name: .cacheControl) == "no-store")
            #expect(Self.recoveryCodes(on: done).count == 10)
            // Signed in, and on to the policy they have not yet read (WNL-5.2).
            #expect(done.body.string.contains("id=\"continue\" href=\"/policies?first=1\""))
            #expect(try await Self.signedIn(browser))

            // Next time, the code.
            let next = PageSession(app)
            #expect(try await next.signIn(email).headers.first(name: .location) == "/login/code")
            let code = try await next.post(
                "/login/code",
                form: [
                    "csrf": next.csrf(from: try await next.get("/login/code")) ?? "",
                    "code": try await Self.unusedCode(totp, after: &used),
                ]
            )
            #expect(code.status == .seeOther)
            #expect(try await Self.signedIn(next))
            let routes = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").all()
                .compactMap(\.detail)
            #expect(routes == ["password and authenticator", "password and authenticator"], "\(routes)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.factor_enrolled").count() == 1)

            // Business support do not read case history: their password is enough.
            let support = try await PageSession(app).signIn(world.north.staff["business_support"]!.email)
            #expect(support.headers.first(name: .location) == "/")
            // Without a password just given, there is nothing to set up.
            #expect(try await PageSession(app).get("/login/authenticator").headers.first(name: .location) == "/login")

            // Reset by an administrator: set up again at the next sign-in.
            let admin = PageSession(app)
            try await admin.signIn(world.north.staff["admin"]!.email)
            let practitionerID = world.north.staff["practitioner"]!.id.uuidString
            let staffPage = try await admin.get("/admin/staff/\(practitionerID)")
            let reset = try await admin.post(
                "/admin/staff/\(practitionerID)/authenticator",
                form: ["csrf": admin.csrf(from: staffPage) ?? ""]
            )
            #expect(reset.status == .seeOther)
            let afterReset = try await PageSession(app).signIn(email)
            #expect(afterReset.headers.first(name: .location) == "/login/authenticator")
        }
    }

    /// The same person setting up in several windows at once (a double click, two tabs): every window
    /// shows the same key, one code sets it up once, and the other windows go on to the code.
    @Test(arguments: Backend.available)
    func severalWindowsSettingUpAtOnceMakeOneAuthenticator(backend: Backend) async throws {
        try await withTestApp(backend, config: { $0.requireSecondFactor = true }) { app in
            let world = try await World.make(app)
            let email = world.north.staff["dsl"]!.email
            // Four: every code given counts against the throttle until it is found right (five), so
            // that parallel guesses cannot slip under it.
            let windows = (0..<4).map { _ in PageSession(app) }
            for w in windows { try await w.signIn(email) }
            let pages = try await withThrowingTaskGroup(of: (Int, TestingHTTPResponse).self) { group in
                for (i, w) in windows.enumerated() { group.addTask { (i, try await w.get("/login/authenticator")) } }
                return try await group.reduce(into: [Int: TestingHTTPResponse]()) { $0[$1.0] = $1.1 }
            }
            let secrets = try Set(pages.values.map { try Self.secret(of: $0).secret })
            #expect(secrets.count == 1)
            let totp = SafeCommsCore.TOTP(secret: try #require(secrets.first))
            let code = totp.code(step: SafeCommsCore.TOTP.step(at: Date()))
            let answers = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for (i, w) in windows.enumerated() {
                    let csrf = w.csrf(from: pages[i]!) ?? ""
                    group.addTask { try await w.post("/login/authenticator", form: ["csrf": csrf, "code": code]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.status == .ok && Self.recoveryCodes(on: $0).count == 10 }.count == 1)
            #expect(
                answers.filter { $0.status == .seeOther && $0.headers.first(name: .location) == "/login/code" }.count
                    == windows.count - 1
            )
            let staffID = world.north.staff["dsl"]!.id
            #expect(try await RecoveryCode.query(on: app.db).filter(\.$staffID == staffID).count() == 10)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").count() == 1)
        }
    }

    /// Required unless the environment says `offered` in so many words: a typing mistake fails safe.
    @Test func theFactorIsRequiredUnlessOfferedIsSaid() {
        #expect(ServerConfig.fromEnvironment([:]).requireSecondFactor)
        #expect(ServerConfig.fromEnvironment(["SAFECOMMS_SECOND_FACTOR": "required"]).requireSecondFactor)
        #expect(ServerConfig.fromEnvironment(["SAFECOMMS_SECOND_FACTOR": "ofered"]).requireSecondFactor)
        #expect(!ServerConfig.fromEnvironment(["SAFECOMMS_SECOND_FACTOR": "Offered"]).requireSecondFactor)
    }
}
