import Foundation

/// The organisation's working week. Policies say "office hours" and "normal working hours" without
/// defining them (COV-4, COV-5, PD-1.2); this is the setting that makes them precise.
public struct OfficeHours: Codable, Equatable, Sendable {
    /// Minutes after local midnight; the day is [opens, closes): 17:00 exactly is already out of hours.
    public var opensAtMinute: Int
    public var closesAtMinute: Int
    /// ISO weekdays that are working days, 1 = Monday … 7 = Sunday.
    public var workingDays: Set<Int>
    /// IANA zone, Europe/London by default.
    public var timeZone: String
    public var excludeBankHolidays: Bool

    public static let standard = OfficeHours(
        opensAtMinute: 8 * 60 + 30, closesAtMinute: 17 * 60, workingDays: [1, 2, 3, 4, 5],
        timeZone: "Europe/London", excludeBankHolidays: true)

    public init(opensAtMinute: Int, closesAtMinute: Int, workingDays: Set<Int>, timeZone: String, excludeBankHolidays: Bool) {
        self.opensAtMinute = opensAtMinute
        self.closesAtMinute = closesAtMinute
        self.workingDays = workingDays
        self.timeZone = timeZone
        self.excludeBankHolidays = excludeBankHolidays
    }

    /// Checks the settings, naming the field at fault.
    public func validate() throws(ValidationError) {
        guard TimeZone(identifier: timeZone) != nil else {
            throw ValidationError(field: "office_hours.time_zone", reason: "'\(timeZone)' is not an IANA time zone such as Europe/London")
        }
        guard (0...1440).contains(opensAtMinute), (0...1440).contains(closesAtMinute), opensAtMinute < closesAtMinute else {
            throw ValidationError(field: "office_hours.opens_at_minute", reason: "office hours must open before they close, within one day (0 to 1440)")
        }
        guard !workingDays.isEmpty, workingDays.allSatisfy({ (1...7).contains($0) }) else {
            throw ValidationError(field: "office_hours.working_days", reason: "working days are 1 (Monday) to 7 (Sunday), at least one")
        }
    }

    /// Whether an instant falls outside office hours: before opening, at or after closing, on a
    /// non-working day, or on an England and Wales bank holiday.
    public func isOutOfHours(_ instant: Date) -> Bool {
        let calendar = Self.calendars(timeZone)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        let isoWeekday = (c.weekday! + 5) % 7 + 1  // Calendar: 1 = Sunday
        if !workingDays.contains(isoWeekday) { return true }
        if excludeBankHolidays, BankHolidays.isHoliday(.init(c.year!, c.month!, c.day!)) { return true }
        let minute = c.hour! * 60 + c.minute!
        return minute < opensAtMinute || minute >= closesAtMinute
    }

    /// The calendar day an instant falls on in the organisation's time zone.
    public func localDay(of instant: Date) -> BankHolidays.Day {
        let calendar = Self.calendars(timeZone)
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return BankHolidays.Day(c.year!, c.month!, c.day!)
    }

    /// Gregorian calendars by zone, made once: making one reads the zone's rules, which cost more than
    /// the whole of a pre-send check's rules (measured, issue 3).
    static let calendars = CalendarCache()

    final class CalendarCache: @unchecked Sendable {
        private let lock = NSLock()
        private var byZone: [String: Calendar] = [:]

        func callAsFunction(_ zone: String) -> Calendar {
            if let hit = lock.withLock({ byZone[zone] }) { return hit }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "Europe/London")!
            lock.withLock { if byZone.count < 64 { byZone[zone] = calendar } }
            return calendar
        }
    }

    /// "08:30" style text for a minute of the day.
    public static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }

    /// Parses "08:30" into minutes after midnight.
    public static func parseClock(_ text: String, field: String) throws(ValidationError) -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
            h * 60 + m <= 1440
        else { throw ValidationError(field: field, reason: "'\(text)' is not a time of day written HH:MM") }
        return h * 60 + m
    }
}
