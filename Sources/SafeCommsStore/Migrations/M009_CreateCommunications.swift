import FluentKit
import SQLKit

struct M009_CreateCommunications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommunicationRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("device_id", .uuid, .references(Device.schema, "id"))
            .field("person_id", .uuid, .references(CasePerson.schema, "id"))
            .field("corrects_id", .uuid, .references(CommunicationRecord.schema, "id"))
            .field("channel", .string, .required)
            .field("direction", .string, .required)
            .field("counterpart_name", .string)
            .field("counterpart_role", .string)
            .field("counterpart_address", .string)
            .field("occurred_at", .datetime, .required)
            .field("recorded_at", .datetime, .required)
            .field("duration_seconds", .int)
            .field("transcript", .string)
            .field("summary", .string)
            .field("out_of_hours", .bool, .required)
            .field("significant", .bool, .required)
            .field("source", .string, .required)
            .field("natural_key", .string)
            .create()
        let sql = database as! any SQLDatabase
        // Partial indexes: only imported records have a natural key and only corrections point at
        // another record, so the indexes stay small and most inserts skip them (SQLite and PostgreSQL).
        try await sql.raw(
            "CREATE UNIQUE INDEX communications_natural_key ON communications (organisation_id, natural_key) WHERE natural_key IS NOT NULL"
        ).run()
        try await sql.raw(
            "CREATE INDEX communications_corrects ON communications (corrects_id) WHERE corrects_id IS NOT NULL"
        ).run()
        // The chronology is read newest first, one case at a time.
        try await sql.create(index: "communications_case_occurred")
            .on(CommunicationRecord.schema).column("case_id").column("occurred_at").column("id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CommunicationRecord.schema).delete()
    }
}
