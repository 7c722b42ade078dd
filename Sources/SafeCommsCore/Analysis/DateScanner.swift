/// Finds calendar dates written the common British ways in analysed text: 14/03/2012, 14.3.12,
/// 2012-03-14, 14 March 2012, 14th of Mar 2012, March 14th 2012. The separators are gone after
/// tokenising, so each shape is a short run of words. Linear in the number of words.
public enum DateScanner {
    public struct Found: Sendable, Equatable {
        public var tokens: Range<Int>
        public var day: Int
        public var month: Int
        /// Four digits; nil when written with two, which only match on the last two digits.
        public var year: Int?
        public var twoDigitYear: Int
    }

    static let months: [String: Int] = {
        var m: [String: Int] = [:]
        let names = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ]
        for (i, n) in names.enumerated() {
            m[n] = i + 1
            m[String(n.prefix(3))] = i + 1
        }
        m["sept"] = 9
        return m
    }()
    /// By word hash, like the word lists: a token's own hash finds it, no string compared.
    static let monthIndex = HashIndex(months.map { (WordHash.of($0.key), $0.value) })

    @inline(__always)
    static func month(_ t: AnalysedText.Token, _ index: HashIndex<Int>) -> Int? { index[t.hash] }

    /// "14", "14th", "1st" as a day of the month. Read as bytes: asked of every number in a message.
    static func day(_ s: String) -> Int? {
        var value = 0, digits = 0, letters = 0
        var suffix: UInt16 = 0
        for b in s.utf8 {
            if letters == 0, b &- 0x30 < 10 {
                value = value * 10 + Int(b &- 0x30)
                digits += 1
            } else {
                suffix = suffix << 8 | UInt16(b)
                letters += 1
            }
        }
        guard (1...2).contains(digits), letters == 0 || (letters == 2 && ordinalSuffixes.contains(suffix)),
            (1...31).contains(value)
        else { return nil }
        return value
    }

    /// "st", "nd", "rd", "th", two bytes each.
    static let ordinalSuffixes: [UInt16] = ["st", "nd", "rd", "th"].map { s in s.utf8.reduce(0) { $0 << 8 | UInt16($1) }
    }

    static func number(_ s: String, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(s.utf8.count) else { return nil }
        var n = 0
        for b in s.utf8 {
            guard b &- 0x30 < 10 else { return nil }
            n = n * 10 + Int(b &- 0x30)
        }
        return n
    }

    static func year(_ s: String) -> (full: Int?, two: Int)? {
        guard let n = number(s, digits: 2...4), s.utf8.count != 3 else { return nil }
        return s.utf8.count == 4 ? (n, n % 100) : (nil, n)
    }

    public static func scan(_ text: AnalysedText) -> [Found] {
        let t = text.tokens
        let months = Self.monthIndex
        func month(_ t: AnalysedText.Token) -> Int? { Self.month(t, months) }
        var out: [Found] = []
        var i = 0
        func word(_ k: Int) -> String? { k < t.count ? t[k].text : nil }
        while i < t.count {
            // Every date shape starts with a number or a month name.
            guard let first = t[i].text.utf8.first, (first >= 0x30 && first <= 0x39) || month(t[i]) != nil else {
                i += 1
                continue
            }
            var found: Found?
            // 2012 03 14
            if let y = word(i).flatMap({ number($0, digits: 4...4) }),
                let m = word(i + 1).flatMap({ number($0, digits: 1...2) }),
                let d = word(i + 2).flatMap({ number($0, digits: 1...2) }), (1...12).contains(m), (1...31).contains(d)
            {
                found = Found(tokens: i..<(i + 3), day: d, month: m, year: y, twoDigitYear: y % 100)
            }
            // 14 03 2012, 14 3 12
            else if let d = word(i).flatMap({ number($0, digits: 1...2) }), (1...31).contains(d),
                let m = word(i + 1).flatMap({ number($0, digits: 1...2) }), (1...12).contains(m),
                let y = word(i + 2).flatMap(year)
            {
                found = Found(tokens: i..<(i + 3), day: d, month: m, year: y.full, twoDigitYear: y.two)
            }
            // 14th (of) March 2012
            else if let d = word(i).flatMap(day) {
                var k = i + 1
                if word(k) == "of" { k += 1 }
                if k < t.count, let m = month(t[k]), let y = word(k + 1).flatMap(year) {
                    found = Found(tokens: i..<(k + 2), day: d, month: m, year: y.full, twoDigitYear: y.two)
                }
            }
            // March 14th 2012
            else if let m = month(t[i]), let d = word(i + 1).flatMap(day), let y = word(i + 2).flatMap(year) {
                found = Found(tokens: i..<(i + 3), day: d, month: m, year: y.full, twoDigitYear: y.two)
            }
            if let f = found {
                out.append(f)
                i = f.tokens.upperBound
            } else {
                i += 1
            }
        }
        return out
    }
}
