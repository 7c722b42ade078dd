import FluentKit
import FluentSQLiteDriver
import Foundation
import SafeCommsCore

extension CaseFile {
    /// The case with this id in this organisation, or nil. Every case page and case route reads one;
    /// on SQLite it is read from SQLite's own row rather than through Fluent's model decoding, which
    /// cost more than the query (measured).
    public static func find(_ id: UUID, organisationID: UUID, on db: any Database) async throws -> CaseFile? {
        guard let sqlite = db as? any SQLiteDatabase else {
            return try await db.scoped(to: organisationID).query(CaseFile.self).filter(\.$id == id)
                .first()
        }
        let rows = try await sqlite.query(findSQL, [.text(id.uuidText), .text(organisationID.uuidText)])
        return try rows.first.map { try decode($0, id: id, organisationID: organisationID) }
    }

    /// The same, on one of `SQLiteReader`'s connections (beside the reads of the same page).
    static func find(_ id: UUID, organisationID: UUID, in connection: SQLiteReader.Connection) throws -> CaseFile? {
        var found: CaseFile?
        try connection.each(findSQL, [.text(id.uuidText), .text(organisationID.uuidText)]) {
            found = try decode($0, id: id, organisationID: organisationID)
        }
        return found
    }

    private static let findSQL = "SELECT * FROM cases WHERE id = ? AND organisation_id = ?"

    private static func decode(_ row: some StoredRow, id: UUID, organisationID: UUID) throws -> CaseFile {
        let c = CaseFile(
            id: id,
            organisationID: organisationID,
            teamID: try row.optionalID("team_id"),
            keyWorkerID: try row.optionalID("key_worker_id"),
            reference: try row.text("reference"),
            displayName: DataKeys.open(try row.text("display_name")),
            status: try CaseStatus.parse(try row.text("status"), field: "status"),
            inCrisis: row.column("in_crisis")?.bool ?? false,
            openedOn: try row.text("opened_on")
        )
        c.createdAt = row.column("created_at")?.double.map(Date.init(timeIntervalSince1970:))
        c._$idExists = true
        return c
    }
}
