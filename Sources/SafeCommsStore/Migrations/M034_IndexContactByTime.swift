import FluentKit
import SQLKit

/// The dashboards read an organisation's recent contact across all its cases (recording delay,
/// contact by hour, out-of-hours contact); without this they would read every record it has. It
/// holds every column they read, so the rows themselves are not visited: a DSL's four weeks of a
/// council are tens of thousands of records.
struct M034_IndexContactByTime: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "communications_organisation_occurred")
            .on(CommunicationRecord.schema).column("organisation_id").column("occurred_at").column("staff_id")
            .column("case_id").column("channel").column("recorded_at").column("out_of_hours").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "communications_organisation_occurred").run()
    }
}
