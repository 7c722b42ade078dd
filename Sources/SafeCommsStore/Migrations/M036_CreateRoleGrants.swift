import FluentKit
import SQLKit

/// Requests for the DSL's or an administrator's role, each decided by a second administrator.
struct M036_CreateRoleGrants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RoleGrant.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("requested_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("decided_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("role", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("decided_at", .datetime)
            .field("approved", .bool)
            .create()
        // One open request per person and role.
        try await (database as! any SQLDatabase).raw(
            "CREATE UNIQUE INDEX role_grants_open ON role_grants (staff_id, role) WHERE decided_at IS NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RoleGrant.schema).delete()
    }
}
