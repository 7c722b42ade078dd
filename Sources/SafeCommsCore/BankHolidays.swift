/// England and Wales bank holidays, computed from the rules in the Banking and Financial Dealings Act
/// 1971 plus the royal proclamations that moved or added days, so the calendar never runs out.
public enum BankHolidays {
    /// A calendar day, free of time zones.
    public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
        public let year: Int, month: Int, day: Int
        public init(_ year: Int, _ month: Int, _ day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }
        public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
        public var description: String {
            "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        }
        /// 0 = Sunday … 6 = Saturday (Zeller's congruence, proleptic Gregorian).
        public var weekday: Int {
            var m = month, y = year
            if m < 3 {
                m += 12
                y -= 1
            }
            let k = y % 100, j = y / 100
            let h = (day + (13 * (m + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7
            return (h + 6) % 7
        }
        public var isWeekend: Bool { weekday == 0 || weekday == 6 }

        /// Parses `YYYY-MM-DD`, refusing dates that do not exist (2015-02-30).
        public init?(parsing text: String) {
            let p = text.split(separator: "-", omittingEmptySubsequences: false)
            guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2, let y = Int(p[0]), let m = Int(p[1]),
                let d = Int(p[2]),
                (1...12).contains(m), d >= 1, d <= Day(y, m, 1).daysInMonth
            else { return nil }
            self.init(y, m, d)
        }
        var daysInMonth: Int {
            switch month {
            case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }
        func adding(days: Int) -> Day {
            var d = self
            for _ in 0..<abs(days) { d = days > 0 ? d.next : d.previous }
            return d
        }
        var next: Day {
            if day < daysInMonth { return Day(year, month, day + 1) }
            return month == 12 ? Day(year + 1, 1, 1) : Day(year, month + 1, 1)
        }
        var previous: Day {
            if day > 1 { return Day(year, month, day - 1) }
            if month == 1 { return Day(year - 1, 12, 31) }
            let prior = Day(year, month - 1, 1)
            return Day(year, month - 1, prior.daysInMonth)
        }
    }

    /// The bank holidays of one year in date order.
    public static func holidays(in year: Int) -> [Day] {
        var days: [Day] = []
        days.append(substituteIfWeekend(Day(year, 1, 1)))
        let easter = easterSunday(year)
        days.append(easter.adding(days: -2))  // Good Friday
        days.append(easter.adding(days: 1))  // Easter Monday
        // Early May: first Monday, moved to Friday 8 May in 2020 (VE Day 75); 2023 added the coronation.
        days.append(year == 2020 ? Day(2020, 5, 8) : firstMonday(year, 5))
        if year == 2023 { days.append(Day(2023, 5, 8)) }
        // Spring: last Monday of May, moved to 2 June in 2002, 2012 and 2022 for jubilees.
        switch year {
        case 2002: days += [Day(2002, 6, 3), Day(2002, 6, 4)]
        case 2012: days += [Day(2012, 6, 4), Day(2012, 6, 5)]
        case 2022: days += [Day(2022, 6, 2), Day(2022, 6, 3)]
        default: days.append(lastMonday(year, 5))
        }
        if year == 2011 { days.append(Day(2011, 4, 29)) }  // royal wedding
        if year == 2022 { days.append(Day(2022, 9, 19)) }  // state funeral
        days.append(lastMonday(year, 8))
        if year == 1999 { days.append(Day(1999, 12, 31)) }
        // Christmas and Boxing Day: a weekend day moves to the next free weekday.
        let christmas = Day(year, 12, 25), boxing = Day(year, 12, 26)
        switch christmas.weekday {
        case 5: days += [christmas, Day(year, 12, 28)]  // Friday: Boxing Day (Sat) moves to Monday
        case 6: days += [Day(year, 12, 27), Day(year, 12, 28)]  // Saturday
        case 0: days += [Day(year, 12, 26), Day(year, 12, 27)]  // Sunday: Boxing Day Monday, Christmas Tuesday
        default: days += [christmas, boxing]
        }
        return days.sorted()
    }

    /// Whether a calendar day is an England and Wales bank holiday.
    public static func isHoliday(_ day: Day) -> Bool {
        byYear.get(day.year) { holidays(in: day.year) }.contains(day)
    }

    /// Working a year's holidays out (Easter included) cost more than the rest of the time-of-day rules.
    static let byYear = BoundedCache<Int, [Day]>(capacity: 256)

    static func substituteIfWeekend(_ day: Day) -> Day {
        switch day.weekday {
        case 6: day.adding(days: 2)
        case 0: day.adding(days: 1)
        default: day
        }
    }

    static func firstMonday(_ year: Int, _ month: Int) -> Day {
        var d = Day(year, month, 1)
        while d.weekday != 1 { d = d.next }
        return d
    }

    static func lastMonday(_ year: Int, _ month: Int) -> Day {
        var d = Day(year, month, Day(year, month, 1).daysInMonth)
        while d.weekday != 1 { d = d.previous }
        return d
    }

    /// Western Easter Sunday (anonymous Gregorian algorithm).
    static func easterSunday(_ year: Int) -> Day {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return Day(year, month, day)
    }
}
