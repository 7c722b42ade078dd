import FluentKit

/// When a text or e-mail to a case person's number or address last failed for good
/// (GOV.UK Notify's `permanent-failure`): the number may be wrong.
struct M026_AddContactFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds only one in each ALTER TABLE.
        try await database.schema(CasePerson.schema).field("phone_failed_at", .datetime).update()
        try await database.schema(CasePerson.schema).field("email_failed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CasePerson.schema).deleteField("phone_failed_at").update()
        try await database.schema(CasePerson.schema).deleteField("email_failed_at").update()
    }
}
