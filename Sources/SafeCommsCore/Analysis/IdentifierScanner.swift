/// Finds identifiers written with punctuation the word tokeniser drops: e-mail addresses, UK phone
/// numbers, NHS numbers, National Insurance numbers and postcodes. One pass over the code points
/// (offsets are the decision's span offsets); each candidate is read at most a bounded distance, so
/// the scan is linear in the message however hostile it is.
enum IdentifierScanner {
    /// The finding and the code points it covers.
    struct Found: Equatable {
        var type: String
        var start: Int
        var end: Int
        var confidence: Double
    }

    static func scan(_ c: [UInt32]) -> [Found] {
        var out: [Found] = []
        var i = 0
        // E-mail addresses first: their local parts may look like anything else.
        var floor = 0
        for at in c.indices where c[at] == 0x40 {  // @
            if let f = email(c, at: at, floor: floor) {
                out.append(f)
                floor = f.end
            } else {
                floor = at + 1
            }
        }
        out = withSpokenEmails(c, out)
        var nextEmail = 0
        while i < c.count {
            if nextEmail < out.count, out[nextEmail].start <= i {
                i = max(i, out[nextEmail].end)
                nextEmail += 1
                continue
            }
            let before = i == 0 ? 0x20 : c[i - 1]
            if !isAlnum(before), let f = phone(c, at: i) ?? nhs(c, at: i) ?? nino(c, at: i) ?? postcode(c, at: i),
                nextEmail >= out.count || f.end <= out[nextEmail].start
            {
                out.append(f)
                i = f.end
                continue
            }
            i += 1
        }
        return out.sorted { $0.start < $1.start }
    }

    // MARK: e-mail

    static func email(_ c: [UInt32], at: Int, floor: Int) -> Found? {
        var a = at
        // An apostrophe belongs to names like o'neill.smith@…, but not at the start ('jo@x.org').
        while a > floor, at - a < 64, isLocal(c[a - 1]) || c[a - 1] == 0x27 { a -= 1 }
        while a < at, c[a] == 0x2E || c[a] == 0x27 { a += 1 }  // not starting with a dot
        guard a < at else { return nil }
        var b = at + 1
        while b < c.count, b - at < 254, isDomain(c[b]) { b += 1 }
        while b > at + 1, c[b - 1] == 0x2E || c[b - 1] == 0x2D { b -= 1 }  // trailing full stop or hyphen
        guard b > at + 1, let dot = (at + 1..<b).last(where: { c[$0] == 0x2E }), b - dot - 1 >= 2,
            (dot + 1..<b).allSatisfy({ isLetter(c[$0]) }), dot > at + 1
        else { return nil }
        return Found(type: FindingType.email, start: a, end: b, confidence: 0.95)
    }

    /// Adds addresses written out in words ("jo.smith at gmail dot com", "jo(at)hotmail.co.uk",
    /// "jo dot smith [at] gmail [dot] com"): how people keep an address from spam robots, and what
    /// voice dictation types. Returns every address in text order, none overlapping.
    static func withSpokenEmails(_ c: [UInt32], _ found: [Found]) -> [Found] {
        var spoken: [Found] = []
        var floor = 0
        var i = 1
        while i + 2 < c.count {
            if c[i] | 0x20 == 0x61, c[i + 1] | 0x20 == 0x74, let f = spokenEmail(c, at: i, floor: floor) {  // "at"
                spoken.append(f)
                floor = f.end
                i = f.end
            } else {
                i += 1
            }
        }
        guard !spoken.isEmpty else { return found }
        var out: [Found] = []
        for f in (found + spoken).sorted(by: { $0.start < $1.start }) where out.last.map({ $0.end <= f.start }) ?? true
        { out.append(f) }
        return out
    }

    static let spokenTopLevelDomains: Set<String> = ["com", "net", "org", "uk", "info", "me", "io", "edu", "biz"]

