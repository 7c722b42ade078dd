import Foundation
import SafeCommsCore

/// The API speaks snake_case JSON and ISO 8601 times (with or without fractional seconds). Request
/// bodies are read strictly (`StrictJSONDecoder`): an unknown or repeated field, a NUL in text or a
/// day that does not exist is refused by name.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatDate(date))
        }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func formatDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
