import FluentKit
import SafeCommsCore

/// Seals the personal fields of a store written before they were sealed at rest (`DataResealing`):
/// from here on no name, transcript or date of birth is stored in clear.
struct M022_SealPersonalData: AsyncMigration {
    func prepare(on database: any Database) async throws {
        _ = try await DataResealing.run(on: database, to: DataKeys.current, tables: Self.tables)
    }

    /// The tables and columns there were when this migration was written; later ones are sealed from
    /// their first value (a consent's withdrawal reason came later).
    static let tables: [(table: String, columns: [String])] = DataResealing.tables.compactMap { t in
        guard
            [
                CaseFile.schema, CasePerson.schema, CommunicationRecord.schema, Consent.schema, NumberSharing.schema,
                MessageSlipRecord.schema, FollowUpRecord.schema,
            ].contains(t.table)
        else { return nil }
        return (t.table, t.columns.filter { $0 != "withdrawn_reason" })
    }

    /// Values stay sealed: the models open them either way.
    func revert(on database: any Database) async throws {}
}
