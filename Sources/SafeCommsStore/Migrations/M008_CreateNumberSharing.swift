import FluentKit

struct M008_CreateNumberSharing: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NumberSharing.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("person_id", .uuid, .references(CasePerson.schema, "id"))
            .field("manager_agreed_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("shared", .bool, .required)
            .field("number", .string, .required)
            .field("reason", .string, .required)
            .field("decided_on", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NumberSharing.schema).delete()
    }
}
