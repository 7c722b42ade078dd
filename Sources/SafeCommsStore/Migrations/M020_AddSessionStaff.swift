import FluentKit
import SQLKit

/// Who a page session belongs to, as a column beside the session's data, so that the session and the
/// member of staff it signs in are read in one query on every page view (`SignedInSession`).
struct M020_AddSessionStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw SQLRequired() }
        // The sessions table is in Fluent's shape (its session model writes it). Installations from
        // before this migration have it from Fluent's own migration; new ones get it here.
        try await database.schema(SignedInSession.table).id().field("key", .string, .required).field(
            "data",
            .json,
            .required
        )
        .unique(on: "key").ignoreExisting().create()
        try await sql.raw(
            "ALTER TABLE \(ident: SignedInSession.table) ADD COLUMN staff_id \(unsafeRaw: database.isPostgres ? "UUID" : "TEXT")"
        ).run()
        // Sessions stored before this kept their ids as they are; session ids are now stored hashed,
        // so those rows can sign nobody in. Everyone signs in again.
        try await sql.raw("DELETE FROM \(ident: SignedInSession.table)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw SQLRequired() }
        try await sql.raw("ALTER TABLE \(ident: SignedInSession.table) DROP COLUMN staff_id").run()
    }
}
