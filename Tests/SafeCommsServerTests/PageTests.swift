import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// A cookie-keeping client over the in-memory tester: what a browser does with the session cookie.
final class PageSession: @unchecked Sendable {
    let app: Application
    var cookie: String?
    var lastSetCookie: String?

    init(_ app: Application) { self.app = app }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, form: nil)
    }

    func post(_ path: String, form: [String: String]) async throws -> TestingHTTPResponse {
        try await send(.POST, path, form: form)
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: .cookie, value: "safecomms_session=\(cookie)") }
        var body: ByteBuffer?
        if let form {
            headers.contentType = .urlEncodedForm
            let encoded = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            body = ByteBuffer(string: encoded)
        }
        let res = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        if let set = res.headers.first(name: .setCookie) {
            lastSetCookie = set
            let value = set.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            cookie = value.count == 2 && !value[1].isEmpty ? String(value[1]) : nil
        }
        return res
    }

    func csrf(from res: TestingHTTPResponse) -> String? {
        res.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) }
    }

    /// Signs in through the form, as a person would.
    @discardableResult
    func signIn(_ email: String, _ password: String = World.password) async throws -> TestingHTTPResponse {
        let form = try await get("/login")
        return try await post("/login", form: ["email": email, "password": password, "csrf": csrf(from: form) ?? ""])
    }
}

