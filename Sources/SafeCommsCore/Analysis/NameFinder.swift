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

    static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame", "nurse", "pc", "ds", "dc", "sgt", "cllr"]
    static let greetings: Set<String> = ["hi", "hello", "hey", "dear", "morning", "afternoon", "evening", "thanks", "cheers", "regards", "love", "bye", "from"]

    /// Ordinary English words that are also in the name lists, and words that are never names at the
    /// start of a sentence.
    static let ordinaryWords: Set<String> = Set(
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
        sunday monday tuesday wednesday thursday saturday january february april july september october november december
        """.split(whereSeparator: \.isWhitespace).map(String.init))

    static func isFirstName(_ t: AnalysedText.Token) -> Bool { firstNames[t.hash] == t.text }
    static func isSurname(_ t: AnalysedText.Token) -> Bool { surnames[t.hash] == t.text }

    static func find(_ text: AnalysedText, _ c: [UInt32]) -> [ContentFinding] {
        let t = text.tokens
        var out: [ContentFinding] = []
        var k = 0
        func emit(_ range: Range<Int>, _ confidence: Double) {
            out.append(ContentFinding(type: FindingType.person, span: text.span(range, type: FindingType.person), confidence: confidence))
            k = range.upperBound
        }
        /// Capitalised name-like words running on from `from` (at most `max`), joined by a space or hyphen.
        func run(from: Int, max: Int) -> Int {
            var j = from
            while j < t.count, j - from < max, t[j].capitalised, PersonalDataAnalyser.isWord(t[j].text), !ordinaryWords.contains(t[j].text) || isSurname(t[j]),
                j == from || PersonalDataAnalyser.gap(c, t[j - 1], t[j]) == .space
            {
                j += 1
            }
            return j
        }
        while k < t.count {
            let w = t[k]
            // Mrs Okafor, Dr Patel
            if titles.contains(w.text), w.capitalised, k + 1 < t.count, t[k + 1].capitalised, PersonalDataAnalyser.isWord(t[k + 1].text) {
                let gapOK = c[w.end..<t[k + 1].start].allSatisfy { $0 == 0x20 || $0 == 0x2E }
                let end = run(from: k + 1, max: 3)
                if gapOK, end > k + 1 {
                    emit((k + 1)..<end, 0.9)
                    continue
                }
            }
            let greeted = k > 0 && greetings.contains(t[k - 1].text) && PersonalDataAnalyser.gap(c, t[k - 1], w) != .other
            if isFirstName(w), PersonalDataAnalyser.isWord(w.text) {
                let ordinary = ordinaryWords.contains(w.text) || CasePersonAnalyser.wordLikeNames.contains(w.text)
                // Jayden Price
                if w.capitalised, k + 1 < t.count, t[k + 1].capitalised, PersonalDataAnalyser.gap(c, w, t[k + 1]) == .space,
                    isSurname(t[k + 1]) || !ordinaryWords.contains(t[k + 1].text)
                {
                    let end = run(from: k + 1, max: 2)
                    if end > k + 1 {
                        emit(k..<end, 0.85)
                        continue
                    }
                }
                if greeted, !ordinary || w.capitalised {
                    emit(k..<(k + 1), w.capitalised ? 0.8 : 0.6)
                    continue
                }
                if w.capitalised, !ordinary {
                    let sentenceStart = startsSentence(c, w.start)
                    let commaAfter = w.end < c.count && c[w.end] == 0x2C
                    if !sentenceStart || commaAfter || k + 1 == t.count {
                        emit(k..<(k + 1), 0.7)
                        continue
                    }
                }
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
