import FluentKit
import Foundation
import SQLKit
import SafeCommsCore
import SafeCommsStore

/// The databases the store tests run on: always a SQLite file, and a real PostgreSQL server when
/// `DATABASE_URL` is set (`.ci/run` starts one).
enum TestBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [TestBackend] {
        ProcessInfo.processInfo.environment["DATABASE_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var description: String { rawValue }

    /// A fresh, empty, migrated store: a new SQLite file, or a new PostgreSQL schema, dropped afterwards.
    func withStore<T>(
        serializable: Bool = false,
        poolTimeoutSeconds: Int64 = 120,
        connectionsPerLoop: Int = 1,
        _ body: (StoreDatabase) async throws -> T
    ) async throws -> T {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let location: StoreLocation
        var directory: String?
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safecomms-store-\(tag)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            directory = dir
            location = .sqlite(path: dir + "/test.sqlite")
        case .postgres:
            location = .postgres(
                url: ProcessInfo.processInfo.environment["DATABASE_URL"]!,
                schema: "store_\(tag)",
                serializable: serializable
            )
        }
        // Forty writers on two connections wait their turn for one; in `swift test` every suite runs at
        // once and CPU-bound ones (the analysers' hostile-input tests) starve the two threads that would
        // run them, so a wait can pass the 10 s a server allows (seen in CI). The tests are about what is
        // written, not how fast.
        let store = try StoreDatabase(
            location,
            poolTimeoutSeconds: poolTimeoutSeconds,
            connectionsPerLoop: connectionsPerLoop
        )
        do {
            try await store.migrate()
            let value = try await body(store)
            try await store.dropSchema()
            await store.shutdown()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
            return value
        } catch {
            try? await store.dropSchema()
            await store.shutdown()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
    }
}

/// One organisation, a team, a practitioner and a case, the least a communication record needs.
struct StoreWorld {
    let org: Organisation
    let team: Team
    let staff: StaffMember
    let caseFile: CaseFile

    static func make(on db: any Database, name: String = "Test Council") async throws -> StoreWorld {
        let org = Organisation(id: UUID(), name: name)
        try await org.create(on: db)
        let team = Team(id: UUID(), organisationID: org.id!, name: "Team A")
        try await team.create(on: db)
        let staff = StaffMember(
            id: UUID(),
            organisationID: org.id!,
            teamID: team.id,
            name: "Pat Worker",
            email: "pat.\(UUID().uuidString.prefix(6))@example.org",
            passwordHash: "x",
            roles: [.practitioner]
        )
        try await staff.create(on: db)
        let c = CaseFile(
            id: UUID(),
            organisationID: org.id!,
            teamID: team.id,
            keyWorkerID: staff.id,
            reference: "C-1",
            displayName: "A. B.",
            status: .lookedAfter,
            openedOn: "2026-01-05"
        )
        try await c.create(on: db)
        return StoreWorld(org: org, team: team, staff: staff, caseFile: c)
    }

    static let key = AuditKey(bytes: Array(repeating: 7, count: 32))
    var context: AuditContext { AuditContext(organisationID: org.id, actorID: staff.id, source: "test", key: Self.key) }

    func record(
        at date: Date,
        channel: Channel = .sms,
        direction: Direction = .outgoing,
        significant: Bool = false,
        naturalKey: String? = nil
    ) -> CommunicationRow {
        let draft = CommunicationDraft(
            channel: channel,
            direction: direction,
            occurredAt: date,
            transcript: channel.isWritten ? "See you Thursday" : nil,
            summary: channel.isWritten ? nil : "Talked about school",
            significant: significant
        )
        return CommunicationRepository.makeRecord(
            draft,
            organisationID: org.id!,
            caseID: caseFile.id!,
            staffID: staff.id!,
            deviceID: nil,
            personID: nil,
            settings: org.settings,
            recordedAt: date.addingTimeInterval(600),
            source: "test",
            naturalKey: naturalKey
        )
    }
}

func iso(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
