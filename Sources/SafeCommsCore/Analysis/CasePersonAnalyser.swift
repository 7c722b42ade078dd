/// Finds the people on the case in a message: their names and aliases, their date of birth written
/// the common ways, their address and postcode (WA-7, LIN-14). It knows the case's own people, which
/// is why it can be exact where a generic detector has to guess. Issue 4 adds misspellings and
/// generic names.
public struct CasePersonAnalyser: ContentAnalyser {
    public init() {}

    public var types: Set<String> {
        [FindingType.casePerson, FindingType.dateOfBirth, FindingType.address, FindingType.postcode]
    }

    /// First names that are also ordinary words: matched only when written with a capital letter.
    static let wordLikeNames: Set<String> = [
        "will", "may", "hope", "grace", "faith", "joy", "rose", "mark", "bill", "pat", "sue", "jack", "frank", "dawn", "summer", "autumn",
        "april", "june", "august", "rich", "ruby", "amber", "holly", "ivy", "daisy", "lily", "poppy", "sky", "rain", "storm", "angel",
        "honey", "star", "precious", "king", "prince", "hunter", "chase", "miles", "mo", "art", "gene", "guy", "harmony", "destiny",
    ]

    public func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding] {
        guard !context.people.isEmpty, !text.tokens.isEmpty else { return [] }
        var out: [ContentFinding] = []
        for person in context.people {
            let names = PhraseMatcher(Self.nameForms(person))
            for m in names.matches(in: text) {
                let words = text.tokens[m]
                if m.count == 1, let w = words.first, Self.wordLikeNames.contains(w.text), !w.capitalised { continue }
                out.append(ContentFinding(type: FindingType.casePerson, span: text.span(m, type: FindingType.casePerson), confidence: 0.95))
            }
            if let dob = person.dateOfBirth, let day = BankHolidays.Day(parsing: dob) {
                for m in PhraseMatcher(Self.dateForms(day)).matches(in: text) {
                    out.append(ContentFinding(type: FindingType.dateOfBirth, span: text.span(m, type: FindingType.dateOfBirth), confidence: 0.95))
                }
            }
            if let address = person.address {
                for m in PhraseMatcher(Self.addressForms(address)).matches(in: text) {
                    out.append(ContentFinding(type: FindingType.address, span: text.span(m, type: FindingType.address), confidence: 0.9))
                }
            }
            if let postcode = person.postcode {
                for m in PhraseMatcher(Self.postcodeForms(postcode)).matches(in: text) {
                    out.append(ContentFinding(type: FindingType.postcode, span: text.span(m, type: FindingType.postcode), confidence: 0.95))
                }
            }
        }
        return out
    }

    /// The full name, each name of two letters or more on its own, and every alias.
    static func nameForms(_ p: CasePersonInfo) -> [String] {
        var forms = [p.name] + p.aliases
        forms += AnalysedText(p.name).tokens.map(\.text).filter { $0.count >= 2 }
        return forms
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    /// 14/03/2012, 14/3/12, 14.03.2012, 2012-03-14, 14 March 2012, 14th March 2012, March 14 2012, 14 Mar 2012 …
    /// (the tokenizer drops the separators, so one form covers / . - and spaces).
    static func dateForms(_ d: BankHolidays.Day) -> [String] {
        let dd = d.day < 10 ? "0\(d.day)" : "\(d.day)", mm = d.month < 10 ? "0\(d.month)" : "\(d.month)"
        let yy = String(String(d.year).suffix(2))
        let month = months[d.month - 1], mon = String(month.prefix(3))
        let suffix = (d.day % 10 == 1 && d.day != 11) ? "st" : (d.day % 10 == 2 && d.day != 12) ? "nd" : (d.day % 10 == 3 && d.day != 13) ? "rd" : "th"
        var forms: [String] = []
        for day in Set([dd, "\(d.day)"]) {
            for m in Set([mm, "\(d.month)"]) { forms += ["\(day) \(m) \(d.year)", "\(day) \(m) \(yy)"] }
            for name in [month, mon] { forms += ["\(day) \(name) \(d.year)", "\(day)\(suffix) \(name) \(d.year)", "\(name) \(day) \(d.year)", "\(day)\(suffix) of \(name) \(d.year)"] }
        }
        forms.append("\(d.year) \(mm) \(dd)")
        return forms
    }

    /// The first line as written, and without its house number.
    static func addressForms(_ address: String) -> [String] {
        let firstLine = address.split(separator: ",").first.map(String.init) ?? address
        let words = AnalysedText(firstLine).tokens.map(\.text)
        var forms = [words.joined(separator: " ")]
        if let first = words.first, first.first?.isNumber == true, words.count >= 3 { forms.append(words.dropFirst().joined(separator: " ")) }
        return forms.filter { AnalysedText($0).tokens.count >= 2 }
    }

    /// "CV1 2AB" and "CV12AB".
    static func postcodeForms(_ postcode: String) -> [String] {
        let compact = postcode.filter { !$0.isWhitespace }.lowercased()
        guard compact.count >= 5 else { return [] }
        return [compact, String(compact.dropLast(3)) + " " + String(compact.suffix(3))]
    }
}
