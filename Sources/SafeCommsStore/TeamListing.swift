import FluentKit
import Foundation
import PostgresNIO
import SafeCommsCore

/// A team as pages offer it in a choice (the case list's team filter): its id and name, read as
/// plain columns rather than as Fluent models (a sixteenth of the case list's server time on
/// PostgreSQL, measured).
public struct TeamListing: Sendable, Equatable {
    public var id: UUID
    public var name: String

    /// The organisation's teams, by name.
    public static func all(
        of organisationID: UUID,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> [TeamListing] {
        if let reader {
            return try await reader.read { connection in
                var out: [TeamListing] = []
                try connection.each(
                    "SELECT id, name FROM teams WHERE organisation_id = ? ORDER BY name",
                    [.text(organisationID.uuidText)]
                ) { row in out.append(TeamListing(id: try row.id("id"), name: try row.text("name"))) }
                return out
            }
        }
        if let rows = try await PostgresRows.all(
            "SELECT id, name FROM teams WHERE organisation_id = \(organisationID) ORDER BY name",
            on: db
        ) {
            return try rows.map { row in
                let (id, name) = try row.decode((UUID, String).self)
                return TeamListing(id: id, name: name)
            }
        }
        // SQLite without the reader (tests, the command line).
        return try await db.scoped(to: organisationID).query(Team.self).sort(\.$name).all()
            .map { TeamListing(id: $0.id!, name: $0.name) }
    }
}
