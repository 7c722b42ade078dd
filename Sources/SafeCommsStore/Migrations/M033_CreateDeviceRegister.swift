import FluentKit
import SQLKit

/// The work device register (WNL-7.1–WNL-7.3): who held each device from when, who else may use
/// it, and personal use recorded.
struct M033_CreateDeviceRegister: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DeviceHolding.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("device_id", .uuid, .required, .references(Device.schema, "id"))
            .field("holder_id", .uuid, .references(StaffMember.schema, "id"))
            .field("handed_over_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("from_at", .datetime, .required)
            .create()
        try await database.schema(DeviceAuthorisation.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("device_id", .uuid, .required, .references(Device.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("authorised_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("authorised_at", .datetime, .required)
            .field("revoked_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("revoked_at", .datetime)
            .create()
        try await database.schema(DevicePersonalUse.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("device_id", .uuid, .required, .references(Device.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("at", .datetime, .required)
            .field("emergency", .bool, .required)
            .field("agreed_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("reason", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        for table in [DeviceHolding.schema, DeviceAuthorisation.schema, DevicePersonalUse.schema] {
            try await sql.create(index: "\(table)_device").on(table).column("device_id").run()
        }
        // The DSL's view counts each device's recorded use.
        try await sql.create(index: "communications_device").on(CommunicationRecord.schema).column("device_id")
            .column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DevicePersonalUse.schema).delete()
        try await database.schema(DeviceAuthorisation.schema).delete()
        try await database.schema(DeviceHolding.schema).delete()
    }
}
