import FluentKit
import SQLKit

/// What the check says must follow a message, owed by its worker (PD-1.2, PD-1.3, PD-1.6 …).
struct M027_CreateTasks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CaseTask.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("clause", .string, .required)
            .field("action", .string, .required)
            .field("due_at", .datetime, .required)
            .field("record_id", .uuid, .references(CommunicationRecord.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("done_at", .datetime)
            .field("done_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("note", .string)
            .create()
        let sql = database as! any SQLDatabase
        // A worker's open tasks, soonest due first.
        try await sql.create(index: "tasks_staff_open").on(CaseTask.schema).column("staff_id").column("done_at")
            .column("due_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseTask.schema).delete()
    }
}
