import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit

/// New review items written as multi-row INSERTs, as communication records are: an import of
/// 100,000 messages can flag thousands, and Fluent's one INSERT per model cost more than the scan
/// that found them (measured). Only the columns a new item has are written; the rest stay NULL.
extension ReviewItem {
    static let newColumns = [
        "id", "organisation_id", "case_id", "communication_id", "staff_id", "clause", "finding_types", "occurred_at",
        "flagged_at", "origin",
    ]

    /// 10 columns × 1,000 rows stays under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
    static func insert(_ items: [ReviewItem], on db: any Database, rowsPerStatement: Int = 1000) async throws {
        guard let first = items.first else { return }
        if let sqlite = db as? any SQLiteDatabase {
            let S = SQLiteBulkInsert.self
            let shared = SQLiteBulkInsert.UUIDTexts([first.organisationID, first.caseID, first.staffID])
            // The values are read from the models before the statements run, off this task's thread.
            let rows = items.map {
                ($0.id!, $0.organisationID, $0.caseID, $0.communicationID, $0.staffID, $0.clause, $0.findingTypes)
            }
            let times = items.map { ($0.occurredAt, $0.flaggedAt, $0.origin.rawValue) }
            try await SQLiteBulkInsert.run(
                table: schema,
                columns: newColumns,
                count: items.count,
                rowsPerStatement: rowsPerStatement,
                on: sqlite
            ) { i, out in
                let r = rows[i], t = times[i]
                out.append(contentsOf: [
                    .text(r.0.uuidText), shared(r.1), shared(r.2), S.uuid(r.3), shared(r.4), .text(r.5), .text(r.6),
                    S.date(t.0), S.date(t.1), .text(t.2),
                ])
            }
            return
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let binds = FastBinds(sql)
        for start in stride(from: 0, to: items.count, by: rowsPerStatement) {
            var insert = sql.insert(into: schema).columns(newColumns)
            for item in items[start..<min(start + rowsPerStatement, items.count)] {
                insert = insert.values([
                    binds.uuid(item.id), binds.uuid(item.organisationID), binds.uuid(item.caseID),
                    binds.uuid(item.communicationID), binds.uuid(item.staffID), SQLBind(item.clause),
                    SQLBind(item.findingTypes), SQLBind(item.occurredAt), SQLBind(item.flaggedAt),
                    SQLBind(item.origin.rawValue),
                ])
            }
            try await insert.run()
        }
    }
}
