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
    var jar = CookieJar()
    /// The session cookie's value.
    var cookie: String? { jar.session }
    /// The `Set-Cookie` header that last set the session cookie.
    var lastSetCookie: String? { jar.lastSessionHeader }

    init(_ app: Application) { self.app = app }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, form: nil)
    }

    func post(_ path: String, form: [String: String]) async throws -> TestingHTTPResponse {
        try await send(.POST, path, form: form)
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?) async throws -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        if let cookies = jar.header { headers.add(name: .cookie, value: cookies) }
        var body: ByteBuffer?
        if let form {
            headers.contentType = .urlEncodedForm
            let encoded = form.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }.joined(separator: "&")
            body = ByteBuffer(string: encoded)
        }
        let res = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        jar.take(res.headers)
        return res
    }

    /// A form with a file, as `<form enctype="multipart/form-data">` sends it.
    func post(_ path: String, multipart: Multipart) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(
            .POST,
            path,
            headers: multipart.headers(cookies: jar.header),
            body: multipart.body
        )
    }

    /// A long-work form's answer followed to its end: a 303 to `/work/{id}` is looked at until the
    /// work has finished (its page no longer shows the progress bar), and that page returned. Any
    /// other answer is returned as it is.
    func post(_ path: String, multipart: Multipart, waitingForWork: Bool) async throws -> TestingHTTPResponse {
        let sent = try await post(path, multipart: multipart)
        guard waitingForWork, sent.status == .seeOther, let work = sent.headers.first(name: .location),
            work.hasPrefix("/work/")
        else { return sent }
        for _ in 0..<3000 {
            let page = try await get(work)
            if !(page.status == .ok && page.text.contains("id=\"work-progress\"")) { return page }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(path): the work at \(work) did not finish")
        return try await get(work)
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
            // Not yet acknowledged: the policy comes first (WNL-5.2).
            #expect(
                res.status == .seeOther && res.headers.first(name: .location) == "/policies?first=1",
                "\(res.status) \(res.body.string.prefix(600))"
            )
            // Business support do not write to children and families: straight to their home.
            let support = try await PageSession(app).signIn(world.north.staff["business_support"]!.email)
            #expect(support.headers.first(name: .location) == "/")
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
                form: [
                    "csrf": csrf, "channel": "phone_call", "direction": "incoming", "occurred_at": "2026-11-02T10:00",
                    "summary": "",
                ]
            )
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("There is a problem") && bad.text.contains("href=\"#summary\""))
            // The field's own message above it, its group marked, and the control described by it;
            // the fields without a problem left alone.
            #expect(
                bad.text.contains(
                    "<div class=\"form-group form-group-error\">\n    <label class=\"label\" for=\"summary\">"
                )
            )
            #expect(
                bad.text.contains(
                    "<p class=\"error-message\" id=\"summary-error\"><span class=\"visually-hidden\">Error:</span> "
                )
            )
            #expect(bad.text.contains("id=\"summary\" aria-describedby=\"summary-error\""))
            #expect(bad.text.components(separatedBy: "class=\"error-message\"").count == 2, "one field, one message")
            #expect(!form.text.contains("error-message") && !form.text.contains("aria-describedby=\"summary-error\""))
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
            let good = try await browser.post(
                "/cases/\(world.north.caseA)/record",
                form: [
                    "csrf": csrf, "channel": "phone_call", "direction": "incoming", "occurred_at": "2026-11-02T18:30",
                    "summary": "Dad rang about Saturday", "duration_minutes": "12",
                ]
            )
            #expect(good.status == .seeOther)
            let saved = try #require(try await CommunicationRecord.query(on: app.db).first())
            #expect(saved.source == "web" && saved.durationSeconds == 720 && saved.outOfHours)
            let page = try await browser.get("/cases/\(world.north.caseA)?recorded=1")
            #expect(page.text.contains("Dad rang about Saturday") && page.text.contains("Out of hours"))
            #expect(page.text.contains("The contact was added to the chronology."))
            let recorder = try #require(try await StaffMember.find(world.north.staff["practitioner"]!.id, on: app.db))
            #expect(
                page.text.contains(
                    " by \(recorder.name)<br><a href=\"/incidents/new?source_type=communication&amp;source_id=\(saved.id!.uuidText)\">"
                )
            )
            #expect(!page.text.contains("corrected later"))

            // A correction shows beside the record it corrects, which stays on the page.
            var fix = try #require(
                try await CommunicationRepository.chronology(
                    caseID: saved.caseID,
                    organisationID: saved.organisationID,
                    filter: .init(),
                    page: 1,
                    per: 1,
                    on: app.db
                ).records.first
            )
            fix.id = UUID()
            fix.correctsID = try saved.requireID()
            fix.summary = "Dad rang about Sunday"
            try await CommunicationRepository.insert(
                [fix],
                action: .communicationCorrected,
                AuditContext(
                    organisationID: saved.organisationID,
                    actorID: saved.staffID,
                    source: "test",
                    key: app.auditKey
                ),
                on: app.db
            )
            let corrected = try await browser.get("/cases/\(world.north.caseA)").text
            #expect(corrected.contains("Dad rang about Saturday <em>(corrected later)</em>"))
            #expect(corrected.contains("Dad rang about Sunday <em>(correction)</em>"))
            #expect(!corrected.contains("The contact was added"))
        }
    }

    @Test(arguments: Backend.available)
    func formsWithoutTheCSRFTokenAreRefused(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            // Sign-in itself needs the token.
            _ = try await browser.get("/login")
            let noToken = try await browser.post(
                "/login",
                form: ["email": world.north.staff["dsl"]!.email, "password": World.password]
            )
            #expect(noToken.status == .forbidden)
            try await browser.signIn(world.north.staff["dsl"]!.email)
            let forged = try await browser.post(
                "/cases/\(world.north.caseA)/record",
                form: [
                    "csrf": String(repeating: "0", count: 64), "channel": "sms", "direction": "outgoing",
                    "occurred_at": "2026-11-02T10:00", "transcript": "x",
                ]
            )
            #expect(forged.status == .forbidden)
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
        }
    }

    /// Looking at the sign-in page, or failing to sign in, leaves no session row: the signed-out
    /// visitor's CSRF token is a cookie of its own. A token from another visitor's cookie is refused.
    @Test(arguments: Backend.available)
    func signedOutVisitorsLeaveNoSessionRows(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            for _ in 0..<20 { _ = try await PageSession(app).get("/login") }
            _ = try await PageSession(app).get("/cases")
            let failing = PageSession(app)
            #expect(try await failing.signIn(world.north.staff["dsl"]!.email, "wrong password").status == .unauthorized)
            #expect(try await SessionRecord.query(on: app.db).count() == 0)

            // Another visitor's token, without their cookie, is refused.
            let other = PageSession(app)
            let theirs = try #require(other.csrf(from: try await other.get("/login")))
            let mine = PageSession(app)
            _ = try await mine.get("/login")
            let forged = try await mine.post(
                "/login",
                form: ["email": world.north.staff["dsl"]!.email, "password": World.password, "csrf": theirs]
            )
            #expect(forged.status == .forbidden)

            #expect(try await other.signIn(world.north.staff["dsl"]!.email).status == .seeOther)
            #expect(try await SessionRecord.query(on: app.db).count() == 1, "signing in makes the one session")
            #expect(try await other.get("/cases").status == .ok)
        }
    }

    /// A page form's text with a NUL character, or bytes that are not UTF-8, is refused naming the
    /// field, and nothing is written.
    @Test func pageFormsRefuseNULAndBrokenText() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["practitioner"]!.email)
            let csrf = try #require(browser.csrf(from: try await browser.get("/cases/\(world.north.caseA)/record")))
            for (body, field) in [("transcript=see%00you", "transcript"), ("transcript=caf%C3%28", "transcript")] {
                var headers = HTTPHeaders()
                headers.contentType = .urlEncodedForm
                if let cookies = browser.jar.header { headers.add(name: .cookie, value: cookies) }
                let res = try await app.testing().sendRequest(
                    .POST,
                    "/cases/\(world.north.caseA)/record",
                    headers: headers,
                    body: ByteBuffer(
                        string: "csrf=\(csrf)&channel=sms&direction=outgoing&occurred_at=2026-11-02T10%3A00&\(body)"
                    )
                )
                #expect(res.status == .unprocessableEntity, "\(body): \(res.status)")
                #expect(res.body.string.contains(field), "the field is named")
            }
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

    /// A council office signs in from behind one address: one person locking their own account out
    /// does not lock out their colleagues, and many guesses across many accounts from that address do.
    @Test func oneAccountsFailuresDoNotLockOutTheOffice() async throws {
        try await withTestApp(
            .sqlite,
            config: {
                $0.loginMaxFailures = 3
                $0.loginMaxAddressFailures = 8
            }
        ) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            let careless = world.north.staff["auditor"]!.email
            for _ in 0..<5 { _ = try await browser.signIn(careless, "wrong password") }
            #expect(
                try await browser.signIn(careless, World.password).status == .tooManyRequests,
                "the account itself waits"
            )
            let colleague = PageSession(app)
            #expect(
                try await colleague.signIn(world.north.staff["dsl"]!.email).status == .seeOther,
                "a colleague at the same address signs in"
            )

            // Spraying: two guesses at each of several accounts passes the address's limit of 8.
            let sprayer = PageSession(app)
            for role in ["practitioner", "manager", "practitionerB"] {
                for _ in 0..<2 { _ = try await sprayer.signIn(world.north.staff[role]!.email, "Winter2026!") }
            }
            let afterSpray = PageSession(app)
            #expect(
                try await afterSpray.signIn(world.north.staff["manager"]!.email).status == .tooManyRequests,
                "the address now waits"
            )
        }
    }

    /// With the default limits, sixty failed sign-ins from one office address (twelve people each
    /// locking themselves out) leave everyone else in that office able to sign in.
    @Test func aBusyOfficeIsNotLockedOutByDefault() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let office = PageSession(app)
            for person in 0..<12 {
                for _ in 0..<5 { _ = try await office.signIn("person\(person)@north.example.gov.uk", "wrong password") }
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.failed").count() == 60)
            #expect(try await PageSession(app).signIn(world.north.staff["dsl"]!.email).status == .seeOther)
        }
    }

    /// bcrypt reads only a password's first 72 bytes: a longer one is refused when set and never signs in.
    @Test func passwordsLongerThanBcryptReadsAreRefused() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let long = String(repeating: "correct horse battery staple ", count: 3)  // 87 bytes
            let res = try await app.send(
                .POST,
                "/api/v1/staff",
                token: world.north.token("admin"),
                json:
                    #"{"name":"New Worker","email":"new.worker@north.example.gov.uk","password":"\#(long)","roles":["practitioner"]}"#
            )
            #expect(res.status == .unprocessableEntity && res.json["field"] as? String == "password", "\(res.text)")
            #expect((res.json["reason"] as? String)?.contains("at most 72 bytes") == true, "\(res.text)")

            // A stored password followed by anything: its first 72 bytes match, and it must still fail.
            let exact = String(repeating: "x", count: 72)
            let created = try await app.send(
                .POST,
                "/api/v1/staff",
                token: world.north.token("admin"),
                json:
                    #"{"name":"Max Length","email":"max.length@north.example.gov.uk","password":"\#(exact)","roles":["practitioner"]}"#
            )
            #expect(created.status == .created, "\(created.text)")
            #expect(
                try await PageSession(app).signIn("max.length@north.example.gov.uk", exact + "and more").status
                    == .unauthorized
            )
            #expect(try await PageSession(app).signIn("max.length@north.example.gov.uk", exact).status == .seeOther)
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
                form: [
                    "csrf": csrf, "channel": "sms", "direction": "outgoing", "occurred_at": "2026-11-02T10:00",
                    "transcript": "x",
                ]
            )
            #expect(post.status == .forbidden)
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
        }
    }

    /// Every page route × role × organisation, through a signed-in session.
    @Test(arguments: Backend.available)
    func pageAccessMatrix(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let pageRoutes = Set(
                app.routes.all.compactMap { r -> String? in
                    let path = "/" + r.path.map(\.description).joined(separator: "/")
                    let isPage =
                        !path.hasPrefix("/api/")
                        && ![
                            "/healthz", "/readyz", "/metrics", "/openapi.yaml", "/assets/app.css", "/assets/compose.js",
                            "/assets/work.js",
                            // GOV.UK Notify's, with its own token (SendingTests).
                            "/notify/callback",
                        ].contains(path)
                    return isPage ? AccessMatrixTests.routeKey(r.method, path) : nil
                }
            )
            let caseRead: Set<String> = ["practitioner", "manager", "dsl", "auditor"]
            let caseWrite: Set<String> = ["practitioner", "manager", "dsl"]
            var covered: Set<String> = []
            for (role, _, _) in World.roles {
                for (org, other) in [(world.north, false), (world.south, true)] {
                    let browser = PageSession(app)
                    try await browser.signIn(org.staff[role]!.email)
                    let caseA = world.north.caseA
                    let home = try await browser.get("/")
                    #expect(home.status == .ok && (!other || !home.text.contains("North-A")), "\(role) other=\(other)")
                    let list = try await browser.get("/cases")
                    #expect(list.status == .ok && (!other || !list.text.contains("North-A")))
                    let chronology = try await browser.get("/cases/\(caseA)")
                    #expect(
                        chronology.status.code == (!other && caseRead.contains(role) ? 200 : 404),
                        "\(role) other=\(other)"
                    )
                    let form = try await browser.get("/cases/\(caseA)/record")
                    let writeStatus: UInt =
                        other || !caseRead.contains(role) ? 404 : (caseWrite.contains(role) ? 200 : 403)
                    #expect(form.status.code == writeStatus, "\(role) other=\(other)")
                    let csrf = browser.csrf(from: list) ?? ""
                    let post = try await browser.post(
                        "/cases/\(caseA)/record",
                        form: [
                            "csrf": csrf, "channel": "sms", "direction": "outgoing", "occurred_at": "2026-11-02T10:00",
                            "transcript": "Hello from \(role)",
                        ]
                    )
                    #expect(post.status.code == (writeStatus == 200 ? 303 : writeStatus), "\(role) other=\(other)")
                    // Phones: everyone has the page and their own phone; auditors take no messages;
                    // only the officer or their managers answer a message or close a follow-up (LIN-7, COV-5).
                    let own = !other
                    let officer = world.north.id("practitioner")
                    #expect(try await browser.get("/phones").status == .ok, "\(role) other=\(other)")
                    #expect(
                        try await browser.get("/phones/message").status.code == (role == "auditor" ? 403 : 200),
                        "\(role) other=\(other)"
                    )
                    #expect(
                        try await browser.post("/phones/status", form: ["csrf": csrf, "desk_logged_in": "on"]).status
                            == .seeOther,
                        "\(role) other=\(other)"
                    )
                    let slip =
                        try JSONSerialization.jsonObject(with: Data(PhoneAPITests.slip.utf8)) as! [String: String]
                    var message = slip.mapValues { $0 }
                    message["csrf"] = csrf
                    message["officer"] = officer.uuidString
                    message["taken_at"] = PageController.localInput(
                        Date().addingTimeInterval(-600),
                        TimeZone(identifier: "Europe/London")!
                    )
                    message["call_back_by"] = PageController.localInput(
                        Date().addingTimeInterval(3600),
                        TimeZone(identifier: "Europe/London")!
                    )
                    let taken = try await browser.post("/phones/message", form: message)
                    #expect(
                        taken.status.code == (role == "auditor" ? 403 : own ? 303 : 422),
                        "\(role) other=\(other): \(taken.text.prefix(300))"
                    )
                    let answerer = own && ["practitioner", "manager"].contains(role)
                    let slipID = try #require(
                        try await app.send(
                            .POST,
                            "/api/v1/staff/\(officer)/messages",
                            token: world.north.token("business_support"),
                            json: PhoneAPITests.slip
                        ).json["id"] as? String
                    )
                    let answered = try await browser.post(
                        "/phones/messages/\(slipID)/response",
                        form: ["csrf": csrf, "response": "Rang back"]
                    )
                    #expect(answered.status.code == (answerer ? 303 : own ? 403 : 404), "\(role) other=\(other)")
                    let call = try await app.send(
                        .POST,
                        "/api/v1/staff/\(officer)/out-of-hours-calls",
                        token: world.north.token("practitioner"),
                        json: AccessMatrixTests.outOfHoursCall
                    )
                    let followUpID = try #require(call.json["id"] as? String)
                    let closed = try await browser.post(
                        "/phones/follow-ups/\(followUpID)/close",
                        form: ["csrf": csrf, "outcome": "responded", "note": "Rang back"]
                    )
                    #expect(closed.status.code == (answerer ? 303 : own ? 403 : 404), "\(role) other=\(other)")
                    covered.formUnion([
                        "GET /phones", "GET /phones/message", "POST /phones/status", "POST /phones/message",
                        "POST /phones/messages/*/response",
                        "POST /phones/follow-ups/*/close",
                    ])
                    // The compose page and its check: those who may change the case.
                    #expect(
                        try await browser.get("/cases/\(caseA)/compose").status.code == writeStatus,
                        "\(role) other=\(other)"
                    )
                    let draft = ["csrf": csrf, "channel": "sms", "person_id": "", "text": "See you at 4pm"]
                    for path in ["/cases/\(caseA)/compose", "/cases/\(caseA)/check"] {
                        let checked = try await browser.post(path, form: draft)
                        #expect(checked.status.code == writeStatus, "\(role) other=\(other) \(path)")
                    }
                    covered.formUnion(["GET /cases/*/compose", "POST /cases/*/compose", "POST /cases/*/check"])
                    // Imports: those who may change the case; the report: managers, the DSL, auditors.
                    #expect(
                        try await browser.get("/cases/\(caseA)/import").status.code == writeStatus,
                        "\(role) other=\(other)"
                    )
                    let sms = Multipart(
                        fields: [("csrf", csrf), ("format", "sms-backup"), ("dry_run", "on")],
                        file: ("sms.xml", try Multipart.fixture("sms-backup/sms.xml"))
                    )
                    let imported = try await browser.post(
                        "/cases/\(caseA)/import",
                        multipart: sms,
                        waitingForWork: true
                    )
                    #expect(imported.status.code == writeStatus, "\(role) other=\(other): \(imported.text.prefix(300))")
                    let reconciles = ["manager", "dsl", "auditor"].contains(role)
                    #expect(
                        try await browser.get("/reconciliation").status.code == (reconciles ? 200 : 403),
                        "\(role) other=\(other)"
                    )
                    let bill = Multipart(
                        fields: [("csrf", csrf)],
                        file: ("week.csv", try Multipart.fixture("calls/week.csv"))
                    )
                    let report = try await browser.post("/reconciliation", multipart: bill, waitingForWork: true)
                    #expect(report.status.code == (reconciles ? 200 : 403), "\(role) other=\(other)")
                    #expect(!other || !report.text.contains("North-A"), "never another organisation's cases")
                    // Their own imports and reports, each with its page and its progress.
                    let work = try await browser.get("/work")
                    #expect(work.status == .ok, "\(role) other=\(other)")
                    if let started = work.text.firstMatch(of: /href="(\/work\/[0-9A-F-]+)"/).map({ String($0.1) }) {
                        #expect(try await browser.get(started + "/progress").status == .ok, "\(role) \(started)")
                    }
                    covered.formUnion([
                        "GET /cases/*/import", "POST /cases/*/import", "GET /reconciliation", "POST /reconciliation",
                        "GET /work", "GET /work/*", "GET /work/*/progress",
                    ])
                    // Incidents: everyone has the list; anyone who may read the case but an auditor raises on
                    // it, does the reporter's step and amends; the rest are not told it exists.
                    let readsCase = own && caseRead.contains(role)
                    let raises: UInt = role == "auditor" ? 403 : readsCase ? 303 : 404
                    let acts: UInt = !readsCase ? 404 : role == "auditor" ? 403 : 303
                    #expect(try await browser.get("/incidents").status == .ok, "\(role) other=\(other)")
                    #expect(
                        try await browser.get("/incidents/new?case=\(caseA)").status.code
                            == (role == "auditor" ? 403 : 200),
                        "\(role) other=\(other)"
                    )
                    let raisedByPage = try await browser.post(
                        "/incidents",
                        form: [
                            "csrf": csrf, "kind": "abusive_contact", "case_id": caseA.uuidString,
                            "occurred_at": "2026-11-20T10:00", "summary": "Threats on the phone",
                        ]
                    )
                    #expect(
                        raisedByPage.status.code == raises,
                        "\(role) other=\(other): \(raisedByPage.text.prefix(300))"
                    )
                    func freshIncident() async throws -> (id: String, step: String) {
                        let i = try await app.send(
                            .POST,
                            "/api/v1/incidents",
                            token: world.north.token("practitioner"),
                            json: AccessMatrixTests.incident(world.north)
                        )
                        let step = (i.json["steps"] as? [[String: Any]])?.first?["id"] as? String
                        return (try #require(i.json["id"] as? String), try #require(step))
                    }
                    let incident = try await freshIncident()
                    let shown = try await browser.get("/incidents/\(incident.id)")
                    #expect(
                        shown.status.code == (readsCase ? 200 : 404),
                        "\(role) other=\(other): \(shown.text.prefix(400))"
                    )
                    let stepDone = try await browser.post(
                        "/incidents/\(incident.id)/steps/\(incident.step)",
                        form: ["csrf": csrf, "note": "Recorded with the call"]
                    )
                    #expect(stepDone.status.code == acts, "\(role) other=\(other): \(stepDone.text.prefix(300))")
                    let amended = try await browser.post(
                        "/incidents/\(incident.id)/amendments",
                        form: ["csrf": csrf, "reason": "It was the father", "summary": "Father shouting"]
                    )
                    #expect(amended.status.code == acts, "\(role) other=\(other): \(amended.text.prefix(300))")
                    covered.formUnion([
                        "GET /incidents", "GET /incidents/new", "POST /incidents", "GET /incidents/*",
                        "POST /incidents/*/steps/*", "POST /incidents/*/amendments",
                    ])
                    // The review queue: everyone has the page (empty unless they review); an item is read by
                    // the worker's managers, the DSL and auditors, and resolved by all but the auditor; the
                    // worker and the rest are not told it exists.
                    #expect(try await browser.get("/review").status == .ok, "\(role) other=\(other)")
                    let reviews = own && ["manager", "dsl", "auditor"].contains(role)
                    let item = try await AccessMatrixTests.reviewItem(app, world)
                    let reviewShown = try await browser.get("/review/\(item)")
                    #expect(
                        reviewShown.status.code == (reviews ? 200 : 404),
                        "\(role) other=\(other): \(reviewShown.text.prefix(600))"
                    )
                    let reviewed = try await browser.post(
                        "/review/\(item)",
                        form: ["csrf": csrf, "outcome": "false_positive", "reason": "Sent to the school's DSL instead"]
                    )
                    #expect(
                        reviewed.status.code == (!reviews ? 404 : role == "auditor" ? 403 : 303),
                        "\(role) other=\(other): \(reviewed.text.prefix(300))"
                    )
                    covered.formUnion(["GET /review", "GET /review/*", "POST /review/*"])
                    // Tasks: everyone has the page; a task is done by its worker, their managers or the DSL.
                    #expect(try await browser.get("/tasks").status == .ok, "\(role) other=\(other)")
                    let task = try await AccessMatrixTests.task(app, world)
                    let did = try await browser.post("/tasks/\(task)/done", form: ["csrf": csrf, "note": "Noted"])
                    #expect(
                        did.status.code == (own && ["practitioner", "manager", "dsl"].contains(role) ? 303 : 404),
                        "\(role) other=\(other)"
                    )
                    covered.formUnion(["GET /tasks", "POST /tasks/*/done"])
                    // The case's registers: read by those who read the case, kept by those who change it.
                    let writes = writeStatus == 200 ? UInt(303) : writeStatus
                    for page in ["consents", "facts", "number-sharing"] {
                        let shown = try await browser.get("/cases/\(caseA)/\(page)")
                        #expect(
                            shown.status.code == (readsCase ? 200 : 404),
                            "\(role) other=\(other) \(page): \(shown.text.prefix(400))"
                        )
                    }
                    let consent = try await browser.post(
                        "/cases/\(caseA)/consents",
                        form: [
                            "csrf": csrf, "kind": "texting_agreed", "given_by": "Child A", "reason": "Prefers texts",
                            "given_on": "2026-11-01",
                        ]
                    )
                    #expect(
                        consent.status.code == writes,
                        "\(role) other=\(other): \(consent.text.components(separatedBy: "<main").last?.prefix(700) ?? "")"
                    )
                    let consentID = try #require(
                        try await app.send(
                            .POST,
                            "/api/v1/cases/\(caseA)/consents",
                            token: world.north.token("practitioner"),
                            json:
                                #"{"kind":"texting_agreed","given_by":"Child A","reason":"x","given_on":"2026-11-01"}"#
                        ).json["id"] as? String
                    )
                    let withdrawn = try await browser.post(
                        "/cases/\(caseA)/consents/\(consentID)/withdraw",
                        form: ["csrf": csrf, "reason": "Asked for calls only"]
                    )
                    #expect(withdrawn.status.code == writes, "\(role) other=\(other): \(withdrawn.text.prefix(300))")
                    let facts = try await browser.post(
                        "/cases/\(caseA)/facts",
                        form: ["csrf": csrf, "status": "looked_after", "reason": "Checked at review"]
                    )
                    #expect(facts.status.code == writes, "\(role) other=\(other): \(facts.text.prefix(300))")
                    let shared = try await browser.post(
                        "/cases/\(caseA)/number-sharing",
                        form: [
                            "csrf": csrf, "shared": "yes", "number": "07700 900100", "reason": "For visits",
                            "decided_on": "2026-11-01",
                        ]
                    )
                    #expect(shared.status.code == writes, "\(role) other=\(other): \(shared.text.prefix(300))")
                    // A young person's phone: the same readers and writers as the case.
                    #expect(
                        try await browser.get("/cases/\(caseA)/phone").status.code == (readsCase ? 200 : 404),
                        "\(role) other=\(other)"
                    )
                    let phoneAgreed = try await browser.post(
                        "/cases/\(caseA)/phone/agreement",
                        form: [
                            "csrf": csrf, "setting": "workplace", "personal_use": "Breaks only",
                            "agreed_on": "2026-11-02",
                        ]
                    )
                    #expect(
                        phoneAgreed.status.code == writes,
                        "\(role) other=\(other): \(phoneAgreed.text.prefix(300))"
                    )
                    // Each writer hands in and gets back a phone: returned first, so it can be handed in again.
                    let handedIn = try await browser.post(
                        "/cases/\(caseA)/phone/hand-in",
                        form: ["csrf": csrf, "kept_where": "Safe"]
                    )
                    #expect(handedIn.status.code == writes, "\(role) other=\(other): \(handedIn.text.prefix(300))")
                    let openHandIn = try await YoungPeoplesPhones.register(
                        of: try #require(try await CaseFile.find(caseA, on: app.db)),
                        on: app.db
                    ).handIns.first { $0.kind == .handedIn && $0.returnedAt == nil }
                    #expect(openHandIn != nil || writes != 303, "\(role) other=\(other): a writer's phone is in")
                    // Those who may not change the case are refused before the hand-in is looked for.
                    let back = try await browser.post(
                        "/cases/\(caseA)/phone/hand-ins/\((openHandIn?.id ?? UUID()).uuidString)/return",
                        form: ["csrf": csrf]
                    )
                    #expect(back.status.code == writes, "\(role) other=\(other): \(back.text.prefix(300))")
                    covered.formUnion([
                        "GET /cases/*/phone", "POST /cases/*/phone/agreement", "POST /cases/*/phone/hand-in",
                        "POST /cases/*/phone/hand-ins/*/return",
                    ])
                    // Work devices: everyone has the list; a device's page is for its holder, the DSL,
                    // auditors and the directory's keepers, who hand it over and authorise its users.
                    #expect(try await browser.get("/devices").status == .ok, "\(role) other=\(other)")
                    let deviceID = try #require(
                        try await app.send(
                            .POST,
                            "/api/v1/devices",
                            token: world.north.token("admin"),
                            json:
                                #"{"kind":"work_mobile","address":"\#(DeviceNumbers.fresh("07700 7"))","holder_id":"\#(officer)"}"#
                        ).json["id"] as? String
                    )
                    let seesDevice =
                        own && ["practitioner", "dsl", "auditor", "admin", "business_support"].contains(role)
                    let keepsDevices = own && ["dsl", "admin", "business_support"].contains(role)
                    #expect(
                        try await browser.get("/devices/\(deviceID)").status.code
                            == (seesDevice ? 200 : own ? 403 : 404),
                        "\(role) other=\(other)"
                    )
                    let authorisedOnPage = try await browser.post(
                        "/devices/\(deviceID)/authorisations",
                        form: ["csrf": csrf, "staff_id": world.north.id("practitionerB").uuidString]
                    )
                    #expect(
                        authorisedOnPage.status.code == (keepsDevices ? 303 : own ? 403 : 404),
                        "\(role) other=\(other): \(authorisedOnPage.text.prefix(300))"
                    )
                    let authorisation = try #require(
                        try await app.send(
                            .POST,
                            "/api/v1/devices/\(deviceID)/authorisations",
                            token: world.north.token("dsl"),
                            json: #"{"staff_id":"\#(world.north.id("manager"))"}"#
                        ).json["id"] as? String
                    )
                    #expect(
                        try await browser.post(
                            "/devices/\(deviceID)/authorisations/\(authorisation)/revoke",
                            form: ["csrf": csrf]
                        ).status.code == (keepsDevices ? 303 : own ? 403 : 404),
                        "\(role) other=\(other)"
                    )
                    let personal = try await browser.post(
                        "/devices/\(deviceID)/personal-use",
                        form: ["csrf": csrf, "reason": "Rang home", "emergency": "yes"]
                    )
                    // The holder may; so may the manager, whose authorisation only a keeper could revoke.
                    #expect(
                        personal.status.code
                            == (own && ["practitioner", "manager"].contains(role) ? 303 : own ? 403 : 404),
                        "\(role) other=\(other): \(personal.text.prefix(300))"
                    )
                    let handedOver = try await browser.post(
                        "/devices/\(deviceID)/hand-over",
                        form: ["csrf": csrf, "holder_id": world.north.id("practitionerB").uuidString]
                    )
                    #expect(
                        handedOver.status.code == (keepsDevices ? 303 : own ? 403 : 404),
                        "\(role) other=\(other): \(handedOver.text.prefix(300))"
                    )
                    // Adding a device: administrators and business support only.
                    let addsDevices = ["admin", "business_support"].contains(role)
                    #expect(
                        try await browser.get("/devices/new").status.code == (addsDevices ? 200 : 403),
                        "\(role) other=\(other)"
                    )
                    let added = try await browser.post(
                        "/devices",
                        form: ["csrf": csrf, "kind": "desk_phone", "address": "not a number"]
                    )
                    #expect(added.status.code == (addsDevices ? 422 : 403), "\(role) other=\(other)")
                    covered.formUnion([
                        "GET /devices/new", "POST /devices",
                        "GET /devices", "GET /devices/*", "POST /devices/*/hand-over", "POST /devices/*/authorisations",
                        "POST /devices/*/authorisations/*/revoke", "POST /devices/*/personal-use",
                    ])
                    // PD-1.3: the practitioner's line manager or the DSL acknowledges a number they gave.
                    #expect(try await browser.get("/number-sharing").status == .ok, "\(role) other=\(other)")
                    let sharingID = try #require(
                        try await app.send(
                            .POST,
                            "/api/v1/cases/\(caseA)/number-sharing",
                            token: world.north.token("practitioner"),
                            json:
                                #"{"shared":true,"number":"07700 900100","reason":"For visits","decided_on":"2026-11-01"}"#
                        ).json["id"] as? String
                    )
                    let acknowledged = try await browser.post(
                        "/number-sharing/\(sharingID)/acknowledge",
                        form: ["csrf": csrf]
                    )
                    #expect(
                        acknowledged.status.code == (other ? 404 : ["manager", "dsl"].contains(role) ? 303 : 403),
                        "\(role) other=\(other): \(acknowledged.text.prefix(300))"
                    )
                    // The accessibility statement and privacy notice: everyone, signed in or not.
                    for path in ["/accessibility", "/privacy"] {
                        #expect(try await browser.get(path).status == .ok, "\(role) other=\(other) \(path)")
                        #expect(try await PageSession(app).get(path).status == .ok, "signed out \(path)")
                    }
                    covered.formUnion(["GET /accessibility", "GET /privacy"])
                    // The directory: everyone finds colleagues of their own organisation only, and confirms
                    // their own details (LIN-11).
                    let directory = try await browser.get("/directory")
                    #expect(directory.status == .ok, "\(role) other=\(other)")
                    #expect(!directory.text.contains(other ? "North " : "South "), "\(role) other=\(other)")
                    #expect(
                        try await browser.post("/directory/confirm", form: ["csrf": csrf]).status == .seeOther,
                        "\(role) other=\(other)"
                    )
                    covered.formUnion(["GET /directory", "POST /directory/confirm"])
                    // API tokens: everyone keeps their own; administrators see everyone's of their
                    // organisation; nobody revokes another's (or another organisation's) except them.
                    #expect(try await browser.get("/tokens").status == .ok, "\(role) other=\(other)")
                    #expect(
                        try await browser.post("/tokens", form: ["csrf": csrf, "label": "", "scope": "check"]).status
                            == .unprocessableEntity,
                        "\(role) other=\(other)"
                    )
                    #expect(
                        try await browser.get("/admin/tokens").status.code == (role == "admin" ? 200 : 403),
                        "\(role) other=\(other)"
                    )
                    let holderB = try #require(
                        try await StaffMember.find(world.north.id("practitionerB"), on: app.db)
                    )
                    let spare = try await APITokens.issue(
                        for: holderB,
                        label: "matrix",
                        context: app.auditContext(organisationID: world.north.id, actorID: holderB.id, source: "test"),
                        on: app.db
                    )
                    let spareID = try #require(
                        try await APIToken.query(on: app.db).filter(\.$tokenHash == APITokens.hash(spare)).first()?.id
                    )
                    let revokedToken = try await browser.post("/tokens/\(spareID)/revoke", form: ["csrf": csrf])
                    #expect(
                        revokedToken.status.code == (own && ["admin", "practitionerB"].contains(role) ? 303 : 404),
                        "\(role) other=\(other): \(revokedToken.text.prefix(300))"
                    )
                    covered.formUnion(["GET /tokens", "POST /tokens", "POST /tokens/*/revoke", "GET /admin/tokens"])
                    // The policy: everyone reads and acknowledges it; managers, the DSL and auditors see who has not.
                    #expect(try await browser.get("/policies").status == .ok, "\(role) other=\(other)")
                    #expect(try await browser.get("/policies/whatsapp-2020").status == .ok, "\(role) other=\(other)")
                    #expect(
                        try await browser.post(
                            "/policies/whatsapp-2020/acknowledge",
                            form: ["csrf": csrf, "version": "1"]
                        )
                        .status == .seeOther,
                        "\(role) other=\(other)"
                    )
                    #expect(
                        try await browser.get("/policies/outstanding").status.code
                            == (["manager", "dsl", "auditor"].contains(role) ? 200 : 403),
                        "\(role) other=\(other)"
                    )
                    // The audit trail: auditors and the DSL, each seeing only their own organisation's.
                    for path in ["/audit", "/audit/verify", "/audit/export.csv", "/audit/export.jsonl"] {
                        let res = try await browser.get(path)
                        #expect(res.status.code == (["dsl", "auditor"].contains(role) ? 200 : 403), "\(role) \(path)")
                        #expect(!res.body.string.contains(other ? "North" : "South"), "\(role) \(path) other=\(other)")
                    }
                    covered.formUnion([
                        "GET /audit", "GET /audit/verify", "GET /audit/export.csv", "GET /audit/export.jsonl",
                    ])
                    // Trying a changed policy: administrators only.
                    let simulate = try await browser.get("/policies/simulate")
                    #expect(simulate.status.code == (role == "admin" ? 200 : 403), "\(role)")
                    let tried = try await browser.post(
                        "/policies/simulate",
                        form: ["pack": "x", "days": "1", "csrf": csrf]
                    )
                    #expect(tried.status.code == (role == "admin" ? 422 : 403), "\(role)")
                    covered.formUnion(["GET /policies/simulate", "POST /policies/simulate"])
                    // Administration: settings and accounts for administrators; teams for business support too.
                    let isAdmin = role == "admin", keepsTeams = ["admin", "business_support"].contains(role)
                    let worker = world.north.id("practitionerB"), teamA = world.north.teamA
                    let mine = !other
                    for (method, path, form, allowed, expected) in [
                        ("GET", "/admin/settings", [String: String](), isAdmin, 200),
                        ("POST", "/admin/settings", [:], isAdmin, 422),
                        ("GET", "/admin/teams", [:], keepsTeams, 200),
                        ("POST", "/admin/teams", ["name": ""], keepsTeams, 422),
                        (
                            "POST", "/admin/teams/\(teamA)", ["hunt_group_number": "+441632960100"], keepsTeams,
                            mine ? 303 : 404
                        ),
                        ("GET", "/admin/staff", [:], isAdmin, 200),
                        ("POST", "/admin/staff", [:], isAdmin, 422),
                        ("GET", "/admin/staff/\(worker)", [:], isAdmin, mine ? 200 : 404),
                        (
                            "POST", "/admin/staff/\(worker)/roles", ["role_practitioner": "on"], isAdmin,
                            mine ? 303 : 404
                        ),
                        ("POST", "/admin/staff/\(worker)/active", ["active": "1"], isAdmin, mine ? 303 : 404),
                        ("POST", "/admin/staff/\(worker)/password", [:], isAdmin, mine ? 200 : 404),
                        ("POST", "/admin/role-grants/\(UUID())", ["decision": "approve"], isAdmin, 404),
                    ] {
                        let res =
                            method == "GET"
                            ? try await browser.get(path)
                            : try await browser.post(path, form: form.merging(["csrf": csrf]) { a, _ in a })
                        #expect(
                            res.status.code == (allowed ? expected : 403),
                            "\(role) other=\(other) \(method) \(path)"
                        )
                    }
                    // The rest of the phone pages: open to everyone signed in; what they may do is checked
                    // on each request (PhoneWorkPageTests), so empty forms are named and unknown ids not found.
                    for (method, path, expected) in [
                        ("GET", "/phones/absences", 200), ("POST", "/phones/absences", 422),
                        ("GET", "/phones/absences/\(UUID())", 404),
                        ("POST", "/phones/absences/\(UUID())/steps/LIN-13a", 404),
                        ("GET", "/phones/greeting", 200), ("POST", "/phones/greeting", 422),
                        ("GET", "/phones/voicemail", 200), ("POST", "/phones/voicemail", 422),
                    ] {
                        let res =
                            method == "GET"
                            ? try await browser.get(path) : try await browser.post(path, form: ["csrf": csrf])
                        #expect(res.status.code == expected, "\(role) other=\(other) \(method) \(path)")
                    }
                    covered.formUnion([
                        "GET /phones/absences", "POST /phones/absences", "GET /phones/absences/*",
                        "POST /phones/absences/*/steps/*", "GET /phones/greeting", "POST /phones/greeting",
                        "GET /phones/voicemail", "POST /phones/voicemail",
                    ])
                    covered.formUnion([
                        "GET /admin/settings", "POST /admin/settings", "GET /admin/teams", "POST /admin/teams",
                        "POST /admin/teams/*", "GET /admin/staff", "POST /admin/staff", "GET /admin/staff/*",
                        "POST /admin/staff/*/roles", "POST /admin/staff/*/active", "POST /admin/staff/*/password",
                        "POST /admin/role-grants/*",
                    ])
                    covered.formUnion([
                        "GET /cases/*/consents", "POST /cases/*/consents", "POST /cases/*/consents/*/withdraw",
                        "GET /cases/*/facts", "POST /cases/*/facts", "GET /cases/*/number-sharing",
                        "POST /cases/*/number-sharing", "GET /number-sharing", "POST /number-sharing/*/acknowledge",
                        "GET /policies", "GET /policies/*", "POST /policies/*/acknowledge", "GET /policies/outstanding",
                    ])
                    // Their own account: everyone; signing out everywhere ends this session with the rest.
                    #expect(try await browser.get("/account").status == .ok, "\(role) other=\(other)")
                    let second = PageSession(app)
                    try await second.signIn(org.staff[role]!.email)
                    let everywhere = try await browser.post("/account/sign-out-everywhere", form: ["csrf": csrf])
                    #expect(everywhere.status == .seeOther, "\(role) other=\(other)")
                    #expect(try await second.get("/cases").status == .seeOther, "\(role): the other session ended too")
                    covered.formUnion(["GET /account", "POST /account/sign-out-everywhere"])
                    // Setting up an authenticator: everyone, for themself; resetting one: administrators, of
                    // their own organisation (this worker has none to reset). The code page needs a password first.
                    try await browser.signIn(org.staff[role]!.email)
                    let mineCSRF = browser.csrf(from: try await browser.get("/cases")) ?? ""
                    #expect(try await browser.get("/account/authenticator").status == .ok, "\(role)")
                    #expect(
                        try await browser.post("/account/authenticator", form: ["csrf": mineCSRF, "code": "1"]).status
                            == .unprocessableEntity,
                        "\(role)"
                    )
                    let resetFactor = try await browser.post(
                        "/admin/staff/\(worker)/authenticator",
                        form: ["csrf": mineCSRF]
                    )
                    #expect(resetFactor.status.code == (isAdmin ? (mine ? 409 : 404) : 403), "\(role) other=\(other)")
                    let stranger = PageSession(app)
                    #expect(try await stranger.get("/login/code").headers.first(name: .location) == "/login")
                    let strangerCSRF = stranger.csrf(from: try await stranger.get("/login")) ?? ""
                    let guessed = try await stranger.post(
                        "/login/code",
                        form: ["csrf": strangerCSRF, "code": "123456"]
                    )
                    #expect(guessed.headers.first(name: .location) == "/login")
                    #expect(try await stranger.get("/login/authenticator").headers.first(name: .location) == "/login")
                    let planted = try await stranger.post(
                        "/login/authenticator",
                        form: ["csrf": strangerCSRF, "code": "123456"]
                    )
                    #expect(planted.headers.first(name: .location) == "/login")
                    // No identity provider is configured here: its sign-in is not there to start or answer
                    // (`SingleSignOnPageTests` signs in through one).
                    #expect(try await stranger.get("/auth/oidc/start").status == .notFound)
                    #expect(try await stranger.get("/auth/oidc/callback?code=x&state=y").status == .notFound)
                    covered.formUnion(["GET /auth/oidc/start", "GET /auth/oidc/callback"])
                    covered.formUnion([
                        "GET /account/authenticator", "POST /account/authenticator",
                        "POST /admin/staff/*/authenticator",
                        "GET /login/code", "POST /login/code", "GET /login/authenticator", "POST /login/authenticator",
                    ])
                    try await browser.signIn(org.staff[role]!.email)
                    let afterCSRF = browser.csrf(from: try await browser.get("/cases")) ?? ""
                    let out = try await browser.post("/logout", form: ["csrf": afterCSRF])
                    #expect(out.status == .seeOther)
                    #expect(try await browser.get("/cases").status == .seeOther, "signed out")
                    covered.formUnion([
                        "GET /", "GET /login", "POST /login", "GET /cases", "GET /cases/*", "GET /cases/*/record",
                        "POST /cases/*/record", "POST /logout",
                    ])
                }
            }
            #expect(covered.isSuperset(of: pageRoutes), "page routes not covered: \(pageRoutes.subtracting(covered))")
            #expect(
                try await CommunicationRecord.query(on: app.db).filter(\.$source == "web").count() == caseWrite.count
            )
        }
    }

    /// LIN-9, LIN-10, LIN-7 through the plain pages: business support takes a message; the officer sees it
    /// as urgent on their phones page, with where their calls go, and records the response.
    @Test(arguments: Backend.available)
    func takeAndAnswerAMessageThroughThePages(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let support = PageSession(app)
            try await support.signIn(world.north.staff["business_support"]!.email)
            let form = try await support.get("/phones/message")
            #expect(form.status == .ok && form.text.contains(world.north.staff["practitioner"]!.id.uuidString))
            #expect(
                form.text.firstMatch(
                    of: /id="taken_at" name="taken_at" type="datetime-local" value="\d{4}-\d\d-\d\dT\d\d:\d\d"/
                ) != nil,
                "taken now, unless changed"
            )
            let csrf = try #require(support.csrf(from: form))
            let officer = world.north.id("practitioner").uuidString
            // Everything missing: each part of LIN-9 is named, linked to its field; nothing is saved.
            let bad = try await support.post(
                "/phones/message",
                form: ["csrf": csrf, "officer": officer, "taken_at": "", "call_back_by": "not a time"]
            )
            #expect(bad.status == .unprocessableEntity)
            for (field, clause) in [
                ("taken_at", "LIN-9a"), ("caller_name", "LIN-9b"), ("caller_from", "LIN-9c"),
                ("return_number", "LIN-9d"), ("reason", "LIN-9e"),
            ] {
                #expect(bad.text.contains("href=\"#\(field)\"") && bad.text.contains("(\(clause))"), "\(field)")
            }
            #expect(bad.text.contains("Enter the call-back time promised as a date and time"))
            #expect(bad.text.contains(#"value="not a time""#), "what was typed is kept")
            #expect(try await MessageSlipRecord.query(on: app.db).count() == 0)
            let london = TimeZone(identifier: "Europe/London")!
            let good = try await support.post(
                "/phones/message",
                form: [
                    "csrf": csrf, "officer": officer,
                    "taken_at": PageController.localInput(Date().addingTimeInterval(-300), london),
                    "caller_name": "Jo Price",
                    "caller_from": "Oakdale Primary School", "return_number": "01202 123456", "reason": "Attendance",
                    "call_back_by": PageController.localInput(Date().addingTimeInterval(7200), london),
                ]
            )
            #expect(good.status == .seeOther && good.headers.first(name: .location) == "/phones?done=taken")
            #expect(try await Notification.query(on: app.db).count() == 1, "LIN-10: the urgent e-mail is in the outbox")

            let worker = PageSession(app)
            try await worker.signIn(world.north.staff["practitioner"]!.email)
            let phones = try await worker.get("/phones")
            #expect(
                phones.status == .ok && phones.text.contains("Urgent") && phones.text.contains("Jo Price")
                    && phones.text.contains("Oakdale Primary School")
            )
            #expect(phones.text.contains("id=\"route\""), "where calls to them go")
            let id = try #require(try await MessageSlipRecord.query(on: app.db).first()?.id)
            let empty = try await worker.post(
                "/phones/messages/\(id)/response",
                form: ["csrf": try #require(worker.csrf(from: phones)), "response": " "]
            )
            #expect(empty.status == .unprocessableEntity && empty.text.contains("Response is required"))
            let answered = try await worker.post(
                "/phones/messages/\(id)/response",
                form: ["csrf": try #require(worker.csrf(from: phones)), "response": "Rang Jo back"]
            )
            #expect(answered.status == .seeOther)
            let after = try await worker.get("/phones?done=response")
            #expect(
                after.text.contains("No messages are waiting for you.")
                    && after.text.contains("Your response was recorded.")
            )
        }
    }
}
