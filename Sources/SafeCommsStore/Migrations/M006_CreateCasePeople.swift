import FluentKit

struct M006_CreateCasePeople: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CasePerson.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("role", .string, .required)
            .field("name", .string, .required)
            .field("aliases", .string, .required)
            .field("date_of_birth", .string)
            .field("address", .string)
            .field("postcode", .string)
            .field("phone", .string)
            .field("email", .string)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CasePerson.schema).delete()
    }
}
