import FluentKit

struct M003_CreateStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffMember.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("team_id", .uuid, .references(Team.schema, "id"))
            .field("line_manager_id", .uuid)
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("roles", .string, .required)
            .field("job_title", .string)
            .field("work_mobile", .string)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffMember.schema).delete()
    }
}
