import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SafeCommsCore
import SafeCommsStore
import Testing
import Vapor

@testable import SafeCommsServer

/// Two `safecomms serve` processes on one PostgreSQL database, as behind a council's load balancer:
/// people signed in on one are served by the other, both write at once, and afterwards every
/// acknowledged write is there once and the audit chain they both appended to is whole. Once at
/// PostgreSQL's default isolation, and once at SERIALIZABLE, as the distributed engines run.
@Suite(.serialized) struct TwoServersTests {
    static let writers = 8
    static let rounds = 24

    @Test(.enabled(if: Backend.available.contains(.postgres)), arguments: ["read_committed", "serializable"])
    func twoProcessesOneDatabase(isolation: String) async throws {
        let keyHex = String(repeating: "5a", count: 32)
        try await withTestApp(.postgres, config: { $0.auditKeyHex = keyHex }) { app in
            let world = try await World.make(app)
            let config = app.safeCommsConfig
            let servers = try [
                ServeProcess(config: config, keyHex: keyHex, isolation: isolation),
                ServeProcess(config: config, keyHex: keyHex, isolation: isolation),
            ]
            defer { for s in servers { s.stop() } }
            // Answers are read as they come: a redirect after a form is what is being tested.
            app.http.client.configuration.redirectConfiguration = .disallow
            for s in servers { try await s.waitUntilReady(app) }

            let people: [(World.Org, String)] = [world.north, world.south].flatMap { org in
                ["practitioner", "practitionerB", "practitioner", "practitionerB"].map { (org, $0) }
            }
            let outcome = ConcurrentUseTests.Outcome()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (n, (org, role)) in people.enumerated() {
                    group.addTask {
                        try await Self.work(app, servers, org: org, role: role, writer: n, outcome: outcome)
                    }
                }
                try await group.waitForAll()
            }
            for s in servers { s.stop() }
            let result = outcome.snapshot
            #expect(result.serverErrors == [], "answers of 500 and above: \(result.serverErrors)")
            #expect(result.unexpected == [], "answers other than expected: \(result.unexpected)")
            #expect(result.acknowledged.count == Self.writers * Self.rounds * 2 / 3)
            // Transcripts are sealed at rest, so they are counted once opened.
            let stored = try await CommunicationRecord.query(on: app.db).all().compactMap(\.transcript)
            let counts = Dictionary(stored.map { ($0, 1) }, uniquingKeysWith: +)
            for marker in result.acknowledged {
                #expect(counts[marker] == 1, "\(marker)")
            }
            let verified = try await AuditLog.verify(on: app.db, key: app.auditKey)
            #expect(verified.links > result.requests)
        }
    }

    /// One writer: signed in through the form on the first server, then recording by form and API and
    /// reading, alternately on each server with the same session.
    static func work(
        _ app: Application,
        _ servers: [ServeProcess],
        org: World.Org,
        role: String,
        writer: Int,
        outcome: ConcurrentUseTests.Outcome
    ) async throws {
        let me = org.staff[role]!
        let ownCase = role == "practitionerB" ? org.caseB : org.caseA
        let browser = HTTPSession(app: app, base: servers[0].base)
        try outcome.expect(try await browser.signIn(me.email), [.seeOther], "sign-in")
        let form = try await browser.get("/cases/\(ownCase)/record")
        try outcome.expect(form, [.ok], "record form")
        let csrf = form.csrf ?? ""
        for i in 0..<rounds {
            let server = servers[(writer + i) % servers.count]
            let client = HTTPSession(app: app, base: server.base, sharing: browser)
            let marker = "two servers \(writer)-\(i) \(UUID().uuidString.prefix(6))"
            switch i % 3 {
            case 0:
                let res = try await client.post(
                    "/cases/\(ownCase)/record",
                    form: [
                        "csrf": csrf, "channel": "phone_call", "direction": "outgoing",
                        "occurred_at": "2026-11-20T10:15", "transcript": marker,
                    ]
                )
                try outcome.expect(res, [.seeOther], "record form post")
                if res.status == .seeOther { outcome.acknowledge(marker) }
            case 1:
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
                try outcome.expect(try await client.get("/cases/\(ownCase)"), [.ok], "chronology page")
                try outcome.expect(
                    try await client.send(
                        .POST,
                        "/api/v1/checks",
                        token: me.token,
                        json: #"{"channel":"sms","text":"See you Thursday"}"#
                    ),
                    [.ok],
                    "check"
                )
            }
        }
    }
}

/// `safecomms serve` as its own process, on a free loopback port, sharing the test's PostgreSQL schema
/// and audit key.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let log: URL
    var base: String { "http://127.0.0.1:\(port)" }

    init(config: ServerConfig, keyHex: String?, isolation: String, extra: [String: String] = [:]) throws {
        port = try Self.freePort()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("safecomms-serve-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = CLITests.binary
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = config.databaseURL
        env["SAFECOMMS_PG_SCHEMA"] = config.postgresSchema
        env["SAFECOMMS_PG_ISOLATION"] = isolation
        env["SAFECOMMS_AUDIT_KEY"] = keyHex
        env["SAFECOMMS_DATA_KEY_FILE"] = config.dataKeyFile
        env["SAFECOMMS_DATA"] = config.dataDirectory
        env["LOG_LEVEL"] = "warning"
        env["SAFECOMMS_SECOND_FACTOR"] = config.requireSecondFactor ? "required" : "offered"
        env.merge(extra) { _, new in new }
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func waitUntilReady(_ app: Application) async throws {
        for _ in 0..<300 {
            if let res = try? await app.client.get(URI(string: base + "/readyz")), res.status == .ok { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        Issue.record("server on \(port) did not become ready: \(text.suffix(2000))")
        throw CancellationError()
    }

    /// SIGKILL: the process stops where it is, as in a power cut or the OOM killer.
    func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A port nobody listens on now: bound, read and released.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard bound else { throw CancellationError() }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
