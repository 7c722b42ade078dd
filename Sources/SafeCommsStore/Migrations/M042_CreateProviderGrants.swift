import FluentKit

/// The identity provider's refresh token from each person's latest sign-in through it.
struct M042_CreateProviderGrants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ProviderGrant.schema)
            .field("id", .uuid, .identifier(auto: false), .references(StaffMember.schema, "id"))
            .field("refresh_token", .string, .required)
            .field("checked_at", .datetime, .required)
            .field("round", .int64, .required)
            .field("refused_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProviderGrant.schema).delete()
    }
}
