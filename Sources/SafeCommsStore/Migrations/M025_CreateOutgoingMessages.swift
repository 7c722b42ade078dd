import FluentKit
import SQLKit

/// Texts and e-mails sent from a case through GOV.UK Notify, with their check and delivery status.
struct M025_CreateOutgoingMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutgoingMessage.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("person_id", .uuid, .required, .references(CasePerson.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string)
            .field("body", .string, .required)
            .field("decision", .string, .required)
            .field("clauses", .string, .required)
            .field("proceed_reason", .string)
            .field("record_id", .uuid, .required, .references(CommunicationRecord.schema, "id"))
            .field("status", .string, .required)
            .field("notify_id", .string)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("status_at", .datetime)
            .unique(on: "record_id")
            .create()
        let sql = database as! any SQLDatabase
        // The sender reads what is due; a receipt finds its message by Notify's id.
        try await sql.create(index: "outgoing_messages_due").on(OutgoingMessage.schema)
            .column("status").column("next_attempt_at").run()
        try await sql.create(index: "outgoing_messages_notify").on(OutgoingMessage.schema).column("notify_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutgoingMessage.schema).delete()
    }
}
