import FluentKit
import Foundation
import NIOCore
import SQLKit
import SafeCommsCore

extension StaffMember {
    /// The active members of staff that unrevoked API tokens belong to, by token hash, in one SQL
    /// query however many tokens are asked about (`TokenLookup` asks for all the requests waiting).
    /// Through Fluent's query builder one lookup cost two queries and a reflection pass over each
    /// model (~300 µs of CPU a request, measured).
    /// - Parameter reader: SQLite's read connections, when the store is a SQLite file.
    public static func forTokens(
        hashes: [String],
        on db: any Database,
        reader: SQLiteReader? = nil
    ) -> EventLoopFuture<[String: TokenHolder]> {
        guard !hashes.isEmpty else { return db.eventLoop.makeSucceededFuture([:]) }
        if let reader {
            let sql = """
                SELECT t.token_hash, t.scope, t.expires_at, s.id, s.organisation_id, s.team_id, s.line_manager_id, \
                s.name, s.email, s.password_hash, s.roles, s.job_title, s.work_mobile \
                FROM \(APIToken.schema) t JOIN \(schema) s ON s.id = t.staff_id \
                WHERE t.token_hash IN (\(Array(repeating: "?", count: hashes.count).joined(separator: ","))) \
                AND t.revoked_at IS NULL AND s.active = 1
                """
            return reader.read(on: db.eventLoop) { connection in
                var out: [String: TokenHolder] = [:]
                try connection.each(sql, hashes.map { .text($0) }) { row in
                    out[try row.text("token_hash")] = TokenHolder(
                        scope: TokenScope(rawValue: try row.text("scope")),
                        expiresAt: row.column("expires_at")?.double.map(Date.init(timeIntervalSince1970:)),
                        id: try row.id("id"),
                        organisationID: try row.id("organisation_id"),
                        teamID: try row.optionalID("team_id"),
                        lineManagerID: try row.optionalID("line_manager_id"),
                        name: try row.text("name"),
                        email: try row.text("email"),
                        passwordHash: try row.text("password_hash"),
                        roles: try row.text("roles"),
                        jobTitle: row.optionalText("job_title"),
                        workMobile: row.optionalText("work_mobile")
                    )
                }
                return out
            }
        }
        guard let sql = db as? any SQLDatabase else { return db.eventLoop.makeFailedFuture(SQLRequired()) }
        let active: any SQLExpression = sql.dialect.name == "sqlite" ? SQLRaw("1") : SQLRaw("TRUE")
        return sql.raw(
            """
            SELECT t.token_hash, t.scope, t.expires_at, s.id, s.organisation_id, s.team_id, s.line_manager_id, s.name,
                   s.email, s.password_hash, s.roles, s.job_title, s.work_mobile
            FROM \(ident: APIToken.schema) t JOIN \(ident: schema) s ON s.id = t.staff_id
            WHERE t.token_hash IN (\(binds: hashes)) AND t.revoked_at IS NULL AND s.active = \(active)
            """
        ).all().flatMapThrowing { rows in try holders(rows) }
    }

    private static func holders(_ rows: [any SQLRow]) throws -> [String: TokenHolder] {
        var out: [String: TokenHolder] = [:]
        for row in rows {
            out[try row.decode(column: "token_hash", as: String.self)] = TokenHolder(
                scope: TokenScope(rawValue: try row.decode(column: "scope", as: String.self)),
                expiresAt: try row.decode(column: "expires_at", as: Date?.self),
                id: try row.decode(column: "id", as: UUID.self),
                organisationID: try row.decode(column: "organisation_id", as: UUID.self),
                teamID: try row.decode(column: "team_id", as: UUID?.self),
                lineManagerID: try row.decode(column: "line_manager_id", as: UUID?.self),
                name: try row.decode(column: "name", as: String.self),
                email: try row.decode(column: "email", as: String.self),
                passwordHash: try row.decode(column: "password_hash", as: String.self),
                roles: try row.decode(column: "roles", as: String.self),
                jobTitle: try row.decode(column: "job_title", as: String?.self),
                workMobile: try row.decode(column: "work_mobile", as: String?.self)
            )
        }
        return out
    }

    /// The stored values of a token and its member of staff: a value that can be shared between waiting
    /// requests, each of which gets its own model from it.
    public struct TokenHolder: Sendable {
        /// nil: a scope this build does not know, which allows nothing.
        public let scope: TokenScope?
        /// nil: missing, which counts as expired.
        public let expiresAt: Date?
        let id: UUID, organisationID: UUID, teamID: UUID?, lineManagerID: UUID?
        let name: String, email: String, passwordHash: String, roles: String, jobTitle: String?, workMobile: String?

        /// Whether the token may still be used at `now`.
        public func isCurrent(at now: Date) -> Bool { expiresAt.map { now < $0 } ?? false }

        public func member() -> StaffMember {
            StaffMember.stored(
                id: id,
                organisationID: organisationID,
                teamID: teamID,
                lineManagerID: lineManagerID,
                name: name,
                email: email,
                passwordHash: passwordHash,
                roles: roles,
                jobTitle: jobTitle,
                workMobile: workMobile,
                active: true,
                createdAt: nil
            )
        }
    }
}

extension StaffMember {
    /// A member of staff as loaded from the store (Fluent treats it as an existing row).
    static func stored(
        id: UUID,
        organisationID: UUID,
        teamID: UUID?,
        lineManagerID: UUID?,
        name: String,
        email: String,
        passwordHash: String,
        roles: String,
        jobTitle: String?,
        workMobile: String?,
        active: Bool,
        createdAt: Date?
    ) -> StaffMember {
        let s = StaffMember(
            id: id,
            organisationID: organisationID,
            teamID: teamID,
            lineManagerID: lineManagerID,
            name: name,
            email: email,
            passwordHash: passwordHash,
            roles: [],
            jobTitle: jobTitle,
            workMobile: workMobile
        )
        s.rolesText = roles
        s.active = active
        s.createdAt = createdAt
        s._$idExists = true
        return s
    }
}
