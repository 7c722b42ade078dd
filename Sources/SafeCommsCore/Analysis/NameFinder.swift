/// Finds people's names the analyser was not told about, from name lists shipped as data
/// (`Data/NameList.swift`) and the context a name is written in:
/// - after a title (Mr, Mrs, Ms, Miss, Dr, Mx): any capitalised words ("Mrs Okafor");
/// - a known first name with a capital, and the capitalised surname after it ("Jayden Price");
/// - a known first name on its own, with a capital and not at the start of a sentence, or after a
///   greeting ("Hi Jayden", "hi jayden"), or before a comma at the start ("Jayden, can you …").
/// First names that are also ordinary words ("Will", "May", "Hope", "Grace", "Mark") count only after
/// a title or a greeting, or with a surname after them.
enum NameFinder {
    static let firstNames = index(NameList.firstNames)
    static let surnames = index(NameList.surnames)

    static func index(_ list: String) -> HashIndex<String> {
        HashIndex(list.split(separator: "\n").map { (WordHash.of(String($0)), String($0)) })
    }

    static let titles = WordSet([
        "mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame", "nurse", "pc", "ds", "dc", "sgt", "cllr",
    ])
    static let greetings = WordSet([
        "hi", "hiya", "hello", "hey", "dear", "morning", "afternoon", "evening", "thanks", "cheers", "regards", "love",
        "bye", "from", "its", "it's",
    ])

    /// Ordinary English words that are also in the name lists, and words that are never names at the
    /// start of a sentence.
    static let ordinaryWords = WordSet(
        """
        a about after again all also am an and any april are art as at august autumn back be because been before being best big bill both
        but by call can care case chase christian close come could dawn day days did do does don done down each even every faith few find
        first for frank from get gift give go going good got grace grant great guy had has have he her here him his holly home hope how
        i if in into is it its ivy jack jade joy june just king know last let like lily little long look love lucky made major make man
        many mark may me mean meet miles more most much must my new next no not now of off oh ok okay old on once one only or other our out
        over own page pat penny people please price rich robin rose ruby said same say see she should so some son soon sorry still such sue
        summer sunny sure take tell than thank thanks that the their them then there these they thing think this those time to today told
        too two up us use very want was way we week well went were what when where which while who why will win winter with work would
        yes yet you young your dean major star sky storm rain brook hunter mason faith hope destiny harmony precious angel honey baby
        stone north west south east green white black brown gray grey house hall wood field may june august march christmas easter friday
        flat happy healthy merry early late start healthy safe kind dear best
        sunday monday tuesday wednesday thursday saturday january february april july september october november december
        """.split(whereSeparator: \.isWhitespace).map(String.init)
    )

    /// Words after a name that make it a place or an organisation: "Walker Way", "Oakdale Junior School".
    static let placeWords = WordSet(
        PersonalDataAnalyser.streetTypeList + [
            "school", "academy", "college", "centre", "center", "hospital", "surgery", "practice", "house", "hall",
            "library", "church",
            "primary", "junior", "infant", "infants", "nursery", "community", "court", "station", "council", "trust",
            "team", "unit", "ward",
            "clinic", "services", "service", "estate", "park", "road", "street", "building", "room", "office",
            "university", "foundation",
        ]
    )

    static func isFirstName(_ t: AnalysedText.Token) -> Bool {
        firstNames[t.hash] == t.text || folded(t).map { firstNames[WordHash.of($0)] == $0 } == true
    }
    static func isSurname(_ t: AnalysedText.Token) -> Bool {
        surnames[t.hash] == t.text || folded(t).map { surnames[WordHash.of($0)] == $0 } == true
    }

    /// A word with accents taken off ("chloé" → "chloe", "łukasz" → "lukasz"), when it has any.
    static func folded(_ t: AnalysedText.Token) -> String? {
        guard t.text.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
        var out = String.UnicodeScalarView()
        for scalar in t.text.unicodeScalars {
            if scalar.value < 0x80 {
                out.append(scalar)
                continue
            }
            switch scalar {
            case "ł": out.append("l")
            case "ø": out.append("o")
            case "đ": out.append("d")
            case "ß": out.append(contentsOf: "ss".unicodeScalars)
            default:
                // The base letter of a precomposed letter (é = e + ◌́), when it has one.
                if let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first,
                    base.value < 0x80
                {
                    out.append(base)
                }
            }
        }
        return String(out)
    }

    /// Capitalised, two letters or more, not an acronym ("PA", "GP", "NHS") and not a contraction
    /// ("I've"; the tokeniser has already taken a possessive 's off), though O'Brien and D'Souza are names.
    static func isNameLike(_ t: AnalysedText.Token, _ c: [UInt32]) -> Bool {
        t.capitalised && t.end - t.start >= 2 && PersonalDataAnalyser.isWord(t.text)
            && !IdentifierScanner.isUpper(c[t.start + 1])
            && (!t.text.utf8.contains(0x27) || t.text.hasPrefix("o'") || t.text.hasPrefix("d'"))
    }

