import Fluent
import Foundation
import SQLKit
import SafeCommsCore
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// The databases the API tests run on: always SQLite, and PostgreSQL when `DATABASE_URL` is set.
enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [Backend] {
        ProcessInfo.processInfo.environment["DATABASE_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var description: String { rawValue }
}

/// Builds the application exactly as `safecomms serve` does (same `configure`), on a fresh SQLite
/// file or PostgreSQL schema, runs `body`, and removes the database afterwards.
func withTestApp<T>(
    _ backend: Backend,
    config adjust: (inout ServerConfig) -> Void = { _ in },
    _ body: (Application) async throws -> T
) async throws -> T {
    let tag = UUID().uuidString.prefix(8).lowercased()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safecomms-api-\(tag)").path
    var config = ServerConfig(dataDirectory: dir, bcryptCost: 4)
    // One data key for every application in the test process: the key that seals is the process's,
    // and servers started as their own processes must open what the tests wrote.
    config.dataKeyFile = sharedDataKeyFile
    // The suite runs dozens of servers at once on two cores: a query may wait for a connection longer
    // than a real server's requests would, without anything being wrong.
    config.poolTimeoutSeconds = 60
    // The suites sign the same people in many times a minute, and an authenticator's code signs in
    // once: the second factor is offered here, and its own tests require it.
    config.requireSecondFactor = false
    if backend == .postgres {
        config.databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"]
        config.postgresSchema = "api_\(tag)"
    }
    adjust(&config)
    let app = try await Application.make(.testing)
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    app.logger = logger
    do {
        try await configure(app, config)
        try await migrateStore(app)
        let value = try await body(app)
        try await cleanUp(app, config, dir)
        return value
    } catch {
        try? await cleanUp(app, config, dir)
        throw error
    }
}

let sharedDataKeyFile = FileManager.default.temporaryDirectory.appendingPathComponent(
    "safecomms-tests-\(UUID().uuidString.prefix(8)).key"
).path

private func cleanUp(_ app: Application, _ config: ServerConfig, _ dir: String) async throws {
    if let schema = config.postgresSchema {
        // The application's background loops (outbox, sender, chaser) still run until it shuts down;
        // PostgreSQL may pick the DROP as the victim of a deadlock with one of their queries.
        for attempt in 1...5 {
            do {
                try await (app.db as! any SQLDatabase).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
                break
            } catch  where attempt < 5 {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: dir)
}

/// Two organisations, each with two teams, staff in every role, a case per team and a token per person.
struct World: Sendable {
    struct Org: Sendable {
        let id: UUID
        let teamA: UUID, teamB: UUID
        /// Role name → (staff id, bearer token). `practitioner` works in team A, is key worker of
        /// `caseA` and has `manager` as line manager; `practitionerB` works in team B; `manager`
        /// manages team A only.
        let staff: [String: (id: UUID, token: String, email: String)]
        let caseA: UUID, caseB: UUID
        let personA: UUID

        func token(_ who: String) -> String { staff[who]!.token }
        func id(_ who: String) -> UUID { staff[who]!.id }
    }

    let north: Org
    let south: Org

    static let password = "correct horse battery"

    static func make(_ app: Application) async throws -> World {
        World(north: try await makeOrg(app, "North"), south: try await makeOrg(app, "South"))
    }

    static let roles: [(String, Set<Role>, String?)] = [
        ("practitioner", [.practitioner], "A"), ("practitionerB", [.practitioner], "B"), ("manager", [.manager], "A"),
        ("dsl", [.dsl], nil), ("business_support", [.businessSupport], "A"), ("admin", [.admin], nil),
        ("auditor", [.auditor], nil),
    ]

    private static func makeOrg(_ app: Application, _ name: String) async throws -> Org {
        let db = app.db
        let org = Organisation(id: UUID(), name: "\(name) Council")
        try await org.create(on: db)
        let teamA = Team(id: UUID(), organisationID: org.id!, name: "Team A", huntGroupNumber: "+441632960100")
        let teamB = Team(id: UUID(), organisationID: org.id!, name: "Team B")
        try await teamA.create(on: db)
        try await teamB.create(on: db)
        let hash = try Bcrypt.hash(password, cost: 4)
        var staff: [String: (id: UUID, token: String, email: String)] = [:]
        for (key, roles, team) in roles {
            let email = "\(key)@\(name.lowercased()).example.org"
            let s = StaffMember(
                id: UUID(),
                organisationID: org.id!,
                teamID: team == "A" ? teamA.id : team == "B" ? teamB.id : nil,
                name: "\(name) \(key)",
                email: email,
                passwordHash: hash,
                roles: roles
            )
            try await s.create(on: db)
            let token = try await APITokens.issue(
                for: s,
                label: "test",
                context: app.auditContext(organisationID: org.id, actorID: s.id, source: "test"),
                on: db
            )
            staff[key] = (s.id!, token, email)
        }
        teamA.managerID = staff["manager"]!.id
        try await teamA.save(on: db)
        // The practitioner's line manager is their team's manager (PD-1.3 tells them of numbers shared).
        if let worker = try await StaffMember.find(staff["practitioner"]!.id, on: db) {
            worker.lineManagerID = staff["manager"]!.id
            try await worker.save(on: db)
        }
        let caseA = CaseFile(
            id: UUID(),
            organisationID: org.id!,
            teamID: teamA.id,
            keyWorkerID: staff["practitioner"]!.id,
            reference: "\(name)-A",
            displayName: "Child A",
            status: .lookedAfter,
            openedOn: "2026-01-10"
        )
        let caseB = CaseFile(
            id: UUID(),
            organisationID: org.id!,
            teamID: teamB.id,
            keyWorkerID: staff["practitionerB"]!.id,
            reference: "\(name)-B",
            displayName: "Child B",
            status: .childInNeed,
            openedOn: "2026-02-10"
        )
        try await caseA.create(on: db)
        try await caseB.create(on: db)
        let person = CasePerson(
            id: UUID(),
            organisationID: org.id!,
            caseID: caseA.id!,
            role: "child",
            name: "Child A Full",
            phone: "+447700900001"
        )
        try await person.create(on: db)
        return Org(
            id: org.id!,
            teamA: teamA.id!,
            teamB: teamB.id!,
            staff: staff,
            caseA: caseA.id!,
            caseB: caseB.id!,
            personA: person.id!
        )
    }
}

extension HTTPHeaders {
    static func bearer(_ token: String) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.bearerAuthorization = BearerAuthorization(token: token)
        h.contentType = .json
        return h
    }
}

extension Application {
    /// Sends a JSON request with a bearer token.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        token: String?,
        json: String? = nil
    ) async throws -> TestingHTTPResponse {
        var headers = token.map { HTTPHeaders.bearer($0) } ?? ["Content-Type": "application/json"]
        if json == nil { headers.remove(name: .contentType) }
        return try await testing().sendRequest(
            method,
            path,
            headers: headers,
            body: json.map { ByteBuffer(string: $0) }
        )
    }
}

extension TestingHTTPResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
    }
    var text: String { String(buffer: body) }
}
