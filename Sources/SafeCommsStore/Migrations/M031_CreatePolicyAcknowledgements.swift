import FluentKit

/// Each member of staff's acknowledgement of each version of each pack their organisation uses:
/// MISSION.md's "shown to staff and acknowledged" for guidance (WNL-5.2).
struct M031_CreatePolicyAcknowledgements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PolicyAcknowledgement.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("pack_id", .string, .required)
            .field("version", .string, .required)
            .field("acknowledged_at", .datetime, .required)
            .unique(on: "staff_id", "pack_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PolicyAcknowledgement.schema).delete()
    }
}
