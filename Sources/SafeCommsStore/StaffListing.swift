import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// A member of staff as pages list them (names in "recorded by" columns, choices of key worker), read
/// as plain columns: 200 staff as Fluent models cost a page more than its own query did.
public struct StaffListing: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var roles: Set<Role>
    public var teamID: UUID?
    public var active: Bool

    /// The organisation's staff, by name.
    public static func all(
        of organisationID: UUID,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> [StaffListing] {
        @Sendable func roles(_ text: String) -> Set<Role> {
            Set(text.split(separator: ",").compactMap { Role(rawValue: String($0)) })
        }
        let sql = "SELECT id, name, roles, team_id, active FROM staff WHERE organisation_id = ? ORDER BY name"
        if let reader {
            return try await reader.read { connection in
                var out: [StaffListing] = []
                try connection.each(sql, [.text(organisationID.uuidText)]) { row in
                    out.append(
                        StaffListing(
                            id: try row.id("id"),
                            name: try row.text("name"),
                            roles: roles(try row.text("roles")),
                            teamID: try row.optionalID("team_id"),
                            active: try row.flag("active")
                        )
                    )
                }
                return out
            }
        }
        if let rows = try await PostgresRows.all(
            "SELECT id, name, roles, team_id, active FROM staff WHERE organisation_id = \(organisationID) ORDER BY name",
            on: db
        ) {
            return try rows.map { row in
                let (id, name, roleList, teamID, active) = try row.decode((UUID, String, String, UUID?, Bool).self)
                return StaffListing(id: id, name: name, roles: roles(roleList), teamID: teamID, active: active)
            }
        }
        guard let sqlDB = db as? any SQLDatabase else { throw SQLRequired() }
        return try await sqlDB.select().columns("id", "name", "roles", "team_id", "active").from(StaffMember.schema)
            .where("organisation_id", .equal, organisationID).orderBy("name").all().map { row in
                StaffListing(
                    id: try row.decode(column: "id", as: UUID.self),
                    name: try row.decode(column: "name", as: String.self),
                    roles: roles(try row.decode(column: "roles", as: String.self)),
                    teamID: try row.decode(column: "team_id", as: UUID?.self),
                    active: try row.decode(column: "active", as: Bool.self)
                )
            }
    }
}
