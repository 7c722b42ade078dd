import FluentKit

/// PD-1.3: the line manager told of a work number shared, and their acknowledgement.
struct M030_NumberSharingAcknowledgement: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds only one in each ALTER TABLE.
        try await database.schema(NumberSharing.schema).field("line_manager_id", .uuid).update()
        try await database.schema(NumberSharing.schema).field("acknowledged_by_id", .uuid).update()
        try await database.schema(NumberSharing.schema).field("acknowledged_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for f in ["line_manager_id", "acknowledged_by_id", "acknowledged_at"] {
            try await database.schema(NumberSharing.schema).deleteField(.string(f)).update()
        }
    }
}
