/// Finds the people on the case in a message: their names and aliases, their date of birth written
/// the common ways, their address and postcode (WA-7, LIN-14). It knows the case's own people, which
/// is why it can be exact where a generic detector has to guess. Dates and postcodes are found by
/// shape and then compared, so the work per message does not grow with the ways a date can be written.
public struct CasePersonAnalyser: ContentAnalyser {
    public init() {}

    public var types: Set<String> {
        [FindingType.casePerson, FindingType.dateOfBirth, FindingType.address, FindingType.postcode]
    }

    /// First names that are also ordinary words: matched only when written with a capital letter.
    static let wordLikeNames: Set<String> = [
        "will", "may", "hope", "grace", "faith", "joy", "rose", "mark", "bill", "pat", "sue", "jack", "frank", "dawn",
        "summer", "autumn",
        "april", "june", "august", "rich", "ruby", "amber", "holly", "ivy", "daisy", "lily", "poppy", "sky", "rain",
        "storm", "angel",
        "honey", "star", "precious", "king", "prince", "hunter", "chase", "miles", "mo", "art", "gene", "guy",
        "harmony", "destiny",
    ]

    static let nameTag = 0, addressTag = 1

    /// What the analyser looks for, worked out once per set of people: a practitioner checks many
    /// messages about the same case, so the set is cached (bounded; cleared when full).
    struct Compiled: Sendable {
        let matcher: PhraseMatcher
        let births: [BankHolidays.Day]
        /// Compact lower-case postcodes ("bh152ab") by word hash.
        let postcodes: HashIndex<String>
        /// Name words of five letters or more, as bytes, for spotting a misspelling ("Jaden" for Jayden).
        let fuzzy: [[UInt8]]

        init(_ people: [CasePersonInfo]) {
            var phrases: [([String], Int)] = []
            for p in people {
                for form in CasePersonAnalyser.nameForms(p) { phrases.append((form, CasePersonAnalyser.nameTag)) }
                if let a = p.address {
                    for form in CasePersonAnalyser.addressForms(a) {
                        phrases.append((form, CasePersonAnalyser.addressTag))
                    }
                }
            }
            matcher = PhraseMatcher(words: phrases)
            births = people.compactMap { $0.dateOfBirth.flatMap(BankHolidays.Day.init(parsing:)) }
            fuzzy = Array(
                Set(
                    people.flatMap { p in ([p.name] + p.aliases).flatMap { AnalysedText($0).tokens.map(\.text) } }
                        .filter { $0.utf8.count >= 5 }
                )
            )
            .sorted().map { Array($0.utf8) }
            postcodes = HashIndex(
                people.compactMap { $0.postcode.map(CasePersonAnalyser.compact) }.filter { $0.count >= 5 }.map {
                    (WordHash.of($0), $0)
                }
            )
        }
    }

    static let cache = BoundedCache<[CasePersonInfo], Compiled>(capacity: 1024)

