import Foundation
import FluentSQLiteDriver
import SafeCommsCore

extension CommunicationRow {
    /// A record straight from SQLite's row. SQLKit's generic decoding goes through `Decodable` for
    /// every column, and Foundation parses each UUID with `sscanf`: together a third of a chronology
    /// page's time (measured). SQLite keeps ids as their text, times as seconds since 1970 and
    /// flags as 0 or 1.
    static func decode(sqlite row: SQLiteRow) throws -> CommunicationRow {
        func text(_ column: String) throws -> String {
            guard let value = row.column(column)?.string else { throw UnreadableColumn(column: column) }
            return value
        }
        func optionalText(_ column: String) -> String? {
            guard let value = row.column(column), !value.isNull else { return nil }
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
            guard let seconds = row.column(column)?.double else { throw UnreadableColumn(column: column) }
            return Date(timeIntervalSince1970: seconds)
        }
        func flag(_ column: String) throws -> Bool {
            guard let value = row.column(column)?.bool else { throw UnreadableColumn(column: column) }
            return value
        }
        return CommunicationRow(
            id: try id("id"), organisationID: try id("organisation_id"), caseID: try id("case_id"), staffID: try id("staff_id"),
            deviceID: try optionalID("device_id"), personID: try optionalID("person_id"), correctsID: try optionalID("corrects_id"),
            channel: try text("channel"), direction: try text("direction"), counterpartName: optionalText("counterpart_name"),
            counterpartRole: optionalText("counterpart_role"), counterpartAddress: optionalText("counterpart_address"),
            occurredAt: try time("occurred_at"), recordedAt: try time("recorded_at"),
            durationSeconds: row.column("duration_seconds")?.integer.map { Int($0) }, transcript: optionalText("transcript"),
            summary: optionalText("summary"), outOfHours: try flag("out_of_hours"), significant: try flag("significant"),
            source: try text("source"), naturalKey: optionalText("natural_key"))
    }
}

/// A stored value that is not what its column holds (a damaged or hand-edited row).
struct UnreadableColumn: Error, CustomStringConvertible {
    var column: String
    var description: String { "a stored record's \(column) could not be read" }
}
