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
    static let peopleSQL = """
        SELECT id, role, name FROM case_people WHERE case_id = ? AND organisation_id = ? ORDER BY role, id
        """
    static let sharedSQL = """
        SELECT n.number, n.decided_on, n.person_id, s.name AS by_name FROM number_sharing AS n \
        LEFT JOIN staff AS s ON s.id = n.staff_id \
        WHERE n.case_id = ? AND n.organisation_id = ? AND n.shared = 1 ORDER BY n.decided_on
        """
    static let holdersSQL = """
        SELECT (SELECT name FROM staff WHERE id = ?) AS key_worker, (SELECT name FROM teams WHERE id = ?) AS team
        """

    /// Read on SQLite's reader thread, in the same hop as the chronology.
    static func read(_ c: CaseFile, in connection: SQLiteReader.Connection) throws -> CaseSummary {
        var s = CaseSummary()
        let binds: [SQLiteData] = [.text(c.id!.uuidText), .text(c.organisationID.uuidText)]
        try connection.each(peopleSQL, binds) { row in
            s.people.append(
                Person(id: try row.id("id"), name: DataKeys.open(try row.text("name")), role: try row.text("role"))
            )
        }
        try connection.each(sharedSQL, binds) { row in
            s.shared.append(
                Shared(
                    number: DataKeys.open(try row.text("number")),
                    decidedOn: try row.text("decided_on"),
                    by: row.optionalText("by_name"),
                    personID: row.optionalText("person_id").flatMap(UUID.init(uuidString:))
                )
            )
        }
        try connection.each(
            holdersSQL,
            [c.keyWorkerID.map { .text($0.uuidText) } ?? .null, c.teamID.map { .text($0.uuidText) } ?? .null]
        ) { row in
            s.keyWorker = row.optionalText("key_worker")
            s.team = row.optionalText("team")
        }
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
