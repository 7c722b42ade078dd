import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// A page session and the member of staff it signs in, with the teams they manage, read in one
/// query: every page view needs all three, and three queries through Fluent's models were a sixth of
/// a chronology page's time (measured). The session row's `staff_id` says whose it is; it is kept
/// beside the session's data by `setStaff`.
public struct SignedInSession: Sendable {
    /// Fluent's sessions table (its session model writes the data).
    public static let table = "_fluent_sessions"

    public var data: [String: String]
    /// The member of staff the row names, whether or not the session's data still signs them in.
    public var staff: StaffMember?
    public var managedTeamIDs: Set<UUID>

    /// The session stored under `key` (the SHA-256 of its id), or nil.
    /// - Parameter reader: SQLite's read connections, when the store is a SQLite file.
    public static func load(
        key: String,
        on db: any Database,
        reader: SQLiteReader? = nil
    ) async throws
        -> SignedInSession?
    {
        if let reader {
            return try await reader.read { connection in
                var found: SignedInSession?
                try connection.each(sqliteQuery, [.text(key)]) { found = try decode(sqlite: $0) }
                return found
            }
        }
        if let sqlite = db as? any SQLiteDatabase {
            let rows = try await sqlite.query(sqliteQuery, [.text(key)])
            return try rows.first.map(decode(sqlite:))
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        return try await sql.raw("\(unsafeRaw: query(managed: "string_agg(t.id::text, ',')")) \(bind: key)").first()
            .map(decode(sql:))
    }

    /// Records whose session this is (nil: nobody signed in), in the transaction that writes it.
    public static func setStaff(key: String, staffID: UUID?, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let id: any SQLExpression = staffID.map { staffBind($0, db) } ?? SQLLiteral.null
        try await sql.update(table).set(SQLIdentifier("staff_id"), to: id).where("key", .equal, SQLBind(key)).run()
    }

    /// The data of every page session stored for `staffID` (some may have run out and not been visited since).
    public static func sessions(of staffID: UUID, on db: any Database) async throws -> [[String: String]] {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let rows = try await sql.select().column("data").from(table)
            .where(SQLIdentifier("staff_id"), .equal, staffBind(staffID, db)).all()
        return try rows.map { row in
            if db.isPostgres { return try row.decode(column: "data", as: [String: String].self) }
            var data: [String: String] = [:]
            let text = try row.decode(column: "data", as: String.self)
            if case .object(let members) = try JSONValue.parse(Array(text.utf8)) {
                for m in members { if case .string(let v) = m.value { data[m.key] = v } }
            }
            return data
        }
    }

    /// Ends every page session of `staffID` ("sign out everywhere"), audited in the same transaction.
    public static func endAll(of staffID: UUID, audit: AuditContext, on db: any Database) async throws {
        try await AuditLog.transaction(on: db, audit) { tx in
            try await deleteAll(of: staffID, on: tx)
            return ((), [AuditEntry(action: .signedOutEverywhere, entity: "staff", entityID: staffID.uuidString)])
        }
    }

    /// Deletes every page session of `staffID`, inside the caller's transaction.
    static func deleteAll(of staffID: UUID, on tx: any Database) async throws {
        guard let sql = tx as? any SQLDatabase else { throw SQLRequired() }
        try await sql.delete(from: table).where(SQLIdentifier("staff_id"), .equal, staffBind(staffID, tx)).run()
    }

    /// A staff id as the sessions table holds it: a UUID on PostgreSQL, its text on SQLite.
    private static func staffBind(_ id: UUID, _ db: any Database) -> any SQLExpression {
        db.isPostgres ? SQLBind(id) : SQLBind(id.uuidText)
    }

    private static let sqliteQuery = query(managed: "group_concat(t.id)") + " ?"

    private static func query(managed aggregate: String) -> String {
        """
        SELECT s.data, st.id AS staff_id, st.organisation_id, st.team_id, st.line_manager_id, st.name, st.email, st.password_hash,
          st.roles, st.job_title, st.work_mobile, st.active, st.created_at,
          (SELECT \(aggregate) FROM teams AS t WHERE t.manager_id = st.id AND t.organisation_id = st.organisation_id) AS managed
        FROM \(table) AS s LEFT JOIN staff AS st ON st.id = s.staff_id WHERE s.key =
        """
    }

    private static func decode(sqlite row: some StoredRow) throws -> SignedInSession {
        var data: [String: String] = [:]
        if let text = row.column("data")?.string, case .object(let members) = try JSONValue.parse(Array(text.utf8)) {
            for m in members { if case .string(let v) = m.value { data[m.key] = v } }
        }
        func id(_ column: String) -> UUID? { row.column(column)?.string.flatMap(UUID.init(uuidText:)) }
        var staff: StaffMember?
        if let staffID = id("staff_id"), let org = id("organisation_id") {
            staff = StaffMember.stored(
                id: staffID,
                organisationID: org,
                teamID: id("team_id"),
                lineManagerID: id("line_manager_id"),
                name: row.column("name")?.string ?? "",
                email: row.column("email")?.string ?? "",
                passwordHash: row.column("password_hash")?.string ?? "",
                roles: row.column("roles")?.string ?? "",
                jobTitle: row.column("job_title")?.string,
                workMobile: row.column("work_mobile")?.string,
                active: row.column("active")?.bool ?? false,
                createdAt: row.column("created_at")?.double.map(Date.init(timeIntervalSince1970:))
            )
        }
        let managed = (row.column("managed")?.string ?? "").split(separator: ",").compactMap {
            UUID(uuidText: String($0))
        }
        return SignedInSession(data: data, staff: staff, managedTeamIDs: Set(managed))
    }

    private static func decode(sql row: any SQLRow) throws -> SignedInSession {
        let data = try row.decode(column: "data", as: [String: String].self)
        var staff: StaffMember?
        if let staffID = try row.decode(column: "staff_id", as: UUID?.self) {
            staff = StaffMember.stored(
                id: staffID,
                organisationID: try row.decode(column: "organisation_id", as: UUID.self),
                teamID: try row.decode(column: "team_id", as: UUID?.self),
                lineManagerID: try row.decode(column: "line_manager_id", as: UUID?.self),
                name: try row.decode(column: "name", as: String.self),
                email: try row.decode(column: "email", as: String.self),
                passwordHash: try row.decode(column: "password_hash", as: String.self),
                roles: try row.decode(column: "roles", as: String.self),
                jobTitle: try row.decode(column: "job_title", as: String?.self),
                workMobile: try row.decode(column: "work_mobile", as: String?.self),
                active: try row.decode(column: "active", as: Bool.self),
                createdAt: try row.decode(column: "created_at", as: Date?.self)
            )
        }
        let managed = (try row.decode(column: "managed", as: String?.self) ?? "").split(separator: ",").compactMap {
            UUID(uuidText: String($0))
        }
        return SignedInSession(data: data, staff: staff, managedTeamIDs: Set(managed))
    }
}
