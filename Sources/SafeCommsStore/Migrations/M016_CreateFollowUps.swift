import FluentKit

/// Voicemail messages (COV-7, LIN-5) and unexpected out-of-hours calls (COV-5), open until closed.
struct M016_CreateFollowUps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FollowUpRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("logged_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("closed_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("kind", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("caller_name", .string)
            .field("caller_number", .string)
            .field("summary", .string)
            .field("due_at", .datetime, .required)
            .field("closed_at", .datetime)
            .field("outcome", .string)
            .field("note", .string)
            .field("diverted_to", .string)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FollowUpRecord.schema).delete()
    }
}
