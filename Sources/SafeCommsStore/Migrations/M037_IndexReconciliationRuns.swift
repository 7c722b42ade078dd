import FluentKit
import SQLKit
import SafeCommsCore

/// The managers' and the DSL's homes show when the carrier's bill was last checked: the newest
/// `reconciliation.run` event. Without an index that is a scan of the whole audit trail backwards
/// (150 ms at a million events, most of the dashboard's time). A partial index holds only those
/// events, so the audit trail's appends, which every request makes, pay nothing for it. Queries
/// must name the action as a literal (`Dashboards.lastReconciliation`): SQLite will not use a
/// partial index for a bound value.
struct M037_IndexReconciliationRuns: AsyncMigration {
    static let name = "audit_events_reconciliation_runs"

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw(
            """
            CREATE INDEX \(ident: Self.name) ON audit_events (organisation_id, seq) \
            WHERE action = \(unsafeRaw: Dashboards.reconciliationRunLiteral)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: Self.name).run()
    }
}