    static func find(_ text: AnalysedText, _ c: [UInt32]) -> [ContentFinding] {
        let t = text.tokens
        var out: [ContentFinding] = []
        var k = 0
        func emit(_ range: Range<Int>, _ confidence: Double) {
            out.append(
                ContentFinding(
                    type: FindingType.person,
                    span: text.span(range, type: FindingType.person),
                    confidence: confidence
                )
            )
            k = range.upperBound
        }
        /// Capitalised name-like words running on from `from` (at most `max`), joined by a space or hyphen.
        /// A surname that is also a place word ("Hall", "Ward") counts unless a street type follows or it is one.
        func run(from: Int, max: Int) -> Int {
            var j = from
            while j < t.count, j - from < max, isNameLike(t[j], c),
                !placeWords.contains(t[j]) || (isSurname(t[j]) && !PersonalDataAnalyser.streetTypes.contains(t[j])),
                !ordinaryWords.contains(t[j]) || isSurname(t[j]),
                j == from || PersonalDataAnalyser.gap(c, t[j - 1], t[j]) == .space
            {
                j += 1
            }
            // "Walker Way", "Oakdale Junior School": a place named after someone is not them.
            if j < t.count, j > from, placeWords.contains(t[j]), t[j].capitalised,
                PersonalDataAnalyser.gap(c, t[j - 1], t[j]) == .space
            {
                return from
            }
            return j
        }
        while k < t.count {
            let w = t[k]
            // Mrs Okafor, Dr Patel
            if titles.contains(w), w.capitalised, k + 1 < t.count, t[k + 1].capitalised,
                PersonalDataAnalyser.isWord(t[k + 1].text)
            {
                let gapOK = c[w.end..<t[k + 1].start].allSatisfy { $0 == 0x20 || $0 == 0x2E }
                let end = run(from: k + 1, max: 3)
                if gapOK, end > k + 1 {
                    emit((k + 1)..<end, 0.9)
                    continue
                }
            }
            let greeted = k > 0 && greetings.contains(t[k - 1]) && PersonalDataAnalyser.gap(c, t[k - 1], w) != .other
            if titles.contains(w) {
                k += 1
                continue
            }
            // Kayden's, Joy's: a capitalised word with a possessive inside a sentence.
            let possessive = w.end + 1 < c.count && (c[w.end] == 0x27 || c[w.end] == 0x2019) && c[w.end + 1] == 0x73
            if possessive, isNameLike(w, c), !placeWords.contains(w),
                !startsSentence(c, w.start) || !ordinaryWords.contains(w)
            {
                emit(k..<(k + 1), 0.6)
                continue
            }
            let ordinary =
                ordinaryWords.contains(w) || CasePersonAnalyser.wordLikeNames.contains(w.text) || placeWords.contains(w)
            let known = PersonalDataAnalyser.isWord(w.text) && isFirstName(w)
            let nameLike = isNameLike(w, c)
            let nextIsPlace = k + 1 < t.count && placeWords.contains(t[k + 1]) && t[k + 1].capitalised
            if nameLike, !nextIsPlace {
                // Jayden Price; Oskar Naylor (an unknown first name before a known surname)
                if k + 1 < t.count, isNameLike(t[k + 1], c), PersonalDataAnalyser.gap(c, w, t[k + 1]) == .space,
                    known
                        ? (isSurname(t[k + 1]) || !ordinaryWords.contains(t[k + 1]))
                        : (!ordinary && isSurname(t[k + 1]) && !startsSentence(c, w.start))
                {
                    let end = run(from: k + 1, max: 2)
                    if end > k + 1 {
                        emit(k..<end, 0.85)
                        continue
                    }
                }
                // Hi Jayden; Hey Ashlei (after a greeting, any capitalised word that is not an ordinary one)
                if greeted, known || !ordinary {
                    emit(k..<(k + 1), known ? 0.8 : 0.65)
                    continue
                }
                // A known first name anywhere else, when it is not also an ordinary word.
                if known, !ordinary {
                    emit(k..<(k + 1), startsSentence(c, w.start) ? 0.6 : 0.7)
                    continue
                }
            } else if known, !ordinary, !w.capitalised, w.text.utf8.count >= 3, greeted || k == 0 || k + 1 == t.count {
                // hi jayden; "roy can u confirm"; "… right? kathryn"
                emit(k..<(k + 1), 0.5)
                continue
            }
            k += 1
        }
        return out
    }

    /// Nothing but spaces between the start of the text, or a full stop, question mark, exclamation
    /// mark or line break, and `i`.
    static func startsSentence(_ c: [UInt32], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0, c[j] == 0x20 || c[j] == 0x22 || c[j] == 0x27 || c[j] == 0x28 { j -= 1 }
        return j < 0 || c[j] == 0x2E || c[j] == 0x3F || c[j] == 0x21 || c[j] == 0x0A || c[j] == 0x0D || c[j] == 0x3A
    }
}
