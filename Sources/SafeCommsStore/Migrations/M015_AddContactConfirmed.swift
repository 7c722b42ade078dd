import FluentKit

/// LIN-11: when a member of staff last confirmed their contact details and availability.
struct M015_AddContactConfirmed: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PhoneStatus.schema).field("confirmed_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PhoneStatus.schema).deleteField("confirmed_at").update()
    }
}
