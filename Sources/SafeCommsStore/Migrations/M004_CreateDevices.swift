import FluentKit

struct M004_CreateDevices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Device.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("holder_id", .uuid, .references(StaffMember.schema, "id"))
            .field("kind", .string, .required)
            .field("address", .string, .required)
            .field("caller_id_withheld", .bool, .required)
            .field("voicemail_enabled", .bool, .required)
            .field("whatsapp_enabled", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "organisation_id", "address")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Device.schema).delete()
    }
}
