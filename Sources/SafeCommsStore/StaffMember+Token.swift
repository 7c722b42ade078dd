import FluentKit
import Foundation
import SQLKit

extension StaffMember {
    /// The active member of staff an unrevoked API token belongs to, in one SQL query. Every API
    /// request makes this lookup; through Fluent's query builder it cost two queries and a reflection
    /// pass over each model (~300 µs of CPU a request, measured, issue 3).
    public static func forToken(hash: String, on db: any Database) async throws -> StaffMember? {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let active: any SQLExpression = sql.dialect.name == "sqlite" ? SQLRaw("1") : SQLRaw("TRUE")
        let rows = try await sql.raw("""
            SELECT s.id, s.organisation_id, s.team_id, s.line_manager_id, s.name, s.email, s.password_hash, s.roles, s.job_title, s.work_mobile
            FROM \(ident: APIToken.schema) t JOIN \(ident: schema) s ON s.id = t.staff_id
            WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL AND s.active = \(active)
            LIMIT 1
            """).all()
        guard let row = rows.first else { return nil }
        let staff = StaffMember(
            id: try row.decode(column: "id", as: UUID.self), organisationID: try row.decode(column: "organisation_id", as: UUID.self),
            teamID: try row.decode(column: "team_id", as: UUID?.self), lineManagerID: try row.decode(column: "line_manager_id", as: UUID?.self),
            name: try row.decode(column: "name", as: String.self), email: try row.decode(column: "email", as: String.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self), roles: [],
            jobTitle: try row.decode(column: "job_title", as: String?.self), workMobile: try row.decode(column: "work_mobile", as: String?.self))
        staff.rolesText = try row.decode(column: "roles", as: String.self)
        staff.$id.exists = true  // a stored row: saving it updates rather than inserts
        return staff
    }
}
