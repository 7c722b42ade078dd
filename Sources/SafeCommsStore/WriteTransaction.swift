import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SafeCommsCore

/// The one way the store writes: every change, audited or not, runs through `WriteTransaction.run`.
///
/// SQLite has a single writer. Two connections that both begin a plain (deferred) transaction, read,
/// and then write can deadlock on the upgrade from reading to writing, which SQLite answers at once
/// with "database is locked" whatever the busy timeout. So on SQLite every write in this process
/// queues for one gate, then takes the write lock at its start (`BEGIN IMMEDIATE`), waiting (busy
/// timeout) only for another process such as a command-line import. Reads never queue: in WAL mode
/// they go on beside the writer.
///
/// PostgreSQL, and the distributed engines that speak its protocol (CockroachDB, YugabyteDB), may
/// abort a transaction with a serialization failure (SQLSTATE 40001) or a deadlock (40P01) when
/// several transactions, perhaps in several server processes, touch the same rows. The whole body is
/// then run again in a new transaction, after a short random wait that doubles each time, up to
/// `maxAttempts`. A body must therefore be safe to run more than once: it builds or loads the models
/// it writes inside itself, and does nothing outside the database.
public enum WriteTransaction {
    /// One writer at a time in this process, for SQLite.
    static let sqliteGate = AsyncLock()
    /// How often a transaction aborted by a serialization failure or deadlock is tried in all.
    public static let maxAttempts = 12

    /// Runs `body` in a write transaction and commits it.
    /// - Throws: whatever `body` throws (nothing is kept); `StoreBusy` when the store stayed too
    ///   contended to commit, which the server answers with 503 and `Retry-After`.
    public static func run<T: Sendable>(
        on db: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        if db is any SQLiteDatabase { return try await sqlite(db, body) }
        var attempt = 1
        while true {
            do {
                return try await db.transaction { tx in try await body(tx) }
            } catch  where error.isRetryableConflict {
                retries.add()
                guard attempt < maxAttempts else { throw StoreBusy(underlying: String(reflecting: error)) }
                // Full jitter: a random wait up to 2, 4, 8 … ms (capped at 256 ms), so transactions that
                // collided once do not collide again in step.
                let cap = min(256, 1 << attempt)
                try await Task.sleep(for: .microseconds(Int.random(in: 0...(cap * 1000))))
                attempt += 1
            }
        }
    }

    private static func sqlite<T: Sendable>(
        _ db: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await sqliteAlone { try await sqliteImmediate(db, body) }
    }

    /// Runs `body` as this process's only SQLite writer. A lock error from SQLite (only another process
    /// holding the write lock past the busy timeout causes one) becomes `StoreBusy`.
    static func sqliteAlone<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await sqliteGate.withLock(body)
        } catch  where error.isSQLiteBusy {
            throw StoreBusy(underlying: String(reflecting: error))
        }
    }

    /// A transaction that holds SQLite's write lock from its first statement, so it never has to
    /// upgrade a read to a write half-way. Call it only inside `sqliteAlone`.
    static func sqliteImmediate<T: Sendable>(
        _ db: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await db.withConnection { conn in
            guard let sql = conn as? any SQLDatabase else { throw SQLRequired() }
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let value = try await body(conn)
                try await sql.raw("COMMIT").run()
                return value
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Thrown by a body whose transaction must be run again from the start (nothing was kept).
    struct RunAgain: Error {}

    /// Transactions run again after a serialization failure or deadlock, since the process started.
    public static let retries = Counter()

    /// A count several tasks add to.
    public final class Counter: Sendable {
        private let value = NIOLockedValueBox(0)
        public init() {}
        public func add() { value.withLockedValue { $0 += 1 } }
        public var count: Int { value.withLockedValue { $0 } }
    }
}

/// The store could not take a write now (another process held SQLite's lock past the busy timeout,
/// or transactions kept colliding). Nothing was written; the same request may be tried again.
public struct StoreBusy: Error, CustomStringConvertible {
    public var underlying: String
    public var description: String { "the store is busy; nothing was written" }
}

extension Error {
    /// A PostgreSQL serialization failure (40001) or deadlock (40P01): the transaction was rolled back
    /// and may be run again as it was.
    public var isRetryableConflict: Bool {
        if self is WriteTransaction.RunAgain { return true }
        guard let code = (self as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return code == "40001" || code == "40P01"
    }

    /// SQLite's "database is locked" or "database table is locked" (SQLITE_BUSY, SQLITE_LOCKED).
    public var isSQLiteBusy: Bool {
        guard let e = self as? SQLiteError else { return false }
        switch e.reason {
        case .busy, .busyInRecovery, .busyInSnapshot, .busyTimeout, .locked, .lockedBySharedCache: return true
        default: return false
        }
    }
}
