import FluentKit
import SQLKit

/// Imports and reports started from a page, with their progress and result (`LongWorkRecord`).
struct M039_CreateLongWork: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LongWorkRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("case_id", .uuid, .references(CaseFile.schema, "id"))
            .field("kind", .string, .required)
            .field("file_name", .string, .required)
            .field("status", .string, .required)
            .field("total_bytes", .int64)
            .field("done_bytes", .int64, .required)
            .field("pass", .int, .required)
            .field("started_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("result", .string)
            .create()
        // Each person's own work, newest first.
        try await (database as! any SQLDatabase).create(index: "long_work_staff").on(LongWorkRecord.schema)
            .column("staff_id").column("started_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LongWorkRecord.schema).delete()
    }
}
