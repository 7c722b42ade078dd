import FluentKit
import SQLKit

/// The case page reads a case's people, consents and numbers shared with every chronology page;
/// without these it would read every case's.
struct M035_IndexCaseRegisters: AsyncMigration {
    static let indexes = [
        ("case_people_case", CasePerson.schema), ("consents_case", Consent.schema),
        ("number_sharing_case", NumberSharing.schema),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for (name, table) in Self.indexes {
            try await sql.create(index: name).on(table).column("case_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for (name, _) in Self.indexes { try await sql.drop(index: name).run() }
    }
}
