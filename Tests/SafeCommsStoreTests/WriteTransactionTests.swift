import FluentKit
import Foundation
import NIOPosix
import SQLKit
import SafeCommsCore
import Testing

@testable import SafeCommsStore

/// Writes at the same time: none fails with a lock error, none is lost or written twice.
@Suite struct WriteTransactionTests {
    /// Many audited writes and group-committed audit events at once, on one store: every one lands
    /// once and the chain is whole. (On SQLite, writers that read before they write used to fail with
    /// "database is locked".)
    @Test(arguments: TestBackend.available)
    func concurrentWritersAllLand(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let world = try await StoreWorld.make(on: store.db)
            let batcher = AuditBatcher(db: store.db)
            let writes = 48
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<writes {
                    group.addTask {
                        if i % 2 == 0 {
                            try await CommunicationRepository.insert(
                                [world.record(at: iso("2026-03-02T10:00:00Z").addingTimeInterval(Double(i)))],
                                world.context,
                                on: store.db
                            )
                        } else {
                            try await batcher.record(
                                AuditEntry(action: .chronologyRead, entity: "case", detail: "read \(i)"),
                                world.context
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            let sql = store.db as! any SQLDatabase
            let records = try await sql.raw("SELECT COUNT(*) AS n FROM communications").first()!.decode(
                column: "n",
                as: Int.self
            )
            let reads = try await sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'chronology.read'")
                .first()!.decode(column: "n", as: Int.self)
            #expect(records == writes / 2 && reads == writes / 2)
            let verified = try await AuditLog.verify(on: store.db, key: StoreWorld.key)
            #expect(verified.links == writes)
        }
    }

    /// At SERIALIZABLE isolation (as on CockroachDB or YugabyteDB), transactions that read and then
    /// change the same row at once collide: PostgreSQL aborts all but one with SQLSTATE 40001. Each
    /// aborted one runs again from the start, so every increment lands exactly once.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func serializationFailuresAreRunAgain() async throws {
        try await TestBackend.postgres.withStore(serializable: true) { store in
            let sql = store.db as! any SQLDatabase
            let isolation = try await sql.raw("SHOW transaction_isolation").first()!.decode(
                column: "transaction_isolation",
                as: String.self
            )
            #expect(isolation == "serializable")
            try await sql.raw("CREATE TABLE retry_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)").run()
            try await sql.raw("INSERT INTO retry_counter VALUES (1, 0)").run()
            let before = WriteTransaction.retries.count
            let increments = 16
            let attempts = WriteTransaction.Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<increments {
                    group.addTask {
                        try await WriteTransaction.run(on: store.db) { tx in
                            attempts.add()
                            let tsql = tx as! any SQLDatabase
                            let n = try await tsql.raw("SELECT n FROM retry_counter WHERE id = 1").first()!.decode(
                                column: "n",
                                as: Int.self
                            )
                            try await tsql.raw("UPDATE retry_counter SET n = \(bind: n + 1) WHERE id = 1").run()
                        }
                    }
                }
                try await group.waitForAll()
            }
            // The failures were real (bodies ran more than once) and every increment landed once.
            #expect(WriteTransaction.retries.count > before)
            #expect(attempts.count > increments)
            let n = try await sql.raw("SELECT n FROM retry_counter WHERE id = 1").first()!.decode(
                column: "n",
                as: Int.self
            )
            #expect(n == increments)
        }
    }

    /// Audited writes at SERIALIZABLE queue for the chain's head (its table lock is taken before the
    /// transaction's snapshot) and each lands once, the chain whole.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func auditedWritesAtSerializableEachLandOnce() async throws {
        try await TestBackend.postgres.withStore(serializable: true) { store in
            let world = try await StoreWorld.make(on: store.db)
            let writes = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<writes {
                    group.addTask {
                        let row = world.record(
                            at: iso("2026-03-02T10:00:00Z").addingTimeInterval(Double(i)),
                            naturalKey: "serializable-\(i)"
                        )
                        try await CommunicationRepository.insert([row], world.context, on: store.db)
                    }
                }
                try await group.waitForAll()
            }
            let sql = store.db as! any SQLDatabase
            let counts = try await sql.raw("SELECT natural_key, COUNT(*) AS n FROM communications GROUP BY natural_key")
                .all()
            #expect(counts.count == writes)
            for row in counts { #expect(try row.decode(column: "n", as: Int.self) == 1) }
            let verified = try await AuditLog.verify(on: store.db, key: StoreWorld.key)
            #expect(verified.links == writes)
        }
    }

    /// Writers waiting for another server process's audited write wait their turn in this process,
    /// not in PostgreSQL holding the pool's connections: while twenty wait, one of this process's
    /// connections waits for the append lock and a read on every event loop is answered. Once the
    /// other process commits, every write lands once and the chain is whole.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func writersWaitingForAnotherProcessLeaveConnectionsToReaders() async throws {
        try await TestBackend.postgres.withStore(poolTimeoutSeconds: 20, connectionsPerLoop: 2) { store in
            let world = try await StoreWorld.make(on: store.db)
            let other = try StoreDatabase(store.location)
            let holding = AsyncStream<Void>.makeStream(), release = AsyncStream<Void>.makeStream()
            let othersWrite = Task {
                try await other.db.transaction { tx in
                    try await (tx as! any SQLDatabase).raw(
                        "LOCK TABLE \(ident: AuditHead.lockTable) IN EXCLUSIVE MODE"
                    ).run()
                    holding.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in holding.stream { break }
            let writes = 20
            let writing = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<writes {
                        group.addTask {
                            try await AuditLog.record(
                                [AuditEntry(action: .caseCreated, entity: "case", entityID: "\(i)")],
                                world.context,
                                on: store.db
                            )
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let sql = store.db as! any SQLDatabase
            @Sendable func waitingForTheLock() async throws -> Int {
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM pg_locks
                    WHERE relation = \(bind: AuditHead.lockTable)::regclass AND NOT granted
                    """
                ).first()!.decode(column: "n", as: Int.self)
            }
            while try await waitingForTheLock() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                let db = store.databases.database(logger: store.logger, on: loop)! as! any SQLDatabase
                let n = try await db.raw("SELECT COUNT(*) AS n FROM organisations").first()!.decode(
                    column: "n",
                    as: Int.self
                )
                #expect(n == 1)
            }
            #expect(
                try await waitingForTheLock() == 1,
                "one writer waits in PostgreSQL, the others without a connection"
            )
            release.continuation.yield()
            try await othersWrite.value
            try await writing.value
            await other.shutdown()
            #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == writes)
        }
    }

    /// The row a retried transaction writes is the one the caller made, even though Fluent marked the
    /// first attempt's values as written.
    @Test(arguments: TestBackend.available)
    func aRewritableModelIsWrittenWholeOnASecondAttempt(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let team = Team(organisationID: UUID(), name: "placeholder")
            let org = Organisation(id: UUID(), name: "Retry Council")
            try await org.create(on: store.db)
            team.organisationID = org.id!
            let row = try Rewritable(team)
            struct Abort: Error {}
            // The first attempt writes, then its transaction is rolled back; the second writes again.
            await #expect(throws: Abort.self) {
                try await WriteTransaction.run(on: store.db) { tx in
                    try await row.save(on: tx)
                    throw Abort()
                }
            }
            try await WriteTransaction.run(on: store.db) { tx in try await row.save(on: tx) }
            let stored = try await Team.query(on: store.db).all()
            #expect(stored.count == 1 && stored.first?.id == team.id && stored.first?.name == "placeholder")
        }
    }
}
