import FluentKit

/// A consent can end on a date given when it was agreed, and be withdrawn: who withdrew it, when
/// and why are kept beside it, so its history stays on file.
struct M028_ConsentLifecycle: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds only one in each ALTER TABLE.
        try await database.schema(Consent.schema).field("ends_on", .string).update()
        try await database.schema(Consent.schema).field("withdrawn_by_id", .uuid).update()
        try await database.schema(Consent.schema).field("withdrawn_reason", .string).update()
        try await database.schema(Consent.schema).field("withdrawn_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for f in ["ends_on", "withdrawn_by_id", "withdrawn_reason", "withdrawn_at"] {
            try await database.schema(Consent.schema).deleteField(.string(f)).update()
        }
    }
}