    /// An address around the word "at" that starts at `i`, its local part not reaching back past `floor`.
    static func spokenEmail(_ c: [UInt32], at i: Int, floor: Int) -> Found? {
        // The "at": " at ", "(at)" or "[at]", with or without spaces round the brackets.
        var s = i, e = i + 2
        let bracketed = (c[i - 1] == 0x28 && c[i + 2] == 0x29) || (c[i - 1] == 0x5B && c[i + 2] == 0x5D)
        if bracketed {
            s = i - 1
            e = i + 3
            if s > 0, c[s - 1] == 0x20 { s -= 1 }
            if e < c.count, c[e] == 0x20 { e += 1 }
        } else {
            guard c[i - 1] == 0x20, c[i + 2] == 0x20 else { return nil }
            s = i - 1
            e = i + 3
        }
        // The local part, read backwards: labels joined by "." or a spoken dot.
        var a = s
        var spokenDot = false
        while s - a <= 96 {  // bounded, so a chain of "x dot x dot …" is not read again for every "at"
            var k = a
            while k > floor, a - k < 64, isLocal(c[k - 1]) { k -= 1 }
            guard k < a else { break }
            a = k
            guard let d = dotWordBefore(c, a), d >= floor else { break }
            spokenDot = true
            a = d
        }
        while a < s, c[a] == 0x2E || c[a] == 0x2D { a += 1 }
        guard a < s, s - a <= 96 else { return nil }
        if a > 0, isAlnum(c[a - 1]) || c[a - 1] == 0x40 { return nil }
        // The domain, read forwards: at least two labels, the last a common top-level domain.
        var b = e
        var labels: [Range<Int>] = []
        while b < c.count, labels.count < 8 {
            var k = b
            while k < c.count, k - b < 63, isAlnum(c[k]) || c[k] == 0x2D { k += 1 }
            guard k > b else { break }
            labels.append(b..<k)
            if k < c.count, c[k] == 0x2E, k + 1 < c.count, isAlnum(c[k + 1]) {
                b = k + 1
            } else if let d = dotWordAfter(c, k), d < c.count, isAlnum(c[d]) {
                spokenDot = true
                b = d
            } else {
                break
            }
        }
        guard labels.count >= 2, let last = labels.last else { return nil }
        let tld = String(decoding: c[last].map { UInt8(truncatingIfNeeded: $0 | 0x20) }, as: UTF8.self)
        guard spokenTopLevelDomains.contains(tld), c[last].allSatisfy(isLetter) else { return nil }
        if last.upperBound < c.count, isAlnum(c[last.upperBound]) { return nil }
        // A bare " at " after a plain word is an ordinary phrase far more often ("look at gmail dot
        // com"): take it only when the local part is no word ("jo.smith", "jo dot smith", "jo99") or
        // the words before speak of an address.
        if !bracketed, !c[a..<s].contains(where: { !isLetter($0) }), !hasEmailCue(c, before: a) { return nil }
        return Found(
            type: FindingType.email,
            start: a,
            end: last.upperBound,
            confidence: bracketed || spokenDot ? 0.9 : 0.85
        )
    }

    /// An address as found, lower case, with a spoken "at" and "dot" made "@" and "." again.
    static func normalisedEmail(_ written: ArraySlice<UInt32>) -> String {
        var s = String(String.UnicodeScalarView(written.compactMap(Unicode.Scalar.init))).lowercased()
        guard !s.contains("@") else { return s }
        for (word, symbol) in [
            ("(at)", "@"), ("[at]", "@"), (" at ", "@"), ("(dot)", "."), ("[dot]", "."), (" dot ", "."),
        ] {
            s = s.replacingOccurrences(of: word, with: symbol)
        }
        return s.replacingOccurrences(of: " ", with: "")
    }

    /// The start of " dot ", "(dot)" or "[dot]" (spaces optional round brackets) ending just before `end`.
    static func dotWordBefore(_ c: [UInt32], _ end: Int) -> Int? {
        var k = end
        if k > 0, c[k - 1] == 0x20 { k -= 1 }
        let close = k > 0 ? c[k - 1] : 0
        let bracket = close == 0x29 || close == 0x5D
        if bracket { k -= 1 }
        // "dot"
        guard k >= 3, c[k - 3] | 0x20 == 0x64, c[k - 2] | 0x20 == 0x6F, c[k - 1] | 0x20 == 0x74 else { return nil }
        k -= 3
        if bracket {
            guard k > 0, c[k - 1] == (close == 0x29 ? 0x28 : 0x5B) else { return nil }
            k -= 1
            if k > 0, c[k - 1] == 0x20 { k -= 1 }
        } else {
            guard end - k == 4, k > 0, c[k - 1] == 0x20 else { return nil }
            k -= 1
        }
        return k
    }

