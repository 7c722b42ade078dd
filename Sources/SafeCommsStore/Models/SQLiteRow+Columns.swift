import FluentKit
import FluentSQLiteDriver
import Foundation
import SafeCommsCore

/// A stored row's columns as SQLite keeps them: ids as their text, times as seconds since 1970,
/// flags as 0 or 1. For the hot reads that skip SQLKit's `Decodable` path (a chronology page, a case,
/// a page view's session), whether read through SQLite-NIO or `SQLiteReader`.
public protocol StoredRow {
    func column(_ name: String) -> SQLiteData?
}

extension SQLiteRow: StoredRow {}

extension StoredRow {
    func text(_ column: String) throws -> String {
        guard let value = self.column(column)?.string else { throw UnreadableColumn(column: column) }
        return value
    }

    func optionalText(_ column: String) -> String? {
        guard let value = self.column(column), !value.isNull else { return nil }
        return value.string
    }

    func id(_ column: String) throws -> UUID {
        guard let value = UUID(uuidText: try text(column)) else { throw UnreadableColumn(column: column) }
        return value
    }

    func optionalID(_ column: String) throws -> UUID? {
        guard let value = optionalText(column) else { return nil }
        guard let id = UUID(uuidText: value) else { throw UnreadableColumn(column: column) }
        return id
    }

    func time(_ column: String) throws -> Date {
        guard let seconds = self.column(column)?.double else { throw UnreadableColumn(column: column) }
        return Date(timeIntervalSince1970: seconds)
    }

    func flag(_ column: String) throws -> Bool {
        guard let value = self.column(column)?.bool else { throw UnreadableColumn(column: column) }
        return value
    }
}

/// A stored value that is not what its column holds (a damaged or hand-edited row).
struct UnreadableColumn: Error, CustomStringConvertible {
    var column: String
    var description: String { "a stored record's \(column) could not be read" }
}
