import FluentSQLiteDriver
import Foundation

/// Multi-row INSERTs handed to SQLite with their values already in SQLite's own form: no SQL
/// builder and no `Encodable` round trip per value. The values are the ones Fluent itself stores
/// (UUIDs as upper-case text, dates as seconds since 1970, booleans as 0/1), so rows written here
/// read back through Fluent unchanged. Measured: the builder and encoder cost as much as SQLite's
/// own work for a communication record.
enum SQLiteBulkInsert {
    /// - Parameters:
    ///   - rowsPerStatement: keeps `columns × rows` under SQLite's 32,766 bound parameters.
    ///   - row: appends row `i`'s values, one per column, in column order.
    ///
    /// While SQLite runs one statement (on the database's own thread), the next statement's values
    /// are made on this task's thread: an import's 100,000 records spend about as long in Swift
    /// becoming `SQLiteData` as in SQLite being inserted, so the two overlap.
    static func run(
        table: String,
        columns: [String],
        count: Int,
        rowsPerStatement: Int,
        on db: any SQLiteDatabase,
        row: @escaping @Sendable (Int, inout [SQLiteData]) -> Void
    ) async throws {
        guard count > 0 else { return }
        let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let width = columns.count
        @Sendable func binds(_ range: Range<Int>) -> [SQLiteData] {
            var out: [SQLiteData] = []
            out.reserveCapacity(range.count * width)
            for i in range { row(i, &out) }
            precondition(
                out.count == range.count * width,
                "\(table): a row gave \(out.count / max(range.count, 1)) values for \(width) columns"
            )
            return out
        }
        func statement(_ start: Int) -> Range<Int> { start..<min(start + rowsPerStatement, count) }
        var range = statement(0)
        var values = binds(range)
        while true {
            let following = range.upperBound < count ? statement(range.upperBound) : nil
            let next = following.map { r in Task { binds(r) } }
            do {
                _ = try await db.query(
                    head + Array(repeating: placeholders, count: range.count).joined(separator: ","),
                    values
                )
            } catch {
                next?.cancel()
                throw error
            }
            guard let following, let next else { return }
            range = following
            values = await next.value
        }
    }

    static func uuid(_ v: UUID?) -> SQLiteData { v.map { .text($0.uuidText) } ?? .null }

    /// The same organisation, case and member of staff recur on every row of a batch; their text is
    /// made once, up front, so the lookup needs no lock when the next statement's values are made
    /// while the current one runs.
    struct UUIDTexts: Sendable {
        private let known: [(UUID, SQLiteData)]

        init(_ ids: [UUID?]) {
            var known: [(UUID, SQLiteData)] = []
            for case let id? in ids where !known.contains(where: { $0.0 == id }) {
                known.append((id, .text(id.uuidText)))
            }
            self.known = known
        }

        func callAsFunction(_ v: UUID?) -> SQLiteData {
            guard let v else { return .null }
            for (id, text) in known where id == v { return text }
            return .text(v.uuidText)
        }
    }

    static func text(_ v: String?) -> SQLiteData { v.map { .text($0) } ?? .null }
    static func int(_ v: Int?) -> SQLiteData { v.map { .integer($0) } ?? .null }
    static func bool(_ v: Bool) -> SQLiteData { .integer(v ? 1 : 0) }
    static func date(_ v: Date) -> SQLiteData { .float(v.timeIntervalSince1970) }
}
