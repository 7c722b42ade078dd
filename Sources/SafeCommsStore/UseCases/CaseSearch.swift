import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// A case as lists show it: what the case list, a home and a search need, read as plain columns
/// (a council's 5,000 cases as Fluent models took 150 ms to read; as columns, a few).
public struct CaseListing: Sendable, Equatable {
    public var id: UUID
    public var reference: String
    var sealedName: String
    public var status: CaseStatus
    public var inCrisis: Bool
    public var teamID: UUID?
    public var keyWorkerID: UUID?

    /// The child's name, opened from its sealed form when asked for.
    public var displayName: String { DataKeys.open(sealedName) }
}

/// Finding a case among a council's thousands: by reference or the child's name, narrowed by status,
/// team and key worker, a page at a time, among the cases the reader may see. Names are sealed at
/// rest (`DataKeys`), so they are matched after opening, never in SQL, and opened only for the cases
/// whose reference does not already match.
public enum CaseSearch {
    public struct Query: Sendable, Equatable {
        /// Part of a reference or of the child's name, in any case.
        public var text: String?
        public var status: CaseStatus?
        public var teamID: UUID?
        public var keyWorkerID: UUID?
        public var page: Int
        public var per: Int

        public init(
            text: String? = nil,
            status: CaseStatus? = nil,
            teamID: UUID? = nil,
            keyWorkerID: UUID? = nil,
            page: Int = 1,
            per: Int = 25
        ) {
            self.text = text
            self.status = status
            self.teamID = teamID
            self.keyWorkerID = keyWorkerID
            self.page = page
            self.per = per
        }
    }

    public struct Result: Sendable {
        public var cases: [CaseListing]
        /// How many match, over every page.
        public var total: Int
        public var page: Int
        public var per: Int

        public var pages: Int { max(1, (total + per - 1) / per) }
    }

    public static func run(
        _ q: Query,
        for p: Principal,
        reader: SQLiteReader? = nil,
        on db: any Database
    ) async throws -> Result {
        let per = min(max(q.per, 1), 200)
        var found = try await listings(q, for: p, reader: reader, on: db)
        if let text = q.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            found = found.filter {
                $0.reference.range(of: text, options: [.caseInsensitive]) != nil
                    || $0.displayName.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
            }
        }
        let pages = max(1, (found.count + per - 1) / per)
        let page = min(max(q.page, 1), pages)
        let start = (page - 1) * per
        return Result(
            cases: Array(found[min(start, found.count)..<min(start + per, found.count)]),
            total: found.count,
            page: page,
            per: per
        )
    }

    /// Every case `p` may see that the query's filters keep, by reference.
    public static func listings(
        _ q: Query,
        for p: Principal,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> [CaseListing] {
        let everything = p.roles.contains(.dsl) || p.roles.contains(.auditor)
        guard everything || p.roles.contains(.practitioner) || p.roles.contains(.manager) else { return [] }
        var sql = "SELECT id, reference, display_name, status, in_crisis, team_id, key_worker_id FROM cases"
        sql += " WHERE organisation_id = ?"
        var binds: [String] = [p.organisationID.uuidText]
        if let s = q.status {
            sql += " AND status = ?"
            binds.append(s.rawValue)
        }
        if let t = q.teamID {
            sql += " AND team_id = ?"
            binds.append(t.uuidText)
        }
        if let k = q.keyWorkerID {
            sql += " AND key_worker_id = ?"
            binds.append(k.uuidText)
        }
        sql += " ORDER BY reference"
        @Sendable func keep(_ c: CaseListing) -> Bool {
            AccessPolicy.canRead(
                p,
                CaseAllocation(organisationID: p.organisationID, teamID: c.teamID, keyWorkerID: c.keyWorkerID)
            )
        }
        if let reader {
            let statement = sql, values: [SQLiteData] = binds.map { .text($0) }
            return try await reader.read { connection in
                var out: [CaseListing] = []
                try connection.each(statement, values) { row in
                    let c = CaseListing(
                        id: try row.id("id"),
                        reference: try row.text("reference"),
                        sealedName: try row.text("display_name"),
                        status: CaseStatus(rawValue: try row.text("status")) ?? .other,
                        inCrisis: try row.flag("in_crisis"),
                        teamID: try row.optionalID("team_id"),
                        keyWorkerID: try row.optionalID("key_worker_id")
                    )
                    if keep(c) { out.append(c) }
                }
                return out
            }
        }
        guard let sqlDB = db as? any SQLDatabase else { throw SQLRequired() }
        var select = sqlDB.select()
            .columns("id", "reference", "display_name", "status", "in_crisis", "team_id", "key_worker_id")
            .from(CaseFile.schema).where("organisation_id", .equal, p.organisationID)
        if let s = q.status { select = select.where("status", .equal, s.rawValue) }
        if let t = q.teamID { select = select.where("team_id", .equal, t) }
        if let k = q.keyWorkerID { select = select.where("key_worker_id", .equal, k) }
        let rows = try await select.orderBy("reference").all()
        return try rows.compactMap { row in
            let c = CaseListing(
                id: try row.decode(column: "id", as: UUID.self),
                reference: try row.decode(column: "reference", as: String.self),
                sealedName: try row.decode(column: "display_name", as: String.self),
                status: CaseStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .other,
                inCrisis: try row.decode(column: "in_crisis", as: Bool.self),
                teamID: try row.decode(column: "team_id", as: UUID?.self),
                keyWorkerID: try row.decode(column: "key_worker_id", as: UUID?.self)
            )
            return keep(c) ? c : nil
        }
    }
}
