import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SafeCommsCore
import SafeCommsStore
import Testing
import Vapor

@testable import SafeCommsServer

/// A whole team at once, over real HTTP: sixteen signed-in people of every role reading case lists and
/// chronologies, recording contacts through the page form and the API, and asking for checks, all at
/// the same time. No answer may be a server error, and every write that was acknowledged must be in
/// the store afterwards, once, with the audit chain intact.
@Suite struct ConcurrentUseTests {
    static let sessions = 16
    static let requestsPerSession = 30

    @Test(arguments: Backend.available)
    func sixteenPeopleAtOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let base = try await LoopbackServer.start(app)
            let people: [(World.Org, String)] = [world.north, world.south].flatMap { org in
                ["practitioner", "practitionerB", "manager", "dsl", "auditor", "practitioner", "practitionerB", "dsl"]
                    .map { (org, $0) }
            }
            #expect(people.count == Self.sessions)
            let outcome = Outcome()
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (n, (org, role)) in people.enumerated() {
                        group.addTask {
                            let client = HTTPSession(app: app, base: base)
                            try await Self.work(client, org: org, role: role, session: n, outcome: outcome)
                        }
                    }
                    try await group.waitForAll()
                }
            } catch {
                // The server is stopped whatever happened, so that the failure is reported rather than
                // ending the test process (Vapor asserts that a server is shut down before it is freed).
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
            let result = outcome.snapshot
            #expect(result.serverErrors == [], "answers of 500 and above: \(result.serverErrors)")
            #expect(result.unexpected == [], "answers other than expected: \(result.unexpected)")
            #expect(result.requests >= Self.sessions * Self.requestsPerSession)
            // Every acknowledged write is in the store, once.
            #expect(result.acknowledged.count > 50)
            let sql = app.db as! any SQLDatabase
            // Transcripts are sealed at rest, so they are counted once opened.
            let stored = try await CommunicationRecord.query(on: app.db).all().compactMap(\.transcript)
            let counts = Dictionary(stored.map { ($0, 1) }, uniquingKeysWith: +)
            for marker in result.acknowledged {
                #expect(counts[marker] == 1, "\(marker)")
            }
            // Every page view of a chronology was audited, and the chain is whole.
            let views = try await sql.raw(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'chronology.read' AND detail LIKE '%(web)'"
            ).first()
            #expect(try views?.decode(column: "n", as: Int.self) == result.chronologyViews)
            let verified = try await AuditLog.verify(on: app.db, key: app.auditKey)
            #expect(verified.links > result.requests)
        }
    }

    /// Eight people correcting the same record at once: corrections form a line, so exactly one is
    /// kept and the other seven are told it was corrected already (409), never a server error.
    @Test(arguments: Backend.available)
    func oneCorrectionOfARecordAtOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let path = "/api/v1/cases/\(world.north.caseA)/communications"
            let json =
                #"{"channel":"sms","direction":"outgoing","occurred_at":"2026-11-20T10:15:00Z","transcript":"See you Thursday"}"#
            let original = try await app.send(.POST, path, token: world.north.token("practitioner"), json: json)
            let id = try #require(original.json["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for who in ["practitioner", "dsl", "practitioner", "dsl", "practitioner", "dsl", "practitioner", "dsl"]
                {
                    group.addTask {
                        try await app.send(
                            .POST,
                            "\(path)/\(id)/corrections",
                            token: world.north.token(who),
                            json: json
                        ).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == 7, "\(statuses)")
            let sql = app.db as! any SQLDatabase
            let corrections = try await sql.raw(
                "SELECT COUNT(*) AS n FROM communications WHERE corrects_id IS NOT NULL"
            ).first()
            #expect(try corrections?.decode(column: "n", as: Int.self) == 1)
        }
    }

    /// One person's share: sign in through the form, then a fixed mix of pages and API calls.
    static func work(_ client: HTTPSession, org: World.Org, role: String, session: Int, outcome: Outcome) async throws {
        let me = org.staff[role]!
        try outcome.expect(try await client.signIn(me.email), [.seeOther], "sign-in")
        let writer = role.hasPrefix("practitioner")
        let ownCase = role == "practitionerB" ? org.caseB : org.caseA
        var csrf = ""
        if writer {
            let form = try await client.get("/cases/\(ownCase)/record")
            try outcome.expect(form, [.ok], "record form")
            csrf = form.csrf ?? ""
        }
        for i in 0..<requestsPerSession {
            let marker = "concurrent \(session)-\(i) \(UUID().uuidString.prefix(6))"
            switch (i % 6, writer) {
            case (0, _):
                try outcome.expect(try await client.get("/cases"), [.ok], "case list")
            case (1, _), (4, false):
                let res = try await client.get("/cases/\(ownCase)")
                try outcome.expect(res, [.ok], "chronology page")
                outcome.viewedChronology()
            case (2, true):
                let res = try await client.post(
                    "/cases/\(ownCase)/record",
                    form: [
                        "csrf": csrf, "channel": "phone_call", "direction": "outgoing",
                        "occurred_at": "2026-11-20T10:15", "transcript": marker,
                    ]
                )
                try outcome.expect(res, [.seeOther], "record form post")
                if res.status == .seeOther { outcome.acknowledge(marker) }
            case (3, _):
                let res = try await client.send(
                    .POST,
                    "/api/v1/checks",
                    token: me.token,
                    json:
                        #"{"channel":"sms","device":{"kind":"work_mobile"},"recipient":{"role":"parent_carer"},"text":"See you on Thursday at 4pm"}"#
                )
                try outcome.expect(res, [.ok], "check")
            case (4, true):
                let json =
                    #"{"channel":"sms","direction":"outgoing","occurred_at":"2026-11-20T10:15:00Z","transcript":"\#(marker)"}"#
                let res = try await client.send(
                    .POST,
                    "/api/v1/cases/\(ownCase)/communications",
                    token: me.token,
                    json: json
                )
                try outcome.expect(res, [.created], "API record")
                if res.status == .created { outcome.acknowledge(marker) }
            default:
                try outcome.expect(
                    try await client.send(.GET, "/api/v1/cases/\(ownCase)/communications", token: me.token),
                    [.ok],
                    "API chronology"
                )
            }
        }
    }

    /// What every session saw, gathered across tasks.
    final class Outcome: Sendable {
        struct Counts: Sendable {
            var requests = 0
            var serverErrors: [String] = []
            var unexpected: [String] = []
            var acknowledged: [String] = []
            var chronologyViews = 0
        }
        private let state = NIOLockedValueBox(Counts())

        func expect(_ res: HTTPSession.Answer, _ allowed: Set<HTTPStatus>, _ what: String) throws {
            state.withLockedValue { s in
                s.requests += 1
                if res.status.code >= 500 {
                    s.serverErrors.append("\(what): \(res.status.code) \(res.body.prefix(200))")
                } else if !allowed.contains(res.status) {
                    s.unexpected.append("\(what): \(res.status.code) \(res.body.prefix(200))")
                }
            }
        }

        func acknowledge(_ marker: String) { state.withLockedValue { $0.acknowledged.append(marker) } }
        func viewedChronology() { state.withLockedValue { $0.chronologyViews += 1 } }
        var snapshot: Counts { state.withLockedValue { $0 } }
    }
}

