import Foundation
import SafeCommsCore
import Vapor

/// Values read from a request's path and query, each refused by name in words a user understands.
/// Shared by the API and the pages, so neither calls the other for them.
extension Request {
    /// A path parameter that must be an id.
    func id(_ parameter: String, field: String) throws -> UUID {
        let text = parameters.get(parameter) ?? ""
        guard let id = UUID(uuidString: text) else {
            throw ValidationError(field: field, reason: "'\(text)' is not an id")
        }
        return id
    }

    /// `?name=true` (or 1, yes) and `false` (0, no); nil when absent.
    func flag(query name: String) throws -> Bool? {
        guard let raw = queryText(name) else { return nil }
        switch raw {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ValidationError(field: name, reason: "'\(raw)' is not true or false")
        }
    }

    /// `?name=N` with N from 1 to `max`; nil when absent.
    func wholeNumber(query name: String, max: Int) throws -> Int? {
        guard let raw = queryText(name) else { return nil }
        guard let n = Int(raw), (1...max).contains(n) else {
            throw ValidationError(field: name, reason: "'\(raw)' is not a whole number from 1 to \(max)")
        }
        return n
    }

    /// `?name=value`'s value, nil when absent. A query without escapes is read as it is; Vapor's query
    /// decoder, which decodes the whole query on every call, reads the rest. Most page loads carry no
    /// query at all, and decoding it cost the chronology page a fiftieth of its time (measured).
    func queryText(_ name: String) -> String? {
        guard let q = url.query, !q.isEmpty else { return nil }
        if q.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return query[name] }
        for pair in q.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}

/// A time a caller gives for something that has happened (`at`), not in the future beyond a few
/// minutes' clock difference; now when not given.
func pastInstant(_ text: String?, field: String = "at") throws -> Date {
    guard let text else { return Date() }
    let at = try ISOInstant.parse(text, field: field)
    if at > Date().addingTimeInterval(300) { throw ValidationError(field: field, reason: "is in the future") }
    return at
}