    public func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding] {
        guard !context.people.isEmpty, !text.tokens.isEmpty else { return [] }
        let c = Self.cache.get(context.people) { Compiled(context.people) }
        var out: [ContentFinding] = []
        var named = [Bool](repeating: false, count: text.tokens.count)
        for (range, tag) in c.matcher.tagged(in: text) {
            if tag == Self.nameTag {
                // "I will hope for the best" is not Will Hope: names that are also ordinary words count
                // only when one of them is written with a capital.
                if text.tokens[range].allSatisfy({ Self.wordLikeNames.contains($0.text) && !$0.capitalised }) {
                    continue
                }
                out.append(
                    ContentFinding(
                        type: FindingType.casePerson,
                        span: text.span(range, type: FindingType.casePerson),
                        confidence: 0.95
                    )
                )
                for i in range { named[i] = true }
            } else {
                out.append(
                    ContentFinding(
                        type: FindingType.address,
                        span: text.span(range, type: FindingType.address),
                        confidence: 0.9
                    )
                )
            }
        }
        // One letter wrong, missing, extra or swapped in a capitalised name of five letters or more;
        // not an ordinary word, and not the name with an s ("Prices" is a plural, or a possessive the
        // tokeniser already took off).
        if !c.fuzzy.isEmpty {
            for (i, t) in text.tokens.enumerated()
            where !named[i] && t.capitalised && t.text.utf8.count >= 5 && !NameFinder.ordinaryWords.contains(t.text) {
                let word = Array(t.text.utf8)
                if c.fuzzy.contains(where: {
                    Self.withinOneEdit(word, $0) && !(word.last == 0x73 && word.dropLast().elementsEqual($0))
                }) {
                    out.append(
                        ContentFinding(
                            type: FindingType.casePerson,
                            span: text.span(i..<(i + 1), type: FindingType.casePerson),
                            confidence: 0.75
                        )
                    )
                }
            }
        }
        if !c.births.isEmpty {
            for d in DateScanner.scan(text)
            where c.births.contains(where: { b in
                b.day == d.day && b.month == d.month
                    && (d.year.map { $0 == b.year } ?? (b.year % 100 == d.twoDigitYear))
            }) {
                out.append(
                    ContentFinding(
                        type: FindingType.dateOfBirth,
                        span: text.span(d.tokens, type: FindingType.dateOfBirth),
                        confidence: 0.95
                    )
                )
            }
        }
        if !c.postcodes.isEmpty {
            let t = text.tokens
            var i = 0
            while i < t.count {
                if c.postcodes[t[i].hash] == t[i].text {
                    out.append(
                        ContentFinding(
                            type: FindingType.postcode,
                            span: text.span(i..<(i + 1), type: FindingType.postcode),
                            confidence: 0.95
                        )
                    )
                } else if i + 1 < t.count, t[i + 1].text.utf8.count == 3,
                    let code = c.postcodes[t[i + 1].text.utf8.reduce(t[i].hash, WordHash.add)],
                    code == t[i].text + t[i + 1].text
                {
                    out.append(
                        ContentFinding(
                            type: FindingType.postcode,
                            span: text.span(i..<(i + 2), type: FindingType.postcode),
                            confidence: 0.95
                        )
                    )
                    i += 1
                }
                i += 1
            }
        }
        return out
    }

    /// The full name, each name of two letters or more on its own, and every alias, as words.
    static func nameForms(_ p: CasePersonInfo) -> [[String]] {
        let full = AnalysedText(p.name).tokens.map(\.text)
        var forms = [full] + p.aliases.map { AnalysedText($0).tokens.map(\.text) }
        forms += full.filter { $0.count >= 2 }.map { [$0] }
        return forms.filter { !$0.isEmpty }
    }

    /// The first line as written, and without its house number.
    static func addressForms(_ address: String) -> [[String]] {
        let firstLine = address.split(separator: ",").first.map(String.init) ?? address
        let words = AnalysedText(firstLine).tokens.map(\.text)
        var forms = [words]
        if let first = words.first, first.first?.isNumber == true, words.count >= 3 {
            forms.append(Array(words.dropFirst()))
        }
        return forms.filter { $0.count >= 2 }
    }

    /// At most one substitution, insertion, deletion or swap of neighbours between `a` and `b`
    /// (and not equal: an exact match is found by the matcher). Linear in the lengths.
    static func withinOneEdit(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a != b, abs(a.count - b.count) <= 1 else { return false }
        var i = 0
        while i < min(a.count, b.count), a[i] == b[i] { i += 1 }
        if a.count == b.count {
            if a[(i + 1)...] == b[(i + 1)...] { return true }  // one substitution
            return i + 1 < a.count && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)...] == b[(i + 2)...]  // a swap
        }
        return a.count > b.count ? a[(i + 1)...] == b[i...] : a[i...] == b[(i + 1)...]
    }

    static func compact(_ postcode: String) -> String { postcode.filter { !$0.isWhitespace }.lowercased() }
}