@Suite struct PageTests {
    @Test(arguments: Backend.available)
    func signInCookieAndMyCases(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            let res = try await browser.signIn(world.north.staff["practitioner"]!.email)
            #expect(res.status == .seeOther && res.headers.first(name: .location) == "/cases")
            let cookie = try #require(browser.lastSetCookie)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            let cases = try await browser.get("/cases")
            #expect(cases.status == .ok)
            #expect(cases.text.contains("North-A") && !cases.text.contains("North-B") && !cases.text.contains("South"))
            // The chronology page of a case the practitioner cannot see is a 404 page, not data.
            let hidden = try await browser.get("/cases/\(world.north.caseB)")
            #expect(hidden.status == .notFound && !hidden.text.contains("Child B"))
        }
    }

    @Test func secureCookieBehindTLS() async throws {
        try await withTestApp(.sqlite, config: { $0.secureCookies = true }) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            _ = try await browser.signIn(world.north.staff["dsl"]!.email)
            #expect(browser.lastSetCookie?.contains("Secure") == true)
        }
    }

    @Test(arguments: Backend.available)
    func recordAContactThroughTheForm(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["practitioner"]!.email)
            let form = try await browser.get("/cases/\(world.north.caseA)/record")
            #expect(form.status == .ok)
            let csrf = try #require(browser.csrf(from: form))
            // A missing summary is shown as an error next to the field; nothing is saved.
            let bad = try await browser.post(
                "/cases/\(world.north.caseA)/record",
                form: ["csrf": csrf, "channel": "phone_call", "direction": "incoming", "occurred_at": "2026-11-02T10:00", "summary": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("There is a problem") && bad.text.contains("href=\"#summary\""))
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
            let good = try await browser.post(
                "/cases/\(world.north.caseA)/record",
                form: ["csrf": csrf, "channel": "phone_call", "direction": "incoming", "occurred_at": "2026-11-02T18:30", "summary": "Dad rang about Saturday", "duration_minutes": "12"])
            #expect(good.status == .seeOther)
            let saved = try #require(try await CommunicationRecord.query(on: app.db).first())
            #expect(saved.source == "web" && saved.durationSeconds == 720 && saved.outOfHours)
            let page = try await browser.get("/cases/\(world.north.caseA)?recorded=1")
            #expect(page.text.contains("Dad rang about Saturday") && page.text.contains("Out of hours"))
        }
    }

    @Test(arguments: Backend.available)
    func formsWithoutTheCSRFTokenAreRefused(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            // Sign-in itself needs the token.
            _ = try await browser.get("/login")
            let noToken = try await browser.post("/login", form: ["email": world.north.staff["dsl"]!.email, "password": World.password])
            #expect(noToken.status == .forbidden)
            try await browser.signIn(world.north.staff["dsl"]!.email)
            let forged = try await browser.post(
                "/cases/\(world.north.caseA)/record",
                form: ["csrf": String(repeating: "0", count: 64), "channel": "sms", "direction": "outgoing", "occurred_at": "2026-11-02T10:00", "transcript": "x"])
            #expect(forged.status == .forbidden)
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func signInIsThrottled() async throws {
        try await withTestApp(.sqlite, config: { $0.loginMaxFailures = 3 }) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            let email = world.north.staff["auditor"]!.email
            for _ in 0..<3 {
                #expect(try await browser.signIn(email, "wrong password").status == .unauthorized)
            }
            // Now even the right password waits.
            let blocked = try await browser.signIn(email, World.password)
            #expect(blocked.status == .tooManyRequests)
            #expect(Int(blocked.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.failed").count() == 3)
        }
    }

    @Test(arguments: Backend.available)
    func auditorReadsButCannotWrite(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["auditor"]!.email)
            let page = try await browser.get("/cases/\(world.north.caseA)")
            #expect(page.status == .ok && !page.text.contains("Record a contact"))
            #expect(try await browser.get("/cases/\(world.north.caseA)/record").status == .forbidden)
            let csrf = try #require(browser.csrf(from: page))
            let post = try await browser.post(
                "/cases/\(world.north.caseA)/record",
                form: ["csrf": csrf, "channel": "sms", "direction": "outgoing", "occurred_at": "2026-11-02T10:00", "transcript": "x"])
            #expect(post.status == .forbidden)
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
        }
    }

    /// Every page route × role × organisation, through a signed-in session.
    @Test(arguments: Backend.available)
    func pageAccessMatrix(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let pageRoutes = Set(app.routes.all.compactMap { r -> String? in
                let path = "/" + r.path.map(\.description).joined(separator: "/")
                let isPage = !path.hasPrefix("/api/") && !["/healthz", "/readyz", "/metrics", "/openapi.yaml", "/assets/app.css"].contains(path)
                return isPage ? AccessMatrixTests.routeKey(r.method, path) : nil
            })
            let caseRead: Set<String> = ["practitioner", "manager", "dsl", "auditor"]
            let caseWrite: Set<String> = ["practitioner", "manager", "dsl"]
            var covered: Set<String> = []
            for (role, _, _) in World.roles {
                for (org, other) in [(world.north, false), (world.south, true)] {
                    let browser = PageSession(app)
                    try await browser.signIn(org.staff[role]!.email)
                    let caseA = world.north.caseA
                    let home = try await browser.get("/")
                    #expect(home.status == .seeOther)
                    let list = try await browser.get("/cases")
                    #expect(list.status == .ok && (!other || !list.text.contains("North-A")))
                    let chronology = try await browser.get("/cases/\(caseA)")
                    #expect(chronology.status.code == (!other && caseRead.contains(role) ? 200 : 404), "\(role) other=\(other)")
                    let form = try await browser.get("/cases/\(caseA)/record")
                    let writeStatus: UInt = other || !caseRead.contains(role) ? 404 : (caseWrite.contains(role) ? 200 : 403)
                    #expect(form.status.code == writeStatus, "\(role) other=\(other)")
                    let csrf = browser.csrf(from: list) ?? ""
                    let post = try await browser.post(
                        "/cases/\(caseA)/record",
                        form: ["csrf": csrf, "channel": "sms", "direction": "outgoing", "occurred_at": "2026-11-02T10:00", "transcript": "Hello from \(role)"])
                    #expect(post.status.code == (writeStatus == 200 ? 303 : writeStatus), "\(role) other=\(other)")
                    let out = try await browser.post("/logout", form: ["csrf": csrf])
                    #expect(out.status == .seeOther)
                    #expect(try await browser.get("/cases").status == .seeOther, "signed out")
                    covered.formUnion(["GET /", "GET /login", "POST /login", "GET /cases", "GET /cases/*", "GET /cases/*/record", "POST /cases/*/record", "POST /logout"])
                }
            }
            #expect(covered.isSuperset(of: pageRoutes), "page routes not covered: \(pageRoutes.subtracting(covered))")
            #expect(try await CommunicationRecord.query(on: app.db).count() == caseWrite.count)
        }
    }
}
