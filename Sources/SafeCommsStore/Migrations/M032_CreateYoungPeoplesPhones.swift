import FluentKit
import SQLKit

/// Young people's phones (WNL-1.4, WNL-6.3.1–WNL-6.3.4): acceptable-use agreements, and phones
/// handed in and returned or confirmed switched off.
struct M032_CreateYoungPeoplesPhones: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PhoneAgreement.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("person_id", .uuid, .required, .references(CasePerson.schema, "id"))
            .field("recorded_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("setting", .string, .required)
            .field("rule", .string, .required)
            .field("personal_use", .string, .required)
            .field("agreed_on", .string, .required)
            .field("recorded_at", .datetime, .required)
            .create()
        try await database.schema(PhoneHandIn.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id"))
            .field("case_id", .uuid, .required, .references(CaseFile.schema, "id"))
            .field("person_id", .uuid, .required, .references(CasePerson.schema, "id"))
            .field("received_by_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("returned_by_id", .uuid, .references(StaffMember.schema, "id"))
            .field("kind", .string, .required)
            .field("at", .datetime, .required)
            .field("kept_where", .string)
            .field("returned_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "phone_agreements_case").on(PhoneAgreement.schema).column("case_id").run()
        try await sql.create(index: "phone_hand_ins_case").on(PhoneHandIn.schema).column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PhoneHandIn.schema).delete()
        try await database.schema(PhoneAgreement.schema).delete()
    }
}
