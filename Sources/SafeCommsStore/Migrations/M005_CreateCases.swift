import FluentKit

struct M005_CreateCases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CaseFile.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("team_id", .uuid, .references(Team.schema, "id"))
            .field("key_worker_id", .uuid, .references(StaffMember.schema, "id"))
            .field("reference", .string, .required)
            .field("display_name", .string, .required)
            .field("status", .string, .required)
            .field("in_crisis", .bool, .required)
            .field("opened_on", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "organisation_id", "reference")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseFile.schema).delete()
    }
}
