import FluentKit
import SQLKit

/// Reconciliation (issue 6) reads the calls and texts of an organisation: when each happened and was
/// recorded, and on which case. A covering index holds just those, so the scan reads it rather than the
/// whole table with its transcripts. Partial: only the channels a carrier's bill can show.
struct M019_AddReconcileIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(
            """
            CREATE INDEX communications_reconcile ON communications (organisation_id, channel, case_id, occurred_at, recorded_at)
            WHERE channel IN ('phone_call', 'video_call', 'voicemail', 'sms')
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX communications_reconcile").run()
    }
}
