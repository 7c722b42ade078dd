/// Finds personal data of anyone, without knowing the case: names, dates of birth,
/// addresses, postcodes, phone numbers, e-mail addresses, NHS numbers and National Insurance
/// numbers. `CasePersonAnalyser` is exact about the case's own people; this one has to judge from
/// shape and context, so every finding carries its confidence. Linear in the message.
public struct PersonalDataAnalyser: ContentAnalyser {
    public init() {}

    public var types: Set<String> {
        [
            FindingType.person, FindingType.dateOfBirth, FindingType.address, FindingType.postcode,
            FindingType.phoneNumber,
            FindingType.email, FindingType.nhsNumber, FindingType.nino,
        ]
    }

    public func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding] {
        guard !text.tokens.isEmpty else { return [] }
        let c = text.scalars
        var out = IdentifierScanner.scan(c).map {
            ContentFinding(
                type: $0.type,
                span: Span(start: $0.start, end: $0.end, type: $0.type),
                confidence: $0.confidence
            )
        }
        out += Self.addresses(text, c)
        let dates = context.wants(FindingType.dateOfBirth) ? DateScanner.scan(text) : []
        // Names are the slow part: wanted for themselves, or to tell a date of birth written after one.
        guard context.wants(FindingType.person) || !dates.isEmpty else { return out }
        // A name inside an e-mail address or a street name is part of that, not a person named.
        let taken = out.compactMap(\.span).filter { $0.type == FindingType.email || $0.type == FindingType.address }
            .sorted { $0.start < $1.start }
        var next = 0
        let names = NameFinder.find(text, c).filter { f in  // both in text order: one sweep
            let s = f.span!
            while next < taken.count, taken[next].end <= s.start { next += 1 }
            return !(next < taken.count && taken[next].start < s.end)
        }
        if context.wants(FindingType.person) { out += names }
        out += Self.datesOfBirth(text, c, dates, after: names.compactMap(\.span))
        return out
    }

    // MARK: addresses

    static let streetTypeList = [
        "street", "st", "road", "rd", "cl", "avenue", "ave", "lane", "ln", "close", "drive", "dr", "way", "crescent",
        "cres", "court", "ct", "place",
        "pl", "grove", "gardens", "gdns", "terrace", "hill", "park", "square", "sq", "mews", "view", "walk", "row",
        "rise", "green", "parade",
        "vale", "meadow", "meadows", "fields", "gate", "wharf", "yard", "hollow", "chase", "croft", "end", "approach",
        "broadway", "boulevard",
    ]
    static let streetTypes = WordSet(streetTypeList)

    static let linkWords = WordSet([
        "at", "on", "in", "to", "the", "of", "and", "by", "near", "from", "for", "with", "or", "a", "an", "per", "x",
    ])

    /// A house number, one to three words ending in a street type ("14 Oak Street", "3a Castle Hill
    /// Road"), and the town after a comma when one is written.
    static func addresses(_ text: AnalysedText, _ c: [UInt32]) -> [ContentFinding] {
        let t = text.tokens
        var out: [ContentFinding] = []
        var k = 0
        while k < t.count {
            guard isHouseNumber(t[k].text) else {
                k += 1
                continue
            }
            // "155, Walker Way": a comma may follow the house number.
            var j = k + 1
            var street: Int?
            // The words of the street name are written alike (all capitalised, or all in lower case)
            // and are not little words: "room 2 at Broad Street" has no house number.
            while j < t.count, j - k <= 4, t[j].isWord, !linkWords.contains(t[j]),
                gap(c, t[j - 1], t[j]) == .space || (j == k + 1 && gap(c, t[k], t[j]) == .comma),
                t[j].capitalised == t[k + 1].capitalised
            {
                if streetTypes.contains(t[j]), j > k + 1 { street = j }
                j += 1
            }
            guard let s = street else {
                k += 1
                continue
            }
            var last = s
            // ", Poole" or ", Milton Keynes": a town of capitalised words after a comma.
            if s + 1 < t.count, gap(c, t[s], t[s + 1]) == .comma, t[s + 1].capitalised, t[s + 1].isWord,
                IdentifierScanner.postcode(c, at: t[s + 1].start) == nil
            {
                last = s + 1
                if last + 1 < t.count, t[last + 1].capitalised, t[last + 1].isWord,
                    gap(c, t[last], t[last + 1]) == .space,
                    !streetTypes.contains(t[last + 1]), IdentifierScanner.postcode(c, at: t[last + 1].start) == nil
                {
                    last += 1
                }
            }
            out.append(
                ContentFinding(
                    type: FindingType.address,
                    span: text.span(k..<(last + 1), type: FindingType.address),
                    confidence: 0.85
                )
            )
            k = last + 1
        }
        return out
    }

    /// "12", "7a", "221b": one to three digits, not starting 0, and perhaps a letter. Read as bytes,
    /// without an array: asked of every number in a message.
    static func isHouseNumber(_ w: String) -> Bool {
        guard let first = w.utf8.first, first >= 0x31, first <= 0x39, w.utf8.count <= 4 else { return false }
        var digits = 0, letters = 0
        for b in w.utf8 {
            if letters == 0, b &- 0x30 < 10 {
                digits += 1
            } else if b &- 0x61 < 26 {
                letters += 1
            } else {
                return false
            }
        }
        return digits <= 3 && letters <= 1
    }

    enum Gap { case space, comma, other }

    /// What separates two neighbouring words: a single space (or hyphen), a comma and a space, or
    /// anything else (a full stop, a line break).
    static func gap(_ c: [UInt32], _ a: AnalysedText.Token, _ b: AnalysedText.Token) -> Gap {
        let between = c[a.end..<b.start]
        if between.count == 1, between.first == 0x20 || between.first == 0x2D { return .space }
        if between.first == 0x2C, between.dropFirst().allSatisfy({ $0 == 0x20 }), between.count <= 3 { return .comma }
        return .other
    }

    // MARK: dates of birth

    static let birthWords = WordSet(["born", "dob", "birth", "birthday", "bday", "b'day", "birthdate"])

    /// A date with "born", "DOB", "date of birth" or "birthday" within the five words before it, or
    /// written straight after a name ("Layla Jones, 27 Feb 2013", "Alice (02.05.2006)"): a date on its
    /// own (an appointment) is not personal.
    static func datesOfBirth(
        _ text: AnalysedText,
        _ c: [UInt32],
        _ dates: [DateScanner.Found],
        after names: [Span]
    ) -> [ContentFinding] {
        let t = text.tokens
        var next = 0  // names and dates are both in text order: the name just before a date is found by one sweep
        func dateOfBirth(_ d: DateScanner.Found) -> ContentFinding? {
            let start = t[d.tokens.lowerBound].start
            while next + 1 < names.count, names[next + 1].end <= start { next += 1 }
            if next < names.count, let n = Optional(names[next]), n.end <= start, start - n.end <= 3,
                c[n.end..<start].allSatisfy({ $0 == 0x20 || $0 == 0x2C || $0 == 0x28 || $0 == 0x27 || $0 == 0x73 })
            {
                return ContentFinding(
                    type: FindingType.dateOfBirth,
                    span: text.span(d.tokens, type: FindingType.dateOfBirth),
                    confidence: 0.75
                )
            }
            let from = max(0, d.tokens.lowerBound - 5)
            let before = t[from..<d.tokens.lowerBound]
            let context =
                before.contains { birthWords.contains($0) }
                || before.indices.contains { i in
                    i + 2 < d.tokens.lowerBound && t[i].text == "d" && t[i + 1].text == "o" && t[i + 2].text == "b"
                }
            guard context else { return nil }
            return ContentFinding(
                type: FindingType.dateOfBirth,
                span: text.span(d.tokens, type: FindingType.dateOfBirth),
                confidence: 0.9
            )
        }
        var lastBirthDate: Int? = nil  // the token after the last date of birth found
        return dates.compactMap { d in
            let found = dateOfBirth(d)
            if found != nil {
                lastBirthDate = d.tokens.upperBound
            } else if let last = lastBirthDate, d.tokens.lowerBound - last <= 12,
                t[max(last, d.tokens.lowerBound - 6)..<d.tokens.lowerBound].contains(where: {
                    correctionWords.contains($0)
                })
            {
                // "DOB 04/07/2014 — no, it's the 4th of June 2014, not 04/07/2014": a date put right, or
                // the wrong one named again, soon after a date of birth is one too.
                lastBirthDate = d.tokens.upperBound
                return ContentFinding(
                    type: FindingType.dateOfBirth,
                    span: text.span(d.tokens, type: FindingType.dateOfBirth),
                    confidence: 0.8
                )
            }
            return found
        }
    }

    /// Words that put a date right: "no, it's …", "not …", "sorry, I meant …", "actually …".
    static let correctionWords = WordSet([
        "no", "not", "sorry", "actually", "mean", "meant", "correction", "wrong", "should", "instead", "rather",
        "typo", "oops",
    ])
}