    /// The end of " dot ", "(dot)" or "[dot]" starting at `start`.
    static func dotWordAfter(_ c: [UInt32], _ start: Int) -> Int? {
        var k = start
        if k < c.count, c[k] == 0x20 { k += 1 }
        let open = k < c.count ? c[k] : 0
        let bracket = open == 0x28 || open == 0x5B
        if bracket { k += 1 }
        guard k + 3 <= c.count, c[k] | 0x20 == 0x64, c[k + 1] | 0x20 == 0x6F, c[k + 2] | 0x20 == 0x74 else {
            return nil
        }
        k += 3
        if bracket {
            guard k < c.count, c[k] == (open == 0x28 ? 0x29 : 0x5D) else { return nil }
            k += 1
            if k < c.count, c[k] == 0x20 { k += 1 }
        } else {
            guard k - start == 4, k < c.count, c[k] == 0x20 else { return nil }
            k += 1
        }
        return k
    }

    static let emailCues = ["mail", "address"]

    /// "email", "e-mail", "mail" or "address" in the few words before `i`.
    static func hasEmailCue(_ c: [UInt32], before i: Int) -> Bool {
        window(c, before: i, length: 40, holds: emailCues)
    }

    // MARK: phone numbers

    /// UK numbers as people write them: 07700 900123, +44 7700 900123, +44 (0)7700 900123,
    /// (01202) 123456, 020 7946 0123. Eleven national digits starting 01, 02, 03, 07 or 08.
    static func phone(_ c: [UInt32], at i: Int) -> Found? {
        var j = i
        var national: [UInt32] = []
        if c[i] == 0x2B {  // +44
            guard i + 2 < c.count, c[i + 1] == 0x34, c[i + 2] == 0x34 else { return nil }
            j = i + 3
            national = [0x30]
        } else if c[i] == 0x28 {  // (0
            guard i + 1 < c.count, c[i + 1] == 0x30 else { return nil }
        } else if c[i] != 0x30 {
            return nil
        }
        var separators = 0
        var end = j
        while j < c.count, national.count < 11 {
            let ch = c[j]
            if isDigit(ch) {
                // "+44 (0)7700": the trunk zero after the country code is not part of the number.
                if !(national == [0x30] && ch == 0x30 && i < j && c[i] == 0x2B) { national.append(ch) }
                separators = 0
                j += 1
                end = j
            } else if ch == 0x20 || ch == 0x2D || ch == 0x2E || ch == 0x28 || ch == 0x29 {
                separators += 1
                if separators > 2 { break }
                j += 1
            } else {
                break
            }
        }
        guard national.count == 11, national[0] == 0x30, [0x31, 0x32, 0x33, 0x37, 0x38].contains(national[1]) else {
            return nil
        }
        if end < c.count, isAlnum(c[end]) { return nil }  // part of a longer number or word
        return Found(type: FindingType.phoneNumber, start: i, end: end, confidence: national[1] == 0x37 ? 0.9 : 0.8)
    }

    // MARK: NHS numbers

    /// Ten digits, together, 3-3-4 or 3-7 with spaces or hyphens, with a valid modulus 11 check digit.
    /// One ten-digit number in eleven passes the check by chance, so without "NHS" just before it
    /// the confidence is low and only the spaced form counts.
    static func nhs(_ c: [UInt32], at i: Int) -> Found? {
        guard isDigit(c[i]) else { return nil }
        /// How many digits run on from `from` (the shape is decided before any digit is read as a number).
        func run(_ from: Int) -> Int {
            var j = from
            while j < c.count, isDigit(c[j]) { j += 1 }
            return j - from
        }
        let groups: [Range<Int>]
        var spaced = false
        let first = run(i)
        if first >= 10 {
            groups = [i..<(i + 10)]
        } else if first == 3, i + 3 < c.count, c[i + 3] == 0x20 || c[i + 3] == 0x2D {
            let second = run(i + 4)
            if second == 3, i + 7 < c.count, c[i + 7] == c[i + 3], run(i + 8) >= 4 {
                groups = [i..<(i + 3), (i + 4)..<(i + 7), (i + 8)..<(i + 12)]
                spaced = true
            } else if second >= 7 {
                // "401 0234567": three then seven, as some letters and systems print it. Counted, like ten
                // digits together, only with "NHS" just before.
                groups = [i..<(i + 3), (i + 4)..<(i + 11)]
            } else {
                return nil
            }
        } else {
            return nil
        }
        let end = groups[groups.count - 1].upperBound
        let d = groups.joined().map { Int(c[$0] - 0x30) }
        if end < c.count, isAlnum(c[end]) { return nil }
        guard nhsCheckDigitIsValid(d) else { return nil }
        let context = hasNHSContext(c, before: i)
        guard context || (spaced && !hasOtherNumberContext(c, before: i)) else { return nil }
        return Found(type: FindingType.nhsNumber, start: i, end: end, confidence: context ? 0.95 : 0.6)
    }

