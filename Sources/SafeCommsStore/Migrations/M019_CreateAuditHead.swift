import FluentKit
import SQLKit
import SafeCommsCore

/// The audit chain's head as a row, on PostgreSQL: appenders lock it (`SELECT … FOR UPDATE`) so that
/// server processes sharing one database append in turn (see `AuditLog`). SQLite has one writer at a
/// time already and reads its head from the chain itself, so it has no such table.
struct M019_CreateAuditHead: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard database.isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE TABLE \(ident: AuditHead.table) (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)").run()
        try await sql.raw("""
            INSERT INTO \(ident: AuditHead.table) (id, seq, hash)
            SELECT 1, seq, hash FROM \(ident: AuditEvent.schema) ORDER BY seq DESC LIMIT 1
            """).run()
        try await sql.raw("""
            INSERT INTO \(ident: AuditHead.table) (id, seq, hash) SELECT 1, 0, \(bind: AuditChainVerifier.genesis)
            WHERE NOT EXISTS (SELECT 1 FROM \(ident: AuditHead.table))
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard database.isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE \(ident: AuditHead.table)").run()
    }
}

/// Where the audit chain's head row lives on PostgreSQL.
enum AuditHead {
    static let table = "audit_head"
}
