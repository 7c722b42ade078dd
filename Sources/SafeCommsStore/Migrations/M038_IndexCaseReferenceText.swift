import FluentKit
import SQLKit

/// Case search matches any part of a reference (`lower(reference) LIKE '%…%'`), which no ordinary
/// index serves: on PostgreSQL every search read all 5,000 cases of a large council (1.6 ms of the
/// database's time a search, measured). A trigram index (pg_trgm) finds them in 0.3 ms. pg_trgm
/// ships with PostgreSQL and is a trusted extension from PostgreSQL 13, so the database's owner may
/// add it; where the account may not, the search still works, only by scanning, and the server says
/// so at start. SQLite scans either way, in its own memory, which costs far less.
struct M038_IndexCaseReferenceText: AsyncMigration {
    static let index = "cases_reference_trigrams"

    func prepare(on database: any Database) async throws {
        guard database.isPostgres, let sql = database as? any SQLDatabase else { return }
        // One block, so it is one transaction: the lock keeps two servers (or tests) starting at once
        // from both creating the extension, and a refusal (no privilege, not installed) is noted, not
        // fatal. The extension goes in `public`, where every schema's index can name its operators.
        try await sql.raw(
            """
            DO $$ BEGIN
              PERFORM pg_advisory_xact_lock(7468201);
              IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                CREATE EXTENSION pg_trgm SCHEMA public;
              END IF;
            EXCEPTION WHEN OTHERS THEN
              RAISE NOTICE 'pg_trgm: %', SQLERRM;
            END $$
            """
        ).run()
        let schema = try await sql.raw(
            """
            SELECT n.nspname AS schema FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace \
            WHERE e.extname = 'pg_trgm'
            """
        ).first()?.decode(column: "schema", as: String.self)
        guard let schema else {
            database.logger.warning(
                "Case search reads every case: the pg_trgm extension is not available to this database account"
            )
            return
        }
        try await sql.raw(
            """
            CREATE INDEX \(ident: Self.index) ON cases USING gin (lower(reference) \(ident: schema).gin_trgm_ops)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard database.isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS \(ident: Self.index)").run()
    }
}