    static func nhsCheckDigitIsValid(_ d: [Int]) -> Bool {
        guard d.count == 10 else { return false }
        let sum = (0..<9).reduce(0) { $0 + d[$1] * (10 - $1) }
        let check = 11 - sum % 11
        if check == 10 { return false }
        return (check == 11 ? 0 : check) == d[9]
    }

    /// "NHS" (or "health number") in the 30 code points before.
    static func hasNHSContext(_ c: [UInt32], before i: Int) -> Bool {
        window(c, before: i, length: 30, holds: nhsWords)
    }

    static let nhsWords = ["nhs", "health number", "health no"]

    /// Words that say a spaced ten-digit number is something else: "invoice (171 431 1031)", "order
    /// no. 943 476 5919". Without them, a spaced number is taken, with low confidence, as an NHS number.
    static let otherNumberWords = [
        "invoice", "ref", "order", "account", "acc no", "a/c", "receipt", "claim", "policy", "booking", "ticket",
        "tracking", "payment",
        "case", "grant", "purchase", "po no", "serial", "licence", "membership", "customer", "reference", "transaction",
    ]

    static func hasOtherNumberContext(_ c: [UInt32], before i: Int) -> Bool {
        window(c, before: i, length: 30, holds: otherNumberWords)
    }

    // MARK: National Insurance numbers

