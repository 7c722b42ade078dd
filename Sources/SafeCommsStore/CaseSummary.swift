import FluentKit
import Foundation
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
        LEFT JOIN staff AS s ON s.id = n.staff_id WHERE n.case_id = ?1 AND n.organisation_id = ?2 AND n.shared = 1 \
        UNION ALL SELECT 'h', NULL, (SELECT name FROM staff WHERE id = ?3), (SELECT name FROM teams WHERE id = ?4), NULL
        """

    /// Read on SQLite's reader thread, in the same hop as the chronology.
    static func read(_ c: CaseFile, in connection: SQLiteReader.Connection) throws -> CaseSummary {
        var s = CaseSummary()
        let binds: [SQLiteData] = [
            .text(c.id!.uuidText), .text(c.organisationID.uuidText),
            c.keyWorkerID.map { .text($0.uuidText) } ?? .null, c.teamID.map { .text($0.uuidText) } ?? .null,
        ]
        try connection.each(summarySQL, binds) { row in
            switch try row.text("k") {
            case "p":
                s.people.append(
                    Person(id: try row.id("a"), name: DataKeys.open(try row.text("c")), role: try row.text("b"))
                )
            case "s":
                s.shared.append(
                    Shared(
                        number: DataKeys.open(try row.text("b")),
                        decidedOn: try row.text("c"),
                        by: row.optionalText("d"),
                        personID: row.optionalText("a").flatMap(UUID.init(uuidString:))
                    )
                )
            default:
                s.keyWorker = row.optionalText("b")
                s.team = row.optionalText("c")
            }
        }
        // The union keeps each part's rows together but not their order: people by role, numbers by date.
        s.people.sort { ($0.role, $0.id.uuidString) < ($1.role, $1.id.uuidString) }
        s.shared.sort { $0.decidedOn < $1.decidedOn }
        return s
    }

    /// The same through Fluent, for PostgreSQL.
    static func read(_ c: CaseFile, on db: any Database) async throws -> CaseSummary {
        var s = CaseSummary()
        let scope = db.scoped(to: c.organisationID)
        s.people = try await scope.query(CasePerson.self).filter(\.$caseID == c.id!).sort(\.$role).sort(\.$id).all()
            .map { Person(id: $0.id!, name: $0.name, role: $0.role) }
        let shared = try await scope.query(NumberSharing.self).filter(\.$caseID == c.id!).filter(\.$shared == true)
            .sort(\.$decidedOn).all()
        let staffIDs = Array(Set(shared.map(\.staffID) + [c.keyWorkerID].compactMap { $0 }))
        let names = Dictionary(
            staffIDs.isEmpty
                ? []
                : try await scope.query(StaffMember.self).filter(\.$id ~~ staffIDs).all().map { ($0.id!, $0.name) },
            uniquingKeysWith: { a, _ in a }
        )
        s.shared = shared.map {
            Shared(number: $0.number, decidedOn: $0.decidedOn, by: names[$0.staffID], personID: $0.personID)
        }
        s.keyWorker = c.keyWorkerID.flatMap { names[$0] }
        if let team = c.teamID { s.team = try await scope.query(Team.self).filter(\.$id == team).first()?.name }
        return s
    }
}
