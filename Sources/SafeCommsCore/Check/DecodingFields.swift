import Foundation

/// Any JSON object key, so a decoder can see every key a client sent and name the unknown ones.
struct AnyKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Field-by-field decoding that turns every failure into a `ValidationError` naming the JSON path
/// (`device.kind`, `case.people[2].date_of_birth`) and saying what was expected. A typo in a field
/// name is an error too: a misspelt `emergency` silently ignored would change the answer.
struct Fields {
    let container: KeyedDecodingContainer<AnyKey>
    let prefix: String

    init(_ decoder: any Decoder, prefix: String, known: Set<String>) throws {
        do { container = try decoder.container(keyedBy: AnyKey.self) } catch {
            throw ValidationError(field: prefix.isEmpty ? "request" : prefix, reason: "must be a JSON object")
        }
        self.prefix = prefix
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw ValidationError(
                field: path(key.stringValue),
                reason: "unknown field; expected one of: \(known.sorted().joined(separator: ", "))"
            )
        }
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    func has(_ key: String) -> Bool {
        container.contains(AnyKey(key)) && ((try? container.decodeNil(forKey: AnyKey(key))) == false)
    }

    /// The value, or nil when the key is absent or null (one lookup).
    func value<T: Decodable>(_ type: T.Type, _ key: String, expected: String) throws -> T? {
        do { return try container.decodeIfPresent(T.self, forKey: AnyKey(key)) } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError(field: path(key), reason: "expected \(expected)")
        }
    }

    func bool(_ key: String) throws -> Bool? { try value(Bool.self, key, expected: "true or false") }

    func string(_ key: String) throws -> String? { try value(String.self, key, expected: "a string") }

    func choice<E: RawRepresentable & CaseIterable>(
        _ type: E.Type,
        _ key: String,
        among allowed: [E]? = nil
    ) throws -> E?
    where E.RawValue == String {
        guard let raw = try string(key) else { return nil }
        return try E.parse(raw, field: path(key), among: allowed)
    }

    func choices<E: RawRepresentable & CaseIterable>(
        _ type: E.Type,
        _ key: String,
        among allowed: [E]? = nil
    ) throws -> [E]?
    where E.RawValue == String {
        guard let raws = try value([String].self, key, expected: "a list of strings") else { return nil }
        return try raws.enumerated().map { i, raw in try E.parse(raw, field: "\(path(key))[\(i)]", among: allowed) }
    }

    /// A nested object decoded with its own path prefix.
    func object<T>(_ key: String, _ make: (any Decoder, String) throws -> T) throws -> T? {
        guard has(key) else { return nil }
        let nested: any Decoder
        do { nested = try container.superDecoder(forKey: AnyKey(key)) } catch {
            throw ValidationError(field: path(key), reason: "must be a JSON object")
        }
        return try make(nested, path(key))
    }

    /// A list of nested objects, each decoded with `key[i]` as its path.
    func objects<T>(_ key: String, _ make: (any Decoder, String) throws -> T) throws -> [T]? {
        guard has(key) else { return nil }
        var list: any UnkeyedDecodingContainer
        do { list = try container.nestedUnkeyedContainer(forKey: AnyKey(key)) } catch {
            throw ValidationError(field: path(key), reason: "must be a list")
        }
        var out: [T] = []
        while !list.isAtEnd {
            let p = "\(path(key))[\(out.count)]"
            out.append(try make(try list.superDecoder(), p))
        }
        return out
    }
}

/// Instants as ISO 8601 with a zone (`2026-11-23T16:59:59Z`, `…+01:00`, fractional seconds allowed).
/// Foundation's parser rolls an impossible date over (`2026-02-30` became 2 March), so the calendar
/// fields are checked first: a chronology entry on a day that does not exist is a typing mistake.
public enum ISOInstant {
    static let plain = Date.ISO8601FormatStyle()
    static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func parse(_ text: String, field: String) throws(ValidationError) -> Date {
        if let impossible = impossibleField(text) {
            throw ValidationError(field: field, reason: "'\(text)' is not a real date and time: \(impossible)")
        }
        if let d = try? plain.parse(text) { return d }
        if let d = try? fractional.parse(text) { return d }
        throw ValidationError(
            field: field,
            reason:
                "'\(text)' is not an ISO 8601 date and time with a zone, such as 2026-11-23T16:30:00Z or 2026-06-01T09:00:00+01:00"
        )
    }

    /// What is out of range in `YYYY-MM-DDTHH:MM:SS…`, or nil (also for text of another shape, which
    /// the parser then judges).
    static func impossibleField(_ text: String) -> String? {
        let b = Array(text.utf8.prefix(19))
        guard b.count == 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A
        else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16),
            let s = number(17..<19)
        else { return nil }
        guard (1...12).contains(m) else { return "there is no month \(m)" }
        let days = BankHolidays.Day(y, m, 1).daysInMonth
        guard (1...days).contains(d) else { return "month \(m) of \(y) has \(days) days" }
        guard h <= 23, mi <= 59, s <= 59 else { return "the time \(h):\(mi):\(s) is out of range" }
        return nil
    }

    /// `2026-11-24T10:00:00Z`, as `Date.ISO8601FormatStyle` writes it, by arithmetic (every obligation
    /// carries one, and the format style cost more than the rules it served).
    static func format(_ date: Date) -> String {
        let t = Int(floor(date.timeIntervalSince1970))
        let days = Int(floor(Double(t) / 86_400))
        let s = t - days * 86_400
        let d = BankHolidays.Day(daysSince1970: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year =
            d.year < 1000 ? String(repeating: "0", count: 4 - String(d.year).count) + String(d.year) : String(d.year)
        return "\(year)-\(two(d.month))-\(two(d.day))T\(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60))Z"
    }
}
