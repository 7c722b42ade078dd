import FluentKit

/// PD-1.11: whether a device stays switched on outside office hours. Existing devices are taken to
/// follow office hours, the policy's default.
struct M017_AddDeviceHours: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Device.schema).field("on_out_of_hours", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Device.schema).deleteField("on_out_of_hours").update()
    }
}
