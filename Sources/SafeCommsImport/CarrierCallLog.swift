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
        /// The same for every row with this number as written: 0 for the bill's first number, 1 for
        /// the next new one, and so on. A reader that needs something per number keeps it in an array.
        public var numberID: Int
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

        public init(
            date: String,
            time: String? = nil,
            number: String,
            direction: String? = nil,
            duration: String? = nil,
            type: String? = nil,
            dateOrder: WhatsAppExport.DateOrder = .dayFirst
        ) {
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
            (
                "number",
                [
                    "number", "number called", "called number", "destination", "other party", "telephone number",
                    "phone number", "to/from",
                ]
            ),
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
            return ColumnMap(
                date: date,
                time: found["time"],
                number: number,
                direction: found["direction"],
                duration: found["duration"],
                type: found["type"]
            )
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
                throw ImportError(
                    line: 0,
                    reason:
                        "\(file): '\(unknown)' is not a column map field (\(known.sorted().joined(separator: ", ")))"
                )
            }
            guard let date = yaml["date"], let number = yaml["number"] else {
                throw ImportError(
                    line: 0,
                    reason: "\(file): date and number are required: the header names of those columns"
                )
            }
            var order = WhatsAppExport.DateOrder.dayFirst
            if let o = yaml["date_order"] {
                guard let parsed = WhatsAppExport.DateOrder(rawValue: o) else {
                    throw ImportError(
                        line: 0,
                        reason: "\(file): date_order '\(o)' is not day-first, month-first or year-first"
                    )
                }
                order = parsed
            }
            return ColumnMap(
                date: date,
                time: yaml["time"],
                number: number,
                direction: yaml["direction"],
                duration: yaml["duration"],
                type: yaml["type"],
                dateOrder: order
            )
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
        /// A column map is a handful of names: the text is capped and nothing but a flat mapping of
        /// names is read (see `BoundedYAML`).
        public static func parse(yamlText: String, file: String) throws -> ColumnMap {
            let root: Node
            do {
                root = try BoundedYAML.compose(yamlText, maxBytes: 16 << 10, maxValues: 200)
            } catch let refused as BoundedYAML.Refused {
                throw ImportError(line: 0, reason: "\(file) \(refused.description)")
            } catch {
                throw ImportError(line: 0, reason: "\(file): not YAML: \(error)")
            }
            guard case .mapping(let pairs) = root else {
                throw ImportError(line: 0, reason: "\(file): expected a YAML mapping of field names to column names")
            }
            var names: [String: String] = [:]
            for (key, value) in pairs {
                guard let field = key.scalar?.string, let column = value.scalar?.string else {
                    throw ImportError(line: 0, reason: "\(file): each field must name one column, as `date: Call Date`")
                }
                names[field] = column
            }
            return try parse(yaml: names, file: file)
        }
    }

    /// Reads every row, calling `each`; problems are returned with their lines and the row is not passed
    /// on (it is never silently dropped: it is in the errors).
    public static func read(
        _ reader: LineReader,
        map given: ColumnMap?,
        _ each: (Row) throws -> Void
    ) throws -> [ImportError] {
        var errors: [ImportError] = []
        var indices: (date: Int, time: Int?, number: Int, direction: Int?, duration: Int?, type: Int?)?
        var map = given
        // A bill repeats a few thousand numbers and a handful of directions and types: each is read
        // once, and found again from the row's bytes.
        var numbers = ByteTable<(number: String, e164: String?)>()
        var directions = ByteTable<Bool?>()
        var kinds = ByteTable<Kind>()
        try CSV.rows(reader) { record, line in
            guard let ix = indices else {
                // The header row.
                let fields = record.strings
                if map == nil { map = ColumnMap.detect(fields) }
                guard let m = map else {
                    throw ImportError(
                        line: line,
                        reason:
                            "the header row has no date and number columns I recognise (\(fields.joined(separator: ", "))): give a column map"
                    )
                }
                func column(_ name: String?) throws -> Int? {
                    guard let name else { return nil }
                    guard
                        let i = fields.firstIndex(where: {
                            $0.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(name) == .orderedSame
                        })
                    else {
                        throw ImportError(
                            line: line,
                            reason: "there is no column '\(name)' in the header row (\(fields.joined(separator: ", ")))"
                        )
                    }
                    return i
                }
                indices = (
                    try column(m.date)!, try column(m.time), try column(m.number)!, try column(m.direction),
                    try column(m.duration), try column(m.type)
                )
                return
            }
            if record.bytes.isEmpty { return }  // a blank row: every field empty
            func field(_ i: Int?) -> ArraySlice<UInt8>? {
                i.flatMap { $0 < record.count ? trimSpaces(record[$0]) : nil }
            }
            func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
            let dateBytes = field(ix.date) ?? [], timeBytes = field(ix.time)
            guard let at = parseDateTime(dateBytes, timeBytes, order: map!.dateOrder) else {
                errors.append(
                    ImportError(
                        line: line,
                        reason:
                            "'\([dateBytes, timeBytes].compactMap { $0.map(text) }.joined(separator: " "))' is not a date and time (\(map!.dateOrder.rawValue))"
                    )
                )
                return
            }
            guard let numberBytes = field(ix.number), !numberBytes.isEmpty else {
                errors.append(ImportError(line: line, reason: "the number is empty"))
                return
            }
            var duration: Int?
            if let d = field(ix.duration), !d.isEmpty {
                guard let seconds = parseDuration(d) else {
                    errors.append(
                        ImportError(line: line, reason: "'\(text(d))' is not a duration (seconds, m:ss or h:mm:ss)")
                    )
                    return
                }
                duration = seconds
            }
            var outgoing: Bool?
            if let raw = field(ix.direction) {
                // Added first, then read: the table is not read from while it is being added to.
                let entry = directions.index(of: raw) {
                    let d = text(raw).lowercased()
                    return d.hasPrefix("out") || d == "o" || d.contains("made") || d.contains("dialled")
                        ? true
                        : d.hasPrefix("in") || d == "i" || d.contains("received") ? false : nil
                }
                outgoing = directions[entry]
            }
            let typeBytes = field(ix.type) ?? []
            let kindEntry = kinds.index(of: typeBytes) {
                let t = text(typeBytes).lowercased()
                return ["sms", "text", "message", "mms"].contains(where: t.contains) ? .text : .call
            }
            let kind = kinds[kindEntry]
            let numberID = numbers.index(of: numberBytes) {
                let number = text(numberBytes)
                return (number, try? PhoneNumber(parsing: number, field: "number").e164)
            }
            let (number, e164) = numbers[numberID]
            try each(
                Row(
                    line: line,
                    at: at,
                    number: number,
                    e164: e164,
                    numberID: numberID,
                    outgoing: outgoing,
                    durationSeconds: duration,
                    kind: kind
                )
            )
        }
        if indices == nil { errors.append(ImportError(line: 0, reason: "the file is empty: expected a header row")) }
        return errors
    }

    /// Spaces and tabs off both ends.
    static func trimSpaces(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi, s[lo] == 0x20 || s[lo] == 0x09 { lo += 1 }
        while hi > lo, s[hi - 1] == 0x20 || s[hi - 1] == 0x09 { hi -= 1 }
        return s[lo..<hi]
    }

    /// "12/03/2024" + "14:05[:09]", or both in one field ("12/03/2024 14:05", "2024-03-12T14:05:09"):
    /// the numbers in order, read from the bytes.
    static func parseDateTime(
        _ date: ArraySlice<UInt8>,
        _ time: ArraySlice<UInt8>?,
        order: WhatsAppExport.DateOrder
    ) -> LocalDateTime? {
        // At most six numbers, kept in a fixed tuple rather than an array made per row.
        var numbers = (0, 0, 0, 0, 0, 0), count = 0
        func push(_ v: Int) -> Bool {
            switch count {
            case 0: numbers.0 = v
            case 1: numbers.1 = v
            case 2: numbers.2 = v
            case 3: numbers.3 = v
            case 4: numbers.4 = v
            case 5: numbers.5 = v
            default: return false
            }
            count += 1
            return true
        }
        for part in [date, time ?? []] {
            var value = -1
            for b in part {
                if b &- 0x30 < 10 {
                    value = (value < 0 ? 0 : value) * 10 + Int(b &- 0x30)
                    if value > 9_999 { return nil }
                } else if b == UInt8(ascii: "/") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: ":")
                    || b == UInt8(ascii: " ") || b == UInt8(ascii: "T")
                {
                    if value >= 0, !push(value) { return nil }
                    value = -1
                } else {
                    return nil
                }
            }
            if value >= 0, !push(value) { return nil }
        }
        guard count == 5 || count == 6 else { return nil }
        let (a, b, c) = (numbers.0, numbers.1, numbers.2)
        var (y, mo, d): (Int, Int, Int)
        switch order {
        case .yearFirst: (y, mo, d) = (a, b, c)
        case .dayFirst: (y, mo, d) = (c, b, a)
        case .monthFirst: (y, mo, d) = (c, a, b)
        }
        if y < 100 { y += 2000 }
        return LocalDateTime.valid(
            year: y,
            month: mo,
            day: d,
            hour: numbers.3,
            minute: numbers.4,
            second: count == 6 ? numbers.5 : nil
        )
    }

    /// Seconds: "75", "1:15", "0:01:15".
    static func parseDuration(_ text: ArraySlice<UInt8>) -> Int? {
        var total = 0, part = -1, parts = 1
        for b in text {
            if b &- 0x30 < 10 {
                part = (part < 0 ? 0 : part) * 10 + Int(b &- 0x30)
                if part > 1_000_000_000 { return nil }
            } else if b == UInt8(ascii: ":"), part >= 0, parts < 3 {
                total = total * 60 + part
                part = -1
                parts += 1
            } else {
                return nil
            }
        }
        guard part >= 0 else { return nil }
        return total * 60 + part
    }
}
