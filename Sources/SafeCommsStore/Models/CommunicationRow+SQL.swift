import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// The chronology's hot paths go through SQLKit with plain `CommunicationRow` values rather than
/// Fluent's model machinery: bulk inserts (imports, the demo) and page reads. The personal fields are
/// sealed on the way in and opened on the way out, as `CommunicationRecord` does (`DataKeys`). Measured on this
/// machine, Fluent's per-row encoding and decoding cost five to ten times what SQLite itself does.
extension CommunicationRow {
    static let schema = CommunicationRecord.schema

    static let columns = [
        "id", "organisation_id", "case_id", "staff_id", "device_id", "person_id", "corrects_id", "channel", "direction",
        "counterpart_name", "counterpart_role", "counterpart_address", "occurred_at", "recorded_at", "duration_seconds",
        "transcript",
        "summary", "out_of_hours", "significant", "source", "natural_key",
    ]

    func sqlBinds(_ b: FastBinds) -> [any SQLExpression] {
        [
            b.uuid(id), b.uuid(organisationID), b.uuid(caseID), b.uuid(staffID), b.uuid(deviceID), b.uuid(personID),
            b.uuid(correctsID),
            SQLBind(channel), SQLBind(direction), b.text(DataKeys.seal(counterpartName)), b.text(counterpartRole),
            b.text(DataKeys.seal(counterpartAddress)),
            SQLBind(occurredAt), SQLBind(recordedAt), b.int(durationSeconds), b.text(DataKeys.seal(transcript)),
            b.text(DataKeys.seal(summary)), SQLBind(outOfHours),
            SQLBind(significant), SQLBind(source), b.text(naturalKey),
        ]
    }

    /// Multi-row INSERTs of at most `rowsPerStatement` rows (21 columns × 1,000 rows stays under
    /// SQLite's 32,766 bound parameters and PostgreSQL's 65,535).
    static func insert(
        _ records: some Collection<CommunicationRow>,
        on db: any Database,
        rowsPerStatement: Int = 1000
    ) async throws {
        if let sqlite = db as? any SQLiteDatabase {
            let S = SQLiteBulkInsert.self
            let records = Array(records)
            let shared = SQLiteBulkInsert.UUIDTexts(
                records.first.map { [$0.organisationID, $0.caseID, $0.staffID, $0.personID] } ?? []
            )
            try await SQLiteBulkInsert.run(
                table: schema,
                columns: columns,
                count: records.count,
                rowsPerStatement: rowsPerStatement,
                on: sqlite
            ) { i, out in
                let r = records[i]
                out.append(contentsOf: [
                    .text(r.id.uuidText), shared(r.organisationID), shared(r.caseID), shared(r.staffID),
                    S.uuid(r.deviceID), shared(r.personID),
                    S.uuid(r.correctsID), .text(r.channel), .text(r.direction),
                    S.text(DataKeys.seal(r.counterpartName)), S.text(r.counterpartRole),
                    S.text(DataKeys.seal(r.counterpartAddress)), S.date(r.occurredAt), S.date(r.recordedAt),
                    S.int(r.durationSeconds), S.text(DataKeys.seal(r.transcript)),
                    S.text(DataKeys.seal(r.summary)), S.bool(r.outOfHours), S.bool(r.significant), .text(r.source),
                    S.text(r.naturalKey),
                ])
            }
            return
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let all = Array(records)
        let binds = FastBinds(sql)
        for start in stride(from: 0, to: all.count, by: rowsPerStatement) {
            var insert = sql.insert(into: schema).columns(columns)
            for r in all[start..<min(start + rowsPerStatement, all.count)] {
                insert = insert.values(r.sqlBinds(binds))
            }
            try await insert.run()
        }
    }

    /// A record from a row selected with `SELECT *` (or every column of `columns`).
    static func decode(_ row: any SQLRow) throws -> CommunicationRow {
        CommunicationRow(
            id: try row.decode(column: "id", as: UUID.self),
            organisationID: try row.decode(column: "organisation_id", as: UUID.self),
            caseID: try row.decode(column: "case_id", as: UUID.self),
            staffID: try row.decode(column: "staff_id", as: UUID.self),
            deviceID: try row.decode(column: "device_id", as: UUID?.self),
            personID: try row.decode(column: "person_id", as: UUID?.self),
            correctsID: try row.decode(column: "corrects_id", as: UUID?.self),
            channel: try row.decode(column: "channel", as: String.self),
            direction: try row.decode(column: "direction", as: String.self),
            counterpartName: DataKeys.open(try row.decode(column: "counterpart_name", as: String?.self)),
            counterpartRole: try row.decode(column: "counterpart_role", as: String?.self),
            counterpartAddress: DataKeys.open(try row.decode(column: "counterpart_address", as: String?.self)),
            occurredAt: try row.decode(column: "occurred_at", as: Date.self),
            recordedAt: try row.decode(column: "recorded_at", as: Date.self),
            durationSeconds: try row.decode(column: "duration_seconds", as: Int?.self),
            transcript: DataKeys.open(try row.decode(column: "transcript", as: String?.self)),
            summary: DataKeys.open(try row.decode(column: "summary", as: String?.self)),
            outOfHours: try row.decode(column: "out_of_hours", as: Bool.self),
            significant: try row.decode(column: "significant", as: Bool.self),
            source: try row.decode(column: "source", as: String.self),
            naturalKey: try row.decode(column: "natural_key", as: String?.self)
        )
    }
}

struct SQLRequired: Error, CustomStringConvertible {
    var description: String { "SafeComms' store needs an SQL database (SQLite or PostgreSQL)" }
}
