import FluentKit

struct M007_CreateConsents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Consent.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("person_id", .uuid, .references(CasePerson.schema, "id"))
            .field("recorded_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("kind", .string, .required)
            .field("channel", .string)
            .field("given_by", .string, .required)
            .field("reason", .string, .required)
            .field("given_on", .string, .required)
            .field("withdrawn_on", .string)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Consent.schema).delete()
    }
}
