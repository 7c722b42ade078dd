import FluentKit
import SQLKit

/// The dashboards read an organisation's recent contact across all its cases (recording delay,
/// contact by hour, out-of-hours contact); without this they would read every record it has.
struct M034_IndexContactByTime: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "communications_organisation_occurred")
            .on(CommunicationRecord.schema).column("organisation_id").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "communications_organisation_occurred").run()
    }
}
