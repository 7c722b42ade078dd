import FluentKit
import SafeCommsCore

/// Seals the personal fields of a store written before they were sealed at rest (`DataResealing`):
/// from here on no name, transcript or date of birth is stored in clear.
struct M022_SealPersonalData: AsyncMigration {
    func prepare(on database: any Database) async throws {
        _ = try await DataResealing.run(on: database, to: DataKeys.current)
    }

    /// Values stay sealed: the models open them either way.
    func revert(on database: any Database) async throws {}
}
