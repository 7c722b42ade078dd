import FluentSQLiteDriver
import Foundation

/// Multi-row INSERTs handed to SQLite with their values already in SQLite's own form: no SQL
/// builder and no `Encodable` round trip per value. The values are the ones Fluent itself stores
/// (UUIDs as upper-case text, dates as seconds since 1970, booleans as 0/1), so rows written here
/// read back through Fluent unchanged. Measured: the builder and encoder cost as much as SQLite's
/// own work for a communication record.
enum SQLiteBulkInsert {
    /// - Parameter rowsPerStatement: keeps `columns × rows` under SQLite's 32,766 bound parameters.
    static func run(table: String, columns: [String], rows: [[SQLiteData]], rowsPerStatement: Int, on db: any SQLiteDatabase) async throws {
        let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        var start = 0
        while start < rows.count {
            let end = min(start + rowsPerStatement, rows.count)
            let sql = head + Array(repeating: placeholders, count: end - start).joined(separator: ",")
            var binds: [SQLiteData] = []
            binds.reserveCapacity((end - start) * columns.count)
            for row in rows[start..<end] { binds.append(contentsOf: row) }
            _ = try await db.query(sql, binds)
            start = end
        }
    }

    static func uuid(_ v: UUID?) -> SQLiteData { v.map { .text($0.uuidString) } ?? .null }

    /// The same organisation, case and member of staff recur on every row of a batch; their text is
    /// made once.
    final class UUIDTexts {
        private var cache: [UUID: SQLiteData] = [:]

        func callAsFunction(_ v: UUID?) -> SQLiteData {
            guard let v else { return .null }
            if let hit = cache[v] { return hit }
            let data = SQLiteData.text(v.uuidString)
            if cache.count < 4096 { cache[v] = data }
            return data
        }
    }
    static func text(_ v: String?) -> SQLiteData { v.map { .text($0) } ?? .null }
    static func int(_ v: Int?) -> SQLiteData { v.map { .integer($0) } ?? .null }
    static func bool(_ v: Bool) -> SQLiteData { .integer(v ? 1 : 0) }
    static func date(_ v: Date) -> SQLiteData { .float(v.timeIntervalSince1970) }
}
