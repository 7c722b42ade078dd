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
        opensAtMinute: 8 * 60 + 30,
        closesAtMinute: 17 * 60,
        workingDays: [1, 2, 3, 4, 5],
        timeZone: "Europe/London",
        excludeBankHolidays: true
    )

    public init(
        opensAtMinute: Int,
        closesAtMinute: Int,
        workingDays: Set<Int>,
        timeZone: String,
        excludeBankHolidays: Bool
    ) {
        self.opensAtMinute = opensAtMinute
        self.closesAtMinute = closesAtMinute
        self.workingDays = workingDays
        self.timeZone = timeZone
        self.excludeBankHolidays = excludeBankHolidays
    }

    /// Checks the settings, naming the field at fault.
    public func validate() throws(ValidationError) {
        guard TimeZone(identifier: timeZone) != nil else {
            throw ValidationError(
                field: "office_hours.time_zone",
                reason: "'\(timeZone)' is not an IANA time zone such as Europe/London"
            )
        }
        guard (0...1440).contains(opensAtMinute), (0...1440).contains(closesAtMinute), opensAtMinute < closesAtMinute
        else {
            throw ValidationError(
                field: "office_hours.opens_at_minute",
                reason: "office hours must open before they close, within one day (0 to 1440)"
            )
        }
        guard !workingDays.isEmpty, workingDays.allSatisfy({ (1...7).contains($0) }) else {
            throw ValidationError(
                field: "office_hours.working_days",
                reason: "working days are 1 (Monday) to 7 (Sunday), at least one"
            )
        }
    }

    /// Whether an instant falls outside office hours: before opening, at or after closing, on a
    /// non-working day, or on an England and Wales bank holiday.
    public func isOutOfHours(_ instant: Date) -> Bool {
        let local = LocalTime(instant, zone: Self.zone(timeZone))
        if !workingDays.contains(local.isoWeekday) { return true }
        if excludeBankHolidays, BankHolidays.isHoliday(local.day) { return true }
        return local.minuteOfDay < opensAtMinute || local.minuteOfDay >= closesAtMinute
    }

    /// The first instant at or after `instant` that is in office hours: the instant itself, or the next
    /// opening. Each step jumps to the next local opening time, so a clock change only costs a step.
    /// With no working day in the next fortnight (a setting that cannot happen after `validate`), a
    /// fortnight on.
    public func nextOpening(atOrAfter instant: Date) -> Date {
        let zone = Self.zone(timeZone)
        var t = Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / 60).rounded(.up) * 60)
        for _ in 0..<40 {
            if !isOutOfHours(t) { return t }
            let local = LocalTime(t, zone: zone)
            let minutes =
                local.minuteOfDay < opensAtMinute
                ? opensAtMinute - local.minuteOfDay : 1440 - local.minuteOfDay + opensAtMinute
            t.addTimeInterval(Double(minutes) * 60)
        }
        return instant.addingTimeInterval(14 * 86_400)
    }

    /// The length of a working day, in minutes.
    public var dayLengthMinutes: Int { max(1, closesAtMinute - opensAtMinute) }

    /// The instant `minutes` of office hours after `instant`: the clock runs only while the office is
    /// open, so an hour asked for at 16:30 on a Friday is due at 09:00 on Monday (opening at 08:30,
    /// closing at 17:00).
    public func adding(officeMinutes minutes: Int, to instant: Date) -> Date {
        var remaining = max(0, minutes)
        var t = nextOpening(atOrAfter: instant)
        let zone = Self.zone(timeZone)
        for _ in 0..<400 {
            let left = closesAtMinute - LocalTime(t, zone: zone).minuteOfDay
            if remaining <= left { return t.addingTimeInterval(Double(remaining) * 60) }
            remaining -= left
            t = nextOpening(atOrAfter: t.addingTimeInterval(Double(left) * 60))
        }
        return t
    }

    /// Closing time on the working day `instant` falls in, or on the next working day when it falls out
    /// of hours.
    public func closeOfWorkingDay(atOrAfter instant: Date) -> Date {
        let t = nextOpening(atOrAfter: instant)
        let left = closesAtMinute - LocalTime(t, zone: Self.zone(timeZone)).minuteOfDay
        return t.addingTimeInterval(Double(left) * 60)
    }

    /// The calendar day an instant falls on in the organisation's time zone.
    public func localDay(of instant: Date) -> BankHolidays.Day {
        LocalTime(instant, zone: Self.zone(timeZone)).day
    }

    /// Time zones by identifier, made once: making one reads the zone's rules from disk.
    static let zones = BoundedCache<String, TimeZone>(capacity: 64)

    static func zone(_ id: String) -> TimeZone {
        zones.get(id) { TimeZone(identifier: id) ?? TimeZone(identifier: "Europe/London")! }
    }

    /// "08:30" style text for a minute of the day.
    public static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }

    /// Parses "08:30" into minutes after midnight.
    public static func parseClock(_ text: String, field: String) throws(ValidationError) -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h),
            (0..<60).contains(m),
            h * 60 + m <= 1440
        else { throw ValidationError(field: field, reason: "'\(text)' is not a time of day written HH:MM") }
        return h * 60 + m
    }
}

/// Wall-clock time in a zone, by arithmetic on the zone's offset at that instant: a `Calendar`
/// breakdown cost more than the rest of a pre-send check (measured).
struct LocalTime {
    let day: BankHolidays.Day
    /// 1 = Monday … 7 = Sunday.
    let isoWeekday: Int
    let minuteOfDay: Int

    init(_ instant: Date, zone: TimeZone) {
        let seconds = Int(floor(instant.timeIntervalSince1970)) + zone.secondsFromGMT(for: instant)
        let days = Int(floor(Double(seconds) / 86_400))
        minuteOfDay = (seconds - days * 86_400) / 60
        isoWeekday = ((days % 7 + 7) % 7 + 3) % 7 + 1  // 1970-01-01 was a Thursday
        day = BankHolidays.Day(daysSince1970: days)
    }
}

extension BankHolidays.Day {
    /// The Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    public init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