/// The application served on a loopback port, as `safecomms serve` serves it.
enum LoopbackServer {
    /// Starts the server on a free port and returns its address.
    static func start(_ app: Application) async throws -> String {
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        // Answers are read as they come: a redirect after a form is what is being tested.
        app.http.client.configuration.redirectConfiguration = .disallow
        // Each person on a connection of their own, as each has a browser: the client's default of
        // eight per host made the others queue for one, and on a loaded machine give up after ten seconds.
        app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        return "http://127.0.0.1:\(port)"
    }
}

/// A browser's share of HTTP over a real connection: keeps its cookies, reads CSRF fields.
final class HTTPSession: @unchecked Sendable {
    struct Answer: Sendable {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var body: String
        var csrf: String? { body.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) } }
    }

    let app: Application
    let base: String
    private var jar = CookieJar()

    init(app: Application, base: String) {
        self.app = app
        self.base = base
    }

    /// The same signed-in person reaching another server (as behind a load balancer).
    init(app: Application, base: String, sharing other: HTTPSession) {
        self.app = app
        self.base = base
        jar = other.jar
    }

    func get(_ path: String) async throws -> Answer { try await request(.GET, path, headers: [:], body: nil) }

    func post(_ path: String, form: [String: String]) async throws -> Answer {
        let encoded = form.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await request(
            .POST,
            path,
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: encoded
        )
    }

    /// An API call with a bearer token (no cookie).
    func send(_ method: HTTPMethod, _ path: String, token: String, json: String? = nil) async throws -> Answer {
        var headers = HTTPHeaders.bearer(token)
        if json == nil { headers.remove(name: .contentType) }
        return try await request(method, path, headers: headers, body: json, withCookie: false)
    }

    func signIn(_ email: String, _ password: String = World.password) async throws -> Answer {
        let form = try await get("/login")
        return try await post("/login", form: ["email": email, "password": password, "csrf": form.csrf ?? ""])
    }

    private func request(
        _ method: HTTPMethod,
        _ path: String,
        headers: HTTPHeaders,
        body: String?,
        withCookie: Bool = true
    ) async throws -> Answer {
        var headers = headers
        if withCookie, let cookies = jar.header { headers.add(name: .cookie, value: cookies) }
        let res = try await app.client.send(method, headers: headers, to: URI(string: base + path)) { req in
            if let body { req.body = ByteBuffer(string: body) }
        }
        if withCookie { jar.take(res.headers) }
        return Answer(status: res.status, headers: res.headers, body: res.body.map { String(buffer: $0) } ?? "")
    }
}