    /// Two letters (not D, F, I, Q, U or V first; not D, F, I, O, Q, U or V second; not BG, GB, KN,
    /// NK, NT, TN or ZZ), six digits, optionally in pairs, and a final A, B, C or D. People type it in
    /// lower case too ("jk 12 34 56 c"): a prefix wholly in lower case is read as its capitals, and
    /// then the last letter may be lower case; a mixed-case prefix ("Ab") is a word, not a number.
    static let ninoFirstRefused = letterMask("DFIQUV")
    static let ninoSecondRefused = letterMask("DFIOQUV")
    static let ninoPairsRefused: [UInt32] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].map { pair in
        pair.unicodeScalars.reduce(0) { $0 << 8 | $1.value }
    }
    /// A bit for each capital letter, A the lowest.
    static func letterMask(_ letters: String) -> UInt32 {
        letters.unicodeScalars.reduce(0) { $0 | 1 << ($1.value - 0x41) }
    }

    static func nino(_ c: [UInt32], at i: Int) -> Found? {
        guard i + 8 < c.count else { return nil }
        let lower = isLower(c[i]) && isLower(c[i + 1])
        guard lower || (isUpper(c[i]) && isUpper(c[i + 1])) else { return nil }
        // Most words are two lower-case letters and no digit: the cheapest test first.
        guard isDigit(c[i + 2]) || (c[i + 2] == 0x20 && isDigit(c[i + 3])) else { return nil }
        let u0 = lower ? c[i] - 0x20 : c[i], u1 = lower ? c[i + 1] - 0x20 : c[i + 1]
        guard Self.ninoFirstRefused & (1 << (u0 - 0x41)) == 0, Self.ninoSecondRefused & (1 << (u1 - 0x41)) == 0,
            !Self.ninoPairsRefused.contains(u0 << 8 | u1)
        else {
            return nil
        }
        var j = i + 2
        var digits = 0
        while digits < 6 {
            if j < c.count, c[j] == 0x20, digits % 2 == 0 { j += 1 }
            guard j < c.count, isDigit(c[j]) else { return nil }
            digits += 1
            j += 1
        }
        if j < c.count, c[j] == 0x20 { j += 1 }
        guard j < c.count, (0x41...0x44).contains(c[j]) || (lower && (0x61...0x64).contains(c[j])) else { return nil }
        j += 1
        if j < c.count, isAlnum(c[j]) { return nil }
        return Found(type: FindingType.nino, start: i, end: j, confidence: lower ? 0.85 : 0.9)
    }

    // MARK: postcodes

    /// The postcode areas of the United Kingdom (and the Crown dependencies' GY, JE, IM).
    static let areaNames = Set(
        """
        AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP
        HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE
        SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
        """.split(whereSeparator: \.isWhitespace).map(String.init)
    )

    /// The areas as a table indexed by letters: (first − A) × 27 + (second − A + 1, or 0 for none).
    static let areas: [Bool] = {
        var table = [Bool](repeating: false, count: 26 * 27)
        for a in areaNames {
            let u = Array(a.utf8)
            table[Int(u[0] - 0x41) * 27 + (u.count > 1 ? Int(u[1] - 0x41) + 1 : 0)] = true
        }
        return table
    }()

    /// A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA (one space or none), in capitals or
    /// all in lower case.
    static func postcode(_ c: [UInt32], at i: Int) -> Found? {
        guard isLetter(c[i]) else { return nil }
        let lower = isLower(c[i])
        func letter(_ k: Int) -> Bool { k < c.count && (lower ? isLower(c[k]) : isUpper(c[k])) }
        var j = i + 1
        if letter(j) { j += 1 }
        let upper: (UInt32) -> Int = { Int(($0 | 0x20) - 0x61) }
        guard areas[upper(c[i]) * 27 + (j > i + 1 ? upper(c[i + 1]) + 1 : 0)], j < c.count, isDigit(c[j]) else {
            return nil
        }
        // The outward code ends where the inward code (a digit and two letters) begins: after a space,
        // or, written without one, three characters before the end of the run ("LE46GS").
        var run = j
        while run < c.count, run - i < 8, isDigit(c[run]) || letter(run) { run += 1 }
        if run < c.count, isAlnum(c[run]) { return nil }
        let outwardEnd: Int
        if (4...5).contains(run - j), isDigit(c[run - 3]), letter(run - 2), letter(run - 1) {
            outwardEnd = run - 3
        } else if run < c.count, c[run] == 0x20 {
            outwardEnd = run
        } else {
            return nil
        }
        let district = outwardEnd - j
        guard district == 1 || (district == 2 && (isDigit(c[j + 1]) || letter(j + 1))) else { return nil }
        var k = outwardEnd
        if k < c.count, c[k] == 0x20 { k += 1 }
        guard k + 2 < c.count, isDigit(c[k]), letter(k + 1), letter(k + 2) else { return nil }
        k += 3
        if k < c.count, isAlnum(c[k]) { return nil }
        return Found(type: FindingType.postcode, start: i, end: k, confidence: 0.9)
    }

    // MARK: characters

    /// Whether the `length` code points before `i`, read in lower case, hold any of `words` (lower
    /// case, ASCII): the window the context checks read. Compared as bytes on the stack, not as
    /// strings (a `String` search goes through Foundation, and cost more than the number it guarded).
    static func window(_ c: [UInt32], before i: Int, length: Int, holds words: [String]) -> Bool {
        let from = max(0, i - length)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: i - from) { w in
            for k in from..<i {
                let v = c[k]
                w[k - from] = v >= 0x80 ? 0xFF : isUpper(v) ? UInt8(v) | 0x20 : UInt8(v)
            }
            return words.contains { word in
                word.utf8.count <= w.count
                    && (0...(w.count - word.utf8.count)).contains { at in
                        word.utf8.enumerated().allSatisfy { k, b in w[at + k] == b }
                    }
            }
        }
    }

    @inline(__always) static func isDigit(_ v: UInt32) -> Bool { v &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ v: UInt32) -> Bool { v &- 0x41 < 26 }
    @inline(__always) static func isLower(_ v: UInt32) -> Bool { v &- 0x61 < 26 }
    @inline(__always) static func isLetter(_ v: UInt32) -> Bool { isUpper(v) || isLower(v) }
    @inline(__always) static func isAlnum(_ v: UInt32) -> Bool { isLetter(v) || isDigit(v) }
    static func isLocal(_ v: UInt32) -> Bool {
        isAlnum(v) || v == 0x2E || v == 0x5F || v == 0x25 || v == 0x2B || v == 0x2D
    }
    static func isDomain(_ v: UInt32) -> Bool { isAlnum(v) || v == 0x2E || v == 0x2D }
}
