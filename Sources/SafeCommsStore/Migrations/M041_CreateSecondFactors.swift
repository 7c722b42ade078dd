import FluentKit
import SQLKit

/// Authenticators and recovery codes for the second factor at sign-in.
struct M041_CreateSecondFactors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SecondFactor.schema)
            .field("id", .uuid, .identifier(auto: false), .references(StaffMember.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("secret", .string, .required)
            .field("enrolled_at", .datetime)
            .field("last_step", .int64)
            .field("created_at", .datetime)
            .create()
        try await database.schema(RecoveryCode.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("digest", .string, .required)
            .field("used_at", .datetime)
            .unique(on: "staff_id", "digest")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RecoveryCode.schema).delete()
        try await database.schema(SecondFactor.schema).delete()
    }
}
