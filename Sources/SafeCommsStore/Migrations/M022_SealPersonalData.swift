import FluentKit
import SafeCommsCore

/// Seals the personal fields of a store written before they were sealed at rest (`DataResealing`):
/// from here on no name, transcript or date of birth is stored in clear.
struct M022_SealPersonalData: AsyncMigration {
    func prepare(on database: any Database) async throws {
        _ = try await DataResealing.run(on: database, to: DataKeys.current, tables: Self.tables)
    }

    /// The tables there were when this migration was written; later ones are sealed from their first row.
    static let tables: [(table: String, columns: [String])] = DataResealing.tables.filter {
        [
            CaseFile.schema, CasePerson.schema, CommunicationRecord.schema, Consent.schema, NumberSharing.schema,
            MessageSlipRecord.schema, FollowUpRecord.schema,
        ].contains($0.table)
    }

    /// Values stay sealed: the models open them either way.
    func revert(on database: any Database) async throws {}
}
