import FluentKit
import FluentSQLiteDriver
import Foundation
import PostgresNIO
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
        guard let scope = Scope(q, p) else { return Result(cases: [], total: 0, page: 1, per: per) }
        let text = q.text.map { fold($0.trimmingCharacters(in: .whitespaces)) } ?? ""
        // No text, or text with a digit (only a reference has one): SQL finds the ids. Otherwise names
        // are compared too: three text columns a case, each name opened and folded once per process.
        var ids: [String]
        if text.isEmpty || text.contains(where: \.isNumber) {
            ids = try await scope.ids(referenceContaining: text.isEmpty ? nil : text, reader: reader, on: db)
        } else {
            let candidates = try await scope.rows(columns: "id, reference, display_name", reader: reader, on: db)
            let names = NameFolds.shared.folded(candidates.map(\.sealedName))
            ids = []
            for (c, name) in zip(candidates, names) where fold(c.reference).contains(text) || name.contains(text) {
                ids.append(c.id)
            }
        }
        let pages = max(1, (ids.count + per - 1) / per)
        let page = min(max(q.page, 1), pages)
        let start = (page - 1) * per
        let shown = Array(ids[min(start, ids.count)..<min(start + per, ids.count)])
        let byID = Dictionary(
            try await scope.listings(ids: shown, reader: reader, on: db).map { ($0.id.uuidText, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        return Result(cases: shown.compactMap { byID[$0] }, total: ids.count, page: page, per: per)
    }

    /// Text as searches compare it: without case or accents ("Zoë" finds "zoe"). Plain ASCII (every
    /// reference) is only lowercased, which is what folding would do to it.
    static func fold(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 }
            ? text.lowercased() : text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Names opened from their sealed form and folded, remembered by the sealed form (which changes
    /// when the name does), so a search opens each name once per process. One lock a search, not one
    /// a name: eight searches at once were queueing on it.
    final class NameFolds: @unchecked Sendable {
        static let shared = NameFolds()
        private let lock = NSLock()
        private var values: [String: String] = [:]
        private let capacity = 200_000

        func folded(_ sealed: [String]) -> [String] {
            var out = [String?](repeating: nil, count: sealed.count)
            lock.withLock {
                for (i, s) in sealed.enumerated() { out[i] = values[s] }
            }
            var made: [(String, String)] = []
            for (i, s) in sealed.enumerated() where out[i] == nil {
                let f = CaseSearch.fold(DataKeys.open(s))
                out[i] = f
                made.append((s, f))
            }
            if !made.isEmpty {
                lock.withLock {
                    if values.count + made.count > capacity { values.removeAll(keepingCapacity: true) }
                    for (s, f) in made { values[s] = f }
                }
            }
            return out.map { $0 ?? "" }
        }
    }

    /// Every case `p` may see that the query's filters keep, by reference.
    public static func listings(
        _ q: Query,
        for p: Principal,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> [CaseListing] {
        guard let scope = Scope(q, p) else { return [] }
        return try await scope.listings(ids: nil, reader: reader, on: db)
    }

    /// Those of these cases `p` may see, by reference.
    public static func listings(
        ids: some Collection<UUID>,
        for p: Principal,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> [CaseListing] {
        guard let scope = Scope(.init(), p) else { return [] }
        var out: [CaseListing] = []
        // In slices, within every engine's limit on bound values.
        for slice in Array(ids).chunked(2_000) {
            out += try await scope.listings(ids: slice.map(\.uuidText), reader: reader, on: db)
        }
        return out.sorted { $0.reference < $1.reference }
    }

    /// The cases a query may reach, as SQL: the reader's own (`VisibleCases`) narrowed by the filters.
    struct Scope {
        var p: Principal
        var conditions: [String] = ["organisation_id = ?"]
        var binds: [UUID?] = []
        var status: String?

        init?(_ q: Query, _ p: Principal) {
            self.p = p
            binds = [p.organisationID]
            let everything = p.roles.contains(.dsl) || p.roles.contains(.auditor)
            if !everything {
                guard p.roles.contains(.practitioner) || p.roles.contains(.manager) else { return nil }
                let teams = Array(p.teamIDs.union(p.roles.contains(.manager) ? p.managedTeamIDs : []))
                conditions.append(
                    "(key_worker_id = ?"
                        + (teams.isEmpty
                            ? "" : " OR team_id IN (" + teams.map { _ in "?" }.joined(separator: ",") + ")") + ")"
                )
                binds += [p.staffID] + teams
            }
            if let t = q.teamID {
                conditions.append("team_id = ?")
                binds.append(t)
            }
            if let k = q.keyWorkerID {
                conditions.append("key_worker_id = ?")
                binds.append(k)
            }
            status = q.status?.rawValue
        }

        struct Candidate: Sendable {
            var id: String
            var reference: String
            var sealedName: String
        }

        /// A reference containing this (lowercase) text, matched in SQL.
        var reference: String?

        func sql(_ columns: String, ids: Int?) -> String {
            var where_ = conditions
            if status != nil { where_.append("status = ?") }
            if reference != nil { where_.append("lower(reference) LIKE ? ESCAPE '\\'") }
            if let ids {
                where_.append("id IN (" + Array(repeating: "?", count: max(ids, 1)).joined(separator: ",") + ")")
            }
            return "SELECT \(columns) FROM cases WHERE " + where_.joined(separator: " AND ") + " ORDER BY reference"
        }

        func sqliteBinds(ids: [String]?) -> [SQLiteData] {
            binds.map { .text($0!.uuidText) } + (status.map { [.text($0)] } ?? []) + (pattern.map { [.text($0)] } ?? [])
                + (ids?.map { .text($0) } ?? [])
        }

        /// `reference` as a LIKE pattern, its own % and _ escaped.
        var pattern: String? {
            reference.map {
                "%"
                    + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
            }
        }

        /// The ids of the cases in scope whose reference contains `text` (all of them for nil), by reference.
        func ids(referenceContaining text: String?, reader: SQLiteReader?, on db: any Database) async throws -> [String]
        {
            var scope = self
            scope.reference = text
            let statement = scope.sql("id", ids: nil)
            if let reader {
                let values = scope.sqliteBinds(ids: nil)
                return try await reader.read { connection in
                    var out: [String] = []
                    try connection.each(statement, values) { row in out.append(try row.text("id")) }
                    return out
                }
            }
            guard let rows = try await PostgresRows.all(scope.postgresQuery(statement, ids: nil), on: db) else {
                throw SQLRequired()
            }
            return try rows.map { try $0.decode(UUID.self).uuidText }
        }

        /// `sql` with PostgreSQL's numbered placeholders and the values bound.
        func postgresQuery(_ sql: String, ids: [String]?) -> PostgresQuery {
            var bindings = PostgresBindings()
            for id in binds { bindings.append(id) }
            if let status { bindings.append(status) }
            if let pattern { bindings.append(pattern) }
            for id in (ids ?? []).compactMap(UUID.init(uuidString:)) { bindings.append(id) }
            var text = ""
            var n = 0
            for character in sql {
                if character == "?" {
                    n += 1
                    text += "$\(n)"
                } else {
                    text.append(character)
                }
            }
            return PostgresQuery(unsafeSQL: text, binds: bindings)
        }

        func rows(columns: String, reader: SQLiteReader?, on db: any Database) async throws -> [Candidate] {
            let statement = sql(columns, ids: nil)
            if let reader {
                let values = sqliteBinds(ids: nil)
                return try await reader.read { connection in
                    var out: [Candidate] = []
                    try connection.each(statement, values) { row in
                        out.append(
                            Candidate(
                                id: try row.text("id"),
                                reference: try row.text("reference"),
                                sealedName: try row.text("display_name")
                            )
                        )
                    }
                    return out
                }
            }
            guard let rows = try await PostgresRows.all(postgresQuery(statement, ids: nil), on: db) else {
                throw SQLRequired()
            }
            return try rows.map { row in
                let (id, reference, name) = try row.decode((UUID, String, String).self)
                return Candidate(id: id.uuidText, reference: reference, sealedName: name)
            }
        }

        /// The cases in full: those with these ids, or all of them (nil). Each is checked against
        /// `AccessPolicy` too, whatever the SQL said.
        func listings(ids: [String]?, reader: SQLiteReader?, on db: any Database) async throws -> [CaseListing] {
            if let ids, ids.isEmpty { return [] }
            let statement = sql(
                "id, reference, display_name, status, in_crisis, team_id, key_worker_id",
                ids: ids?.count
            )
            let p = self.p
            @Sendable func keep(_ c: CaseListing) -> Bool {
                AccessPolicy.canRead(
                    p,
                    CaseAllocation(organisationID: p.organisationID, teamID: c.teamID, keyWorkerID: c.keyWorkerID)
                )
            }
            if let reader {
                let values = sqliteBinds(ids: ids)
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
            guard let rows = try await PostgresRows.all(postgresQuery(statement, ids: ids), on: db) else {
                throw SQLRequired()
            }
            return try rows.compactMap { row in
                let (id, reference, name, status, inCrisis, teamID, keyWorkerID) = try row.decode(
                    (UUID, String, String, String, Bool, UUID?, UUID?).self
                )
                let c = CaseListing(
                    id: id,
                    reference: reference,
                    sealedName: name,
                    status: CaseStatus(rawValue: status) ?? .other,
                    inCrisis: inCrisis,
                    teamID: teamID,
                    keyWorkerID: keyWorkerID
                )
                return keep(c) ? c : nil
            }
        }
    }
}
