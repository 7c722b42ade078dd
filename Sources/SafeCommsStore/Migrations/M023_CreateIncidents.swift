import FluentKit
import SQLKit

/// Incidents, their steps, amendments and people (PD-1.10, PD-1.13, PD-2.x, PD-4.2, WA-13, WNL-5.2).
struct M023_CreateIncidents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Incident.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .references(CaseFile.schema, "id"))
            .field("reporter_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("kind", .string, .required)
            .field("clause", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("raised_at", .datetime, .required)
            .field("summary", .string, .required)
            .field("source_type", .string)
            .field("source_id", .uuid)
            .field("closed_at", .datetime)
            .create()
        try await database.schema(IncidentStep.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("incident_id", .uuid, .required, .references(Incident.schema, "id"))
            .field("step", .string, .required)
            .field("position", .int, .required)
            .field("owner", .string, .required)
            .field("opened_at", .datetime)
            .field("due_at", .datetime)
            .field("done_at", .datetime)
            .field("done_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("note", .string)
            .field("reference", .string)
            .field("escalated", .int, .required)
            .unique(on: "incident_id", "step")
            .create()
        try await database.schema(IncidentAmendment.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("incident_id", .uuid, .required, .references(Incident.schema, "id"))
            .field("made_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("made_at", .datetime, .required)
            .field("reason", .string, .required)
            .field("summary", .string, .required)
            .create()
        try await database.schema(IncidentPerson.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("incident_id", .uuid, .required, .references(Incident.schema, "id"))
            .field("person_id", .uuid, .references(CasePerson.schema, "id"))
            .field("staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("role", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        // Lists are read per organisation, newest first; a case's incidents with its chronology.
        try await sql.create(index: "incidents_organisation_raised").on(Incident.schema)
            .column("organisation_id").column("raised_at").run()
        try await sql.create(index: "incidents_case").on(Incident.schema).column("case_id").run()
        try await sql.create(index: "incident_steps_incident").on(IncidentStep.schema).column("incident_id").run()
        try await sql.create(index: "incident_amendments_incident").on(IncidentAmendment.schema)
            .column("incident_id").run()
        try await sql.create(index: "incident_people_incident").on(IncidentPerson.schema).column("incident_id").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [IncidentPerson.schema, IncidentAmendment.schema, IncidentStep.schema, Incident.schema] {
            try await database.schema(schema).delete()
        }
    }
}
