import FluentKit
import FluentPostgresDriver
import NIOConcurrencyHelpers
import SQLKit
import SafeCommsCore

/// The audit chain's head as a row, on PostgreSQL: appenders lock it (`SELECT … FOR UPDATE`) so that
/// server processes sharing one database append in turn (see `AuditLog`). SQLite has one writer at a
/// time already and reads its head from the chain itself, so it has no such table.
struct M019_CreateAuditHead: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard database.isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            "CREATE TABLE \(ident: AuditHead.table) (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)"
        ).run()
        try await sql.raw("CREATE TABLE \(ident: AuditHead.lockTable) (id INTEGER PRIMARY KEY)").run()
        try await sql.raw(
            """
            INSERT INTO \(ident: AuditHead.table) (id, seq, hash)
            SELECT 1, seq, hash FROM \(ident: AuditEvent.schema) ORDER BY seq DESC LIMIT 1
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO \(ident: AuditHead.table) (id, seq, hash) SELECT 1, 0, \(bind: AuditChainVerifier.genesis)
            WHERE NOT EXISTS (SELECT 1 FROM \(ident: AuditHead.table))
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard database.isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE \(ident: AuditHead.table)").run()
        try await sql.raw("DROP TABLE \(ident: AuditHead.lockTable)").run()
    }
}

/// Where the audit chain's head row lives on PostgreSQL, and how appenders take turns at it.
enum AuditHead {
    static let table = "audit_head"
    /// An empty table that is only ever locked. Not the head's own table: a table lock waits behind
    /// autovacuum, which visits a table updated on every append often (measured: one-second stalls).
    static let lockTable = "audit_append_lock"

    /// Whether this engine refused `LOCK TABLE` (CockroachDB does): then only the row lock is taken.
    private static let tableLockRefused = NIOLockedValueBox(false)

    /// Takes the appenders' table lock, as the transaction's first statement. At REPEATABLE READ or
    /// SERIALIZABLE a transaction's snapshot is taken by its first query, and a row lock waited for
    /// after that fails with a serialization error whenever another appender committed meanwhile: at
    /// SERIALIZABLE nearly every audited write that met another would be run again, some many times.
    /// `LOCK TABLE` is waited for before the snapshot is taken, so appenders simply queue. An engine
    /// without it keeps the row lock alone, and its serialization failures are run again.
    static func takeTurn(_ sql: any SQLDatabase) async throws {
        guard !tableLockRefused.withLockedValue({ $0 }) else { return }
        do {
            try await sql.raw("LOCK TABLE \(ident: lockTable) IN EXCLUSIVE MODE").run()
        } catch let e as PSQLError where ["0A000", "42601"].contains(e.serverInfo?[.sqlState] ?? "") {
            // Refused: the transaction is void now; run it again without the table lock.
            tableLockRefused.withLockedValue { $0 = true }
            throw WriteTransaction.RunAgain()
        }
    }
}
