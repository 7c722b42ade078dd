import FluentKit
import SQLKit

/// A case's status, crisis flag, key worker and team as they changed: who changed which, when, from
/// what to what. The case row holds the current facts the check decides on.
struct M029_CreateCaseFactChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CaseFactChange.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("changed_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("changed_at", .datetime, .required)
            .field("fact", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .field("reason", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "case_fact_changes_case").on(CaseFactChange.schema).column("case_id")
            .column("changed_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseFactChange.schema).delete()
    }
}
