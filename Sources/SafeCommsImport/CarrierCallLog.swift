import Foundation
import SafeCommsCore
import Yams

/// A carrier's itemised bill of calls and texts, as CSV (RFC 4180: quoted fields, doubled quotes, a
/// quoted field may run over lines). Which column is which comes from a small YAML column map; without
/// one, the header row's names are recognised (Date, Time, Number, Direction, Duration, Type and their
/// usual variants). Read a row at a time: memory stays constant.
public enum CarrierCallLog {
    public enum Kind: String, Sendable { case call, text }

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var at: LocalDateTime
        /// As written in the bill; E.164 when it reads as a phone number.
        public var number: String
        public var e164: String?
        /// nil when the bill does not say.
        public var outgoing: Bool?
        public var durationSeconds: Int?
        public var kind: Kind
    }

    /// Which header names the fields are in, and how dates are written.
    public struct ColumnMap: Sendable, Equatable {
        public var date: String
        /// nil when the date column holds the time as well.
        public var time: String?
        public var number: String
        public var direction: String?
        public var duration: String?
        public var type: String?
        /// `day-first` (UK bills), `month-first` or `year-first`.
        public var dateOrder: WhatsAppExport.DateOrder

        public init(date: String, time: String? = nil, number: String, direction: String? = nil, duration: String? = nil, type: String? = nil,
                    dateOrder: WhatsAppExport.DateOrder = .dayFirst) {
            self.date = date
            self.time = time
            self.number = number
            self.direction = direction
            self.duration = duration
            self.type = type
            self.dateOrder = dateOrder
        }

        /// Header names as bills write them, for each field.
        static let synonyms: [(field: String, names: [String])] = [
            ("date", ["date", "call date", "date of call", "start date", "date/time", "date and time", "datetime"]),
            ("time", ["time", "call time", "start time", "time of call"]),
            ("number", ["number", "number called", "called number", "destination", "other party", "telephone number", "phone number", "to/from"]),
            ("direction", ["direction", "in/out", "call direction"]),
            ("duration", ["duration", "call duration", "length", "duration (secs)", "duration (seconds)"]),
            ("type", ["type", "call type", "service", "description"]),
        ]

        /// Recognises the usual header names; nil when date or number is not found.
        public static func detect(_ header: [String]) -> ColumnMap? {
            var found: [String: String] = [:]
            for name in header {
                let key = name.trimmingCharacters(in: .whitespaces).lowercased()
                for (field, names) in synonyms where names.contains(key) && found[field] == nil { found[field] = name }
            }
            guard let date = found["date"], let number = found["number"] else { return nil }
            return ColumnMap(date: date, time: found["time"], number: number, direction: found["direction"], duration: found["duration"], type: found["type"])
        }

        /// The YAML column map:
        /// ```yaml
        /// date: Call Date        # required
        /// time: Call Time        # when the date column has no time
        /// number: Number Called  # required
        /// direction: Direction
        /// duration: Duration
        /// type: Type
        /// date_order: day-first  # month-first, year-first
        /// ```
        public static func parse(yaml: [String: String], file: String) throws -> ColumnMap {
            let known: Set = ["date", "time", "number", "direction", "duration", "type", "date_order"]
            if let unknown = yaml.keys.sorted().first(where: { !known.contains($0) }) {
                throw ImportError(line: 0, reason: "\(file): '\(unknown)' is not a column map field (\(known.sorted().joined(separator: ", ")))")
            }
            guard let date = yaml["date"], let number = yaml["number"] else {
                throw ImportError(line: 0, reason: "\(file): date and number are required: the header names of those columns")
            }
            var order = WhatsAppExport.DateOrder.dayFirst
            if let o = yaml["date_order"] {
                guard let parsed = WhatsAppExport.DateOrder(rawValue: o) else {
                    throw ImportError(line: 0, reason: "\(file): date_order '\(o)' is not day-first, month-first or year-first")
                }
                order = parsed
            }
            return ColumnMap(
                date: date, time: yaml["time"], number: number, direction: yaml["direction"], duration: yaml["duration"], type: yaml["type"], dateOrder: order)
        }

        /// A column map in a YAML file, as `--columns FILE` names it.
        public static func load(path: String) throws -> ColumnMap {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ImportError(line: 0, reason: "cannot read \(path): \(error.localizedDescription)")
            }
            return try parse(yamlText: text, file: path)
        }

        /// A column map written as YAML (as above); `file` names it in errors.
        public static func parse(yamlText: String, file: String) throws -> ColumnMap {
            let loaded: Any?
            do {
                loaded = try Yams.load(yaml: yamlText)
            } catch {
                throw ImportError(line: 0, reason: "\(file): not YAML: \(error)")
            }
            guard let mapping = loaded as? [String: Any] else {
                throw ImportError(line: 0, reason: "\(file): expected a YAML mapping of field names to column names")
            }
            return try parse(yaml: mapping.mapValues { "\($0)" }, file: file)
        }
    }

    /// Reads every row, calling `each`; problems are returned with their lines and the row is not passed
    /// on (it is never silently dropped: it is in the errors).
    public static func read(_ reader: LineReader, map given: ColumnMap?, _ each: (Row) throws -> Void) throws -> [ImportError] {
        var errors: [ImportError] = []
        var indices: (date: Int, time: Int?, number: Int, direction: Int?, duration: Int?, type: Int?)?
        var map = given
        // A bill repeats a few thousand numbers and a handful of directions and types: each is read
        // once (parsing a number or searching a string per row cost more than the rest of a row).
        var numbers: [String: String?] = [:]
        var directions: [String: Bool?] = [:]
        var kinds: [String: Kind] = [:]
        try CSV.rows(reader) { fields, line in
            guard let ix = indices else {
                // The header row.
                if map == nil { map = ColumnMap.detect(fields) }
                guard let m = map else {
                    throw ImportError(line: line, reason: "the header row has no date and number columns I recognise (\(fields.joined(separator: ", "))): give a column map")
                }
                func column(_ name: String?) throws -> Int? {
                    guard let name else { return nil }
                    guard let i = fields.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(name) == .orderedSame }) else {
                        throw ImportError(line: line, reason: "there is no column '\(name)' in the header row (\(fields.joined(separator: ", ")))")
                    }
                    return i
                }
                indices = (try column(m.date)!, try column(m.time), try column(m.number)!, try column(m.direction), try column(m.duration), try column(m.type))
                return
            }
            if fields.allSatisfy({ $0.isEmpty }) { return }
            func field(_ i: Int?) -> Substring? { i.flatMap { $0 < fields.count ? trimSpaces(fields[$0]) : nil } }
            let dateText = field(ix.date) ?? "", timeText = field(ix.time)
            guard let at = parseDateTime(dateText, timeText, order: map!.dateOrder) else {
                errors.append(ImportError(line: line, reason: "'\([dateText, timeText].compactMap { $0 }.joined(separator: " "))' is not a date and time (\(map!.dateOrder.rawValue))"))
                return
            }
            guard let number = field(ix.number).map(String.init), !number.isEmpty else {
                errors.append(ImportError(line: line, reason: "the number is empty"))
                return
            }
            var duration: Int?
            if let d = field(ix.duration), !d.isEmpty {
                guard let seconds = parseDuration(d) else {
                    errors.append(ImportError(line: line, reason: "'\(d)' is not a duration (seconds, m:ss or h:mm:ss)"))
                    return
                }
                duration = seconds
            }
            var outgoing: Bool?
            if let raw = field(ix.direction).map(String.init) {
                if let known = directions[raw] {
                    outgoing = known
                } else {
                    let d = raw.lowercased()
                    outgoing = d.hasPrefix("out") || d == "o" || d.contains("made") || d.contains("dialled") ? true
                        : d.hasPrefix("in") || d == "i" || d.contains("received") ? false : nil
                    directions[raw] = outgoing
                }
            }
            let rawType = field(ix.type).map(String.init) ?? ""
            let kind = kinds[rawType] ?? {
                let t = rawType.lowercased()
                let k: Kind = ["sms", "text", "message", "mms"].contains(where: t.contains) ? .text : .call
                kinds[rawType] = k
                return k
            }()
            let e164: String?
            if let known = numbers[number] {
                e164 = known
            } else {
                e164 = try? PhoneNumber(parsing: number, field: "number").e164
                numbers[number] = e164
            }
            try each(Row(line: line, at: at, number: number, e164: e164, outgoing: outgoing, durationSeconds: duration, kind: kind))
        }
        if indices == nil { errors.append(ImportError(line: 0, reason: "the file is empty: expected a header row")) }
        return errors
    }

    /// Spaces and tabs off both ends.
    static func trimSpaces(_ s: String) -> Substring {
        let u = s.utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return s[first...last]
    }

    /// "12/03/2024" + "14:05[:09]", or both in one field ("12/03/2024 14:05", "2024-03-12T14:05:09"):
    /// the numbers in order, read from the bytes.
    static func parseDateTime(_ date: Substring, _ time: Substring?, order: WhatsAppExport.DateOrder) -> LocalDateTime? {
        var numbers: [Int] = []
        numbers.reserveCapacity(6)
        for part in [date, time ?? ""] {
            var value = -1
            for b in part.utf8 {
                if b &- 0x30 < 10 {
                    value = (value < 0 ? 0 : value) * 10 + Int(b &- 0x30)
                    if value > 9_999 { return nil }
                } else if b == UInt8(ascii: "/") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: ":")
                    || b == UInt8(ascii: " ") || b == UInt8(ascii: "T")
                {
                    if value >= 0 { numbers.append(value) }
                    value = -1
                } else {
                    return nil
                }
            }
            if value >= 0 { numbers.append(value) }
        }
        guard numbers.count == 5 || numbers.count == 6 else { return nil }
        let (a, b, c) = (numbers[0], numbers[1], numbers[2])
        var (y, mo, d): (Int, Int, Int)
        switch order {
        case .yearFirst: (y, mo, d) = (a, b, c)
        case .dayFirst: (y, mo, d) = (c, b, a)
        case .monthFirst: (y, mo, d) = (c, a, b)
        }
        if y < 100 { y += 2000 }
        return LocalDateTime.valid(year: y, month: mo, day: d, hour: numbers[3], minute: numbers[4], second: numbers.count == 6 ? numbers[5] : nil)
    }

    /// Seconds: "75", "1:15", "0:01:15".
    static func parseDuration(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":").map { Int($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        return parts.reduce(0) { $0 * 60 + $1! }
    }
}

