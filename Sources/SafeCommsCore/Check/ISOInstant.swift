import Foundation

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
