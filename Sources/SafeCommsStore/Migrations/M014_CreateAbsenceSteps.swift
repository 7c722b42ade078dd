import FluentKit

struct M014_CreateAbsenceSteps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AbsenceStep.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("absence_id", .uuid, .required, .references(StaffAbsence.schema, "id"))
            .field("done_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("step", .string, .required)
            .field("note", .string)
            .field("done_at", .datetime)
            // Each step is done once per absence, even when two managers press at the same moment.
            .unique(on: "absence_id", "step")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AbsenceStep.schema).delete()
    }
}
