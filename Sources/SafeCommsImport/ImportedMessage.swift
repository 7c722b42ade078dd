import Foundation

/// A date and time as written in an imported file, with no time zone: the organisation's zone is
/// applied when it is stored. `second` is nil when the file gave none.
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int
    public var second: Int?

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// `YYYY-MM-DDTHH:MM`, with `:SS` when the file had seconds.
    /// `YYYY-MM-DDTHH:MM[:SS]`, written byte by byte: a reconciliation writes one per unrecorded row,
    /// and string interpolation cost more than finding the row.
    public var description: String {
        let twoDigits = 0...99
        guard (1000...9999).contains(year), twoDigits.contains(month), twoDigits.contains(day),
            twoDigits.contains(hour), twoDigits.contains(minute),
            second.map(twoDigits.contains) ?? true
        else {
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let base = "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute))"
            return second.map { base + ":" + two($0) } ?? base
        }
        return String(unsafeUninitializedCapacity: 19) { out in
            func put(_ n: Int, _ digits: Int, at i: Int) {
                var n = n
                for k in stride(from: digits - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(n % 10)
                    n /= 10
                }
            }
            put(year, 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(hour, 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(minute, 2, at: 14)
            guard let second else { return 16 }
            out[16] = UInt8(ascii: ":")
            put(second, 2, at: 17)
            return 19
        }
    }

    var sortKey: Int { ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + (second ?? 0) }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.sortKey < b.sortKey }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Nil when the parts are not a real date and time (31 April, 25:00).
    static func valid(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int?) -> LocalDateTime? {
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), (0...23).contains(hour),
            (0...59).contains(minute),
            second.map({ (0...59).contains($0) }) ?? true
        else { return nil }
        return LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}

/// One message read from an export or backup, before it is matched to people and stored.
public struct ImportedMessage: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case text, media, deleted, call
        /// Written by WhatsApp itself (encryption notice, joined, left): not a communication.
        case system
    }

    /// The line its header is on.
    public var line: Int
    public var at: LocalDateTime
    /// As written in the file; nil for system messages.
    public var sender: String?
    public var text: String
    public var kind: Kind
    /// The attached file's name, when the export names it (media itself is never kept).
    public var attachment: String?

    public init(line: Int, at: LocalDateTime, sender: String?, text: String, kind: Kind, attachment: String? = nil) {
        self.line = line
        self.at = at
        self.sender = sender
        self.text = text
        self.kind = kind
        self.attachment = attachment
    }
}

extension LocalDateTime {
    /// The instant this wall-clock time was in `zone`. In the hour the clocks go back, the first of the
    /// two; in the hour they skip, the time an hour on (as a phone would have shown it). By arithmetic
    /// on the zone's offset rather than a `Calendar`, which cost more than the rest of an import.
    public func instant(in zone: TimeZone) -> Date? {
        let wall = wallSeconds
        // The offsets half a day either side cover any change that day; a reading is right when the
        // zone has that offset at the instant it gives.
        let before = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 43_200)))
        let after = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 43_200)))
        return Self.instant(wall: wall, before: before, after: after, zone: zone)
    }

    static func instant(wall: Double, before: Double, after: Double, zone: TimeZone) -> Date {
        if before == after { return Date(timeIntervalSince1970: wall - before) }
        let readings = [wall - before, wall - after].filter {
            Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: $0))) == wall - $0
        }
        return Date(timeIntervalSince1970: readings.min() ?? wall - before)
    }

    /// Seconds from 1970-01-01 00:00 to this wall-clock time, as if it were UTC.
    var wallSeconds: Double {
        // Days from 1970-01-01 to the date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + (second ?? 0))
    }
}

/// `LocalDateTime.instant(in:)` for many times in one zone: the zone's offsets are looked up once a
/// day rather than for every time (each lookup goes through ICU, which was a tenth of a bill's
/// reconciliation).
public final class ZoneClock {
    public let zone: TimeZone
    private var offsets: [Int: (before: Double, after: Double)] = [:]

    public init(_ zone: TimeZone) { self.zone = zone }

    public func instant(_ t: LocalDateTime) -> Date {
        let wall = t.wallSeconds
        let day = Int((wall / 86_400).rounded(.down))
        let o: (before: Double, after: Double)
        if let known = offsets[day] {
            o = known
        } else {
            // The offsets at the start and end of the day (and half a day beyond) bound any change in it.
            let start = Double(day) * 86_400
            o = (
                Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: start - 43_200))),
                Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: start + 86_400 + 43_200)))
            )
            if offsets.count > 100_000 { offsets.removeAll() }
            offsets[day] = o
        }
        return LocalDateTime.instant(wall: wall, before: o.before, after: o.after, zone: zone)
    }
}
