import FluentKit
import SQLKit

/// The digest of the row an audit event wrote (`RowDigest`), so that a record changed or deleted
/// behind the application's back is found by `audit verify`. Empty for events before it.
struct M021_AddAuditRowDigest: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw SQLRequired() }
        try await sql.raw("ALTER TABLE \(ident: AuditEvent.schema) ADD COLUMN row_digest TEXT").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw SQLRequired() }
        try await sql.raw("ALTER TABLE \(ident: AuditEvent.schema) DROP COLUMN row_digest").run()
    }
}
