import FluentKit

struct M002_CreateTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Team.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("manager_id", .uuid)
            .field("name", .string, .required)
            .field("hunt_group_number", .string)
            .field("covered_landline", .string)
            .field("created_at", .datetime)
            .unique(on: "organisation_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Team.schema).delete()
    }
}
