import FluentKit
import FluentSQLiteDriver
import Foundation
import PostgresNIO
import SQLKit
import SQLiteNIO
import SafeCommsCore

/// What the case page shows above the chronology: who the case is with, who holds it, and which
/// numbers have been given to the family (PD-1.3). Agreements are in `ChronologyLines.agreements`.
public struct CaseSummary: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var role: String
    }

    public struct Shared: Sendable, Equatable {
        public var number: String
        public var decidedOn: String
        public var by: String?
        public var personID: UUID?
    }

    public var keyWorker: String?
    public var team: String?
    public var people: [Person] = []
    public var shared: [Shared] = []

    public init() {}
}

extension CaseSummary {
    /// The people, the numbers shared and the holders' names in one statement (`k` says which a
    /// row is): three statements cost the chronology page a fifth of its rate (measured).
    static let summarySQL = """
        SELECT 'p' AS k, id AS a, role AS b, name AS c, NULL AS d FROM case_people \
        WHERE case_id = ?1 AND organisation_id = ?2 \
        UNION ALL SELECT 's', n.person_id, n.number, n.decided_on, s.name FROM number_sharing AS n \
        LEFT JOIN staff AS s ON s.id = n.staff_id WHERE n.case_id = ?1 AND n.organisation_id = ?2 AND n.shared \
        UNION ALL SELECT 'h', NULL, (SELECT name FROM staff WHERE id = ?3), (SELECT name FROM teams WHERE id = ?4), NULL
        """

    /// Read on SQLite's reader thread, in the same hop as the chronology.
    static func read(_ c: CaseFile, in connection: SQLiteReader.Connection) throws -> CaseSummary {
        var s = CaseSummary()
        try connection.each(summarySQL, sqliteBinds(c)) { try s.add($0) }
        return s.ordered()
    }

    private static func sqliteBinds(_ c: CaseFile) -> [SQLiteData] {
        [
            .text(c.id!.uuidText), .text(c.organisationID.uuidText),
            c.keyWorkerID.map { .text($0.uuidText) } ?? .null, c.teamID.map { .text($0.uuidText) } ?? .null,
        ]
    }

    /// One row of `summarySQL`, from SQLite.
    private mutating func add(_ row: some StoredRow) throws {
        switch try row.text("k") {
        case "p":
            people.append(Person(id: try row.id("a"), name: DataKeys.open(try row.text("c")), role: try row.text("b")))
        case "s":
            shared.append(
                Shared(
                    number: DataKeys.open(try row.text("b")),
                    decidedOn: try row.text("c"),
                    by: row.optionalText("d"),
                    personID: row.optionalText("a").flatMap(UUID.init(uuidString:))
                )
            )
        default:
            keyWorker = row.optionalText("b")
            team = row.optionalText("c")
        }
    }

    /// The union keeps each part's rows together but not their order: people by role, numbers by date.
    private func ordered() -> CaseSummary {
        var s = self
        s.people.sort { ($0.role, $0.id.uuidString) < ($1.role, $1.id.uuidString) }
        s.shared.sort { $0.decidedOn < $1.decidedOn }
        return s
    }

    /// The same without the reader: through SQLite-NIO, or on PostgreSQL the one statement with
    /// PostgreSQL's placeholders.
    static func read(_ c: CaseFile, on db: any Database) async throws -> CaseSummary {
        var s = CaseSummary()
        if let sqlite = db as? any SQLiteDatabase {
            for row in try await sqlite.query(summarySQL, sqliteBinds(c)) { try s.add(row) }
            return s.ordered()
        }
        var binds = PostgresBindings()
        binds.append(try c.requireID())
        binds.append(c.organisationID)
        binds.append(c.keyWorkerID)
        binds.append(c.teamID)
        let query = PostgresQuery(unsafeSQL: summarySQL.replacingOccurrences(of: "?", with: "$"), binds: binds)
        guard let rows = try await PostgresRows.all(query, on: db) else { throw SQLRequired() }
        for row in rows {
            // The columns `k`, `a`, `b`, `c`, `d` of `summarySQL`.
            let (k, a, b, text, d) = try row.decode((String, UUID?, String?, String?, String?).self)
            switch k {
            case "p":
                if let id = a { s.people.append(Person(id: id, name: DataKeys.open(text ?? ""), role: b ?? "")) }
            case "s":
                s.shared.append(Shared(number: DataKeys.open(b ?? ""), decidedOn: text ?? "", by: d, personID: a))
            default:
                s.keyWorker = b
                s.team = text
            }
        }
        return s.ordered()
    }
}
