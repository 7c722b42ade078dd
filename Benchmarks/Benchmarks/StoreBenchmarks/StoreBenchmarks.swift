import Benchmark
import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsStore

#if canImport(Glibc)
import Glibc
#endif

/// The figures issue 2 asks for, on a real SQLite file (the default store):
/// - inserting 100,000 communication records in batches, each with its audit event;
/// - reading one 50-record chronology page from a store of 1,000,000 records.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Insert 100,000 communication records (SQLite, batched, audited)",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(300), maxIterations: 5)
    ) { benchmark in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-bench-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StoreDatabase(.sqlite(path: dir + "/insert.sqlite"))
        try await store.migrate()
        let world = try await BenchWorld.make(on: store.db, cases: 100)
        let records = world.records(count: 100_000, startingAt: 0)
        // Flush the page cache's dirty pages (the previous iteration's 100 MB file) before measuring,
        // so an iteration pays for its own writes and not for the last one's.
        sync()
        benchmark.startMeasurement()
        for start in stride(from: 0, to: records.count, by: BenchWorld.batch) {
            try await CommunicationRepository.insert(
                Array(records[start..<min(start + BenchWorld.batch, records.count)]),
                world.context,
                on: store.db
            )
        }
        benchmark.stopMeasurement()
        await store.shutdown()
    }

    Benchmark(
        "Chronology page of 50 from 1,000,000 records (SQLite)",
        configuration: .init(
            metrics: [.wallClock],
            maxDuration: .seconds(30),
            maxIterations: 3_000,
            setup: { try await ChronologyStore.shared.prepare() }
        )
    ) { benchmark in
        let store = try await ChronologyStore.shared.prepare()
        for _ in benchmark.scaledIterations { try await readRandomPage(store, audited: false) }
    }

    Benchmark(
        "Chronology page of 50 from 1,000,000 records, with its audit event (SQLite)",
        configuration: .init(
            metrics: [.wallClock],
            maxDuration: .seconds(30),
            maxIterations: 3_000,
            setup: { try await ChronologyStore.shared.prepare() }
        )
    ) { benchmark in
        let store = try await ChronologyStore.shared.prepare()
        for _ in benchmark.scaledIterations { try await readRandomPage(store, audited: true) }
    }
}

/// One chronology page of a random case; `audited` also appends the read to the chain, as the API does.
func readRandomPage(_ store: ChronologyStore.Ready, audited: Bool) async throws {
    let c = store.world.cases.randomElement()!
    let page = try await CommunicationRepository.chronology(
        caseID: c,
        organisationID: store.world.organisationID,
        filter: .init(),
        page: 1,
        per: 50,
        on: store.database.db
    )
    if audited {
        try await AuditLog.record(
            [
                AuditEntry(
                    action: "chronology.read",
                    entity: "case",
                    entityID: c.uuidString,
                    caseID: c,
                    detail: "page 1"
                )
            ],
            store.world.context,
            on: store.database.db
        )
    }
    blackHole(page.records.count)
}

/// A case load to insert into: one organisation, one team, one worker and `cases` cases.
struct BenchWorld: Sendable {
    static let batch = 10_000
    let organisationID: UUID
    let staffID: UUID
    let cases: [UUID]
    let settings = OrganisationSettings.standard

    static let key = AuditKey.random()
    var context: AuditContext {
        AuditContext(organisationID: organisationID, actorID: staffID, source: "benchmark", key: Self.key)
    }

    static func make(on db: any Database, cases count: Int) async throws -> BenchWorld {
        let org = Organisation(id: UUID(), name: "Benchmark Council")
        try await org.create(on: db)
        let team = Team(id: UUID(), organisationID: org.id!, name: "Team")
        try await team.create(on: db)
        let staff = StaffMember(
            id: UUID(),
            organisationID: org.id!,
            teamID: team.id,
            name: "Worker",
            email: "worker-\(UUID().uuidString.prefix(6))@bench.example",
            passwordHash: "x",
            roles: [.practitioner]
        )
        try await staff.create(on: db)
        let cases = (0..<count).map { i in
            CaseFile(
                id: UUID(),
                organisationID: org.id!,
                teamID: team.id,
                keyWorkerID: staff.id,
                reference: "B-\(i)",
                displayName: "Child \(i)",
                status: .childInNeed,
                openedOn: "2025-01-01"
            )
        }
        for start in stride(from: 0, to: cases.count, by: 500) {
            try await cases[start..<min(start + 500, cases.count)].create(on: db)
        }
        return BenchWorld(organisationID: org.id!, staffID: staff.id!, cases: cases.map { $0.id! })
    }

    /// Realistic records: a text or a call every few hours, spread over the cases.
    func records(count: Int, startingAt offset: Int) -> [CommunicationRow] {
        let base = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
        return (0..<count).map { n in
            let i = n + offset
            let sms = i % 3 != 0
            let draft = CommunicationDraft(
                channel: sms ? .sms : .phoneCall,
                direction: i % 2 == 0 ? .outgoing : .incoming,
                occurredAt: base.addingTimeInterval(Double(i / cases.count) * 3_700 + Double(i % 97) * 60),
                durationSeconds: sms ? nil : 240,
                counterpartName: "Parent \(i % 50)",
                transcript: sms ? "Hi, confirming the visit on Thursday at 4pm. Message \(i)." : nil,
                summary: sms ? nil : "Call about contact arrangements."
            )
            return CommunicationRepository.makeRecord(
                draft,
                organisationID: organisationID,
                caseID: cases[i % cases.count],
                staffID: staffID,
                deviceID: nil,
                personID: nil,
                settings: settings,
                recordedAt: draft.occurredAt.addingTimeInterval(1_800),
                source: "benchmark"
            )
        }
    }
}

/// One million records in 1,000 cases, built once and kept under `.benchdata/` between runs.
actor ChronologyStore {
    static let shared = ChronologyStore()
    struct Ready: Sendable {
        let database: StoreDatabase
        let world: BenchWorld
    }
    private var ready: Ready?

    static let total = 1_000_000
    static let path = FileManager.default.currentDirectoryPath + "/.benchdata/chronology-1m.sqlite"

    @discardableResult
    func prepare() async throws -> Ready {
        if let ready { return ready }
        try FileManager.default.createDirectory(
            atPath: (Self.path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        var store = try StoreDatabase(.sqlite(path: Self.path))
        try await store.migrate()
        let world: BenchWorld
        if let org = try await Organisation.query(on: store.db).first(),
            try await CommunicationRecord.query(on: store.db).count() == Self.total
        {
            let staff = try await StaffMember.query(on: store.db).first()!
            let cases = try await CaseFile.query(on: store.db).all().map { $0.id! }
            world = BenchWorld(organisationID: org.id!, staffID: staff.id!, cases: cases)
        } else {
            // A store left half-built by an interrupted run is rebuilt from nothing.
            await store.shutdown()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Self.path + suffix) }
            store = try StoreDatabase(.sqlite(path: Self.path))
            try await store.migrate()
            world = try await BenchWorld.make(on: store.db, cases: 1_000)
            for start in stride(from: 0, to: Self.total, by: 50_000) {
                try await CommunicationRepository.insert(
                    world.records(count: 50_000, startingAt: start),
                    world.context,
                    on: store.db
                )
            }
        }
        let r = Ready(database: store, world: world)
        ready = r
        return r
    }
}
