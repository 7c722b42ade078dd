import FluentKit

struct M013_CreateMessageSlips: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MessageSlipRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("for_staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("taken_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("responded_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("taken_at", .datetime, .required)
            .field("caller_name", .string, .required)
            .field("caller_from", .string, .required)
            .field("return_number", .string, .required)
            .field("reason", .string, .required)
            .field("call_back_by", .datetime, .required)
            .field("responded_at", .datetime)
            .field("response", .string)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MessageSlipRecord.schema).delete()
    }
}
