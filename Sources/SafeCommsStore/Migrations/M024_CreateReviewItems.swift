import FluentKit
import SQLKit

/// The review queue: what the analysers found in recorded and imported messages (`MessageScanner`).
struct M024_CreateReviewItems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReviewItem.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("communication_id", .uuid, .required, .references(CommunicationRecord.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("clause", .string, .required)
            .field("finding_types", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("flagged_at", .datetime, .required)
            .field("origin", .string, .required)
            .field("outcome", .string)
            .field("reason", .string)
            .field("resolved_at", .datetime)
            .field("resolved_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("incident_id", .uuid, .references(Incident.schema, "id"))
            // One item per message and clause: a second scan of the same message adds nothing.
            .unique(on: "communication_id", "clause")
            .create()
        let sql = database as! any SQLDatabase
        // The queue is read per organisation, open items oldest first.
        try await sql.create(index: "review_items_organisation_open").on(ReviewItem.schema)
            .column("organisation_id").column("resolved_at").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReviewItem.schema).delete()
    }
}
