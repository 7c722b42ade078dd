import FluentSQLiteDriver
import Foundation
import SafeCommsCore

extension CommunicationRow {
    /// A record straight from SQLite's row. SQLKit's generic decoding goes through `Decodable` for
    /// every column, and Foundation parses each UUID with `sscanf`: together a third of a chronology
    /// page's time (measured). SQLite keeps ids as their text, times as seconds since 1970 and
    /// flags as 0 or 1.
    static func decode(sqlite row: SQLiteRow) throws -> CommunicationRow {
        CommunicationRow(
            id: try row.id("id"),
            organisationID: try row.id("organisation_id"),
            caseID: try row.id("case_id"),
            staffID: try row.id("staff_id"),
            deviceID: try row.optionalID("device_id"),
            personID: try row.optionalID("person_id"),
            correctsID: try row.optionalID("corrects_id"),
            channel: try row.text("channel"),
            direction: try row.text("direction"),
            counterpartName: DataKeys.open(row.optionalText("counterpart_name")),
            counterpartRole: row.optionalText("counterpart_role"),
            counterpartAddress: DataKeys.open(row.optionalText("counterpart_address")),
            occurredAt: try row.time("occurred_at"),
            recordedAt: try row.time("recorded_at"),
            durationSeconds: row.column("duration_seconds")?.integer.map { Int($0) },
            transcript: DataKeys.open(row.optionalText("transcript")),
            summary: DataKeys.open(row.optionalText("summary")),
            outOfHours: try row.flag("out_of_hours"),
            significant: try row.flag("significant"),
            source: try row.text("source"),
            naturalKey: row.optionalText("natural_key")
        )
    }
}
