import Foundation

extension Email {
    /// RFC 5322 dates (`Tue, 12 Mar 2024 09:15:00 +0000`), with its obsolete forms: no day name, no
    /// seconds, two- and three-digit years, named zones, comments and white space anywhere. By hand
    /// rather than with a DateFormatter, which is slow and follows the machine's locale.
    enum DateParser {
        enum Token: Equatable {
            case number(String, sign: Int?)
            case word(String)
            case comma, colon
        }

        /// The wall-clock time as written and the instant it was, or nil when `text` is not a date.
        static func parse(_ text: String) -> (written: LocalDateTime, at: Date)? {
            guard var t = tokens(MIME.withoutComments(text))?[...] else { return nil }
            func number(digits: ClosedRange<Int>) -> Int? {
                guard case .number(let n, nil) = t.first, digits.contains(n.count) else { return nil }
                t.removeFirst()
                return Int(n)
            }
            func take(_ token: Token) -> Bool {
                guard t.first == token else { return false }
                t.removeFirst()
                return true
            }
            if case .word(let day) = t.first {
                guard weekday(day) else { return nil }
                t.removeFirst()
                _ = take(.comma)
            }
            guard let day = number(digits: 1...2), case .word(let m) = t.first, let month = month(m) else { return nil }
            t.removeFirst()
            guard case .number(let y, nil) = t.first, y.count >= 2, var year = Int(y) else { return nil }
            t.removeFirst()
            // RFC 5322 4.3: two digits are 1950–2049, three are added to 1900.
            switch y.count {
            case 2: year += year < 50 ? 2000 : 1900
            case 3: year += 1900
            default: guard year >= 1900 else { return nil }
            }
            guard let hour = number(digits: 1...2), take(.colon), let minute = number(digits: 2...2) else { return nil }
            var second: Int?
            if take(.colon) {
                guard let s = number(digits: 2...2) else { return nil }
                second = s
            }
            guard let offset = zone(t.first), t.count == 1,
                let written = LocalDateTime.valid(
                    year: year,
                    month: month,
                    day: day,
                    hour: hour,
                    minute: minute,
                    second: second
                )
            else { return nil }
            return (written, Date(timeIntervalSince1970: written.wallSeconds - Double(offset)))
        }

        /// Numbers (a `+` or `-` kept as their sign), lower-cased words, commas and colons; nil for
        /// anything else.
        static func tokens(_ text: String) -> [Token]? {
            let s = Array(text.utf8)
            var out: [Token] = []
            var i = 0
            func run(from start: Int, _ test: (UInt8) -> Bool) -> String {
                var j = start
                while j < s.count, test(s[j]) { j += 1 }
                defer { i = j }
                return String(decoding: s[start..<j], as: UTF8.self)
            }
            while i < s.count {
                let c = s[i]
                switch c {
                case 0x20, 0x09, 0x0D, 0x0A: i += 1
                case UInt8(ascii: ","):
                    out.append(.comma)
                    i += 1
                case UInt8(ascii: ":"):
                    out.append(.colon)
                    i += 1
                case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(.number(run(from: i, isDigit), sign: nil))
                case UInt8(ascii: "+"), UInt8(ascii: "-"):
                    guard i + 1 < s.count, isDigit(s[i + 1]) else { return nil }
                    out.append(.number(run(from: i + 1, isDigit), sign: c == UInt8(ascii: "-") ? -1 : 1))
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    out.append(.word(run(from: i, isLetter).lowercased()))
                default: return nil
                }
            }
            return out
        }

        static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
        static func isLetter(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }

        static let weekdays: Set = [
            "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday",
        ]
        static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        static let monthNames = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ]

        static func weekday(_ word: String) -> Bool { weekdays.contains(word) }

        /// 1–12 for a lower-cased month name, short or full.
        static func month(_ word: String) -> Int? {
            (months.firstIndex(of: word) ?? monthNames.firstIndex(of: word)).map { $0 + 1 }
        }

        /// RFC 5322's named zones (4.3) and UTC; BST too, because in mail read by UK services it means
        /// British Summer Time.
        static let zones: [String: Int] = [
            "ut": 0, "utc": 0, "gmt": 0, "z": 0, "bst": 1, "edt": -4, "est": -5, "cdt": -5, "cst": -6, "mdt": -6,
            "mst": -7, "pdt": -7, "pst": -8,
        ]

        /// Seconds east of UTC.
        static func zone(_ token: Token?) -> Int? {
            switch token {
            case .number(let digits, let sign?) where digits.count == 4:
                guard let n = Int(digits), n % 100 < 60 else { return nil }
                return sign * (n / 100 * 3_600 + n % 100 * 60)
            case .word(let name):
                if let hours = zones[name] { return hours * 3_600 }
                // Military letters: RFC 822 gave their signs backwards, so RFC 5322 says to read them as -0000.
                return name.count == 1 && name != "j" ? 0 : nil
            default:
                return nil
            }
        }
    }
}
