import FluentKit

struct M012_CreatePhoneStatus: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PhoneStatus.schema)
            .field("id", .uuid, .identifier(auto: false), .references(StaffMember.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("desk_number", .string)
            .field("desk_logged_in", .bool, .required)
            .field("desk_paired_to_mobile", .bool, .required)
            .field("divert_to", .string)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(StaffAbsence.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("recorded_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("kind", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffAbsence.schema).delete()
        try await database.schema(PhoneStatus.schema).delete()
    }
}
