/// Finds people's names the analyser was not told about, from name lists shipped as data
/// (`Data/first-names.txt`, `Data/surnames.txt`: the names of the UK's children and their communities,
/// from the ONS, and of the US census) and the context a name is written in:
/// - after a title (Mr, Mrs, Ms, Miss, Dr, Mx): any capitalised words ("Mrs Okafor");
/// - a known first name with a capital, and the capitalised surname after it ("Jayden Price");
/// - a known first name on its own, with a capital and not at the start of a sentence, or after a
///   greeting ("Hi Jayden", "hi jayden"), or before a comma at the start ("Jayden, can you …");
/// - a known first name in lower case where the words around make it a person: "can wojciech bring
///   her", "about tiago", "zain's mum", "dovydas said";
/// - a capitalised word inside a sentence that is no English word, place or organisation the
///   dictionary knows ("about Ogooluwa"): names outnumber every list.
/// First names that are also ordinary words ("Will", "May", "Hope", "Grace", "Mark") count only after
/// a title or a greeting, or with a surname after them.
enum NameFinder {
    /// The first name a word is (accents aside), if it is one.
    static func firstName(_ t: AnalysedText.Token) -> WordLists.FirstName? {
        let kinds = WordLists.lexicon.kinds(t)
        guard kinds.contains(.firstName) else { return nil }
        return WordLists.FirstName(alsoWord: kinds.contains(.alsoWord))
    }

    static let titles = WordSet([
        "mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame", "nurse", "pc", "ds", "dc", "sgt", "cllr",
    ])
    static let greetings = WordSet([
        "hi", "hiya", "hello", "hey", "dear", "morning", "afternoon", "evening", "thanks", "cheers", "regards", "love",
        "bye", "from", "its", "it's", "sorry",
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
            "library", "church", "grammar",
            "primary", "junior", "infant", "infants", "nursery", "community", "court", "station", "council", "trust",
            "team", "unit", "ward",
            "clinic", "services", "service", "estate", "park", "road", "street", "building", "room", "office",
            "university", "foundation",
        ]
    )

    static func isSurname(_ t: AnalysedText.Token) -> Bool { WordLists.lexicon.kinds(t).contains(.surname) }
    /// A place, an organisation or another proper noun the dictionary knows ("Lincoln", "Chester").
    static func isProperNoun(_ t: AnalysedText.Token) -> Bool { WordLists.lexicon.kinds(t).contains(.properNoun) }
    /// A word the dictionary knows, as an everyday word or a proper noun (a place, a month, a firm).
    static func isDictionaryWord(_ t: AnalysedText.Token) -> Bool {
        !WordLists.lexicon.kinds(t).isDisjoint(with: [.englishWord, .properNoun])
    }

    /// A word with accents taken off ("chloé" → "chloe", "łukasz" → "lukasz"), when it has any.
    static func folded(_ t: AnalysedText.Token) -> String? {
        guard !t.isASCII else { return nil }
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
        t.capitalised && t.end - t.start >= 2 && t.isWord
            && !IdentifierScanner.isUpper(c[t.start + 1])
            && (!t.text.utf8.contains(0x27) || t.text.hasPrefix("o'") || t.text.hasPrefix("d'"))
    }

    static func find(_ text: AnalysedText, _ c: [UInt32]) -> [ContentFinding] {
        let t = text.tokens
        // Which of the small lists each word is in, by one probe of one table per word: the loop below
        // asks a dozen lists about most words, and a probe each was a twentieth of the analysers' time.
        let index = Self.cueIndex
        let cues = t.map { index[$0.hash] ?? [] }
        @inline(__always) func has(_ i: Int, _ cue: Cue) -> Bool { !cues[i].isDisjoint(with: cue) }
        /// A word too common to be taken for a name by itself: an everyday word that is a name too, a
        /// place word, a greeting or a pronoun.
        func isOrdinary(_ i: Int) -> Bool { has(i, [.ordinary, .wordLikeName, .placeWord, .greeting, .notName]) }
        func isUnknown(_ i: Int) -> Bool { isUnknownWord(t[i], cues[i]) }
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
                !has(j, .placeWord) || (isSurname(t[j]) && !has(j, .streetType)),
                !has(j, .ordinary) || isSurname(t[j]),
                j == from || PersonalDataAnalyser.gap(c, t[j - 1], t[j]) == .space
            {
                j += 1
            }
            // "Walker Way", "Oakdale Junior School": a place named after someone is not them.
            if j < t.count, j > from, has(j, .placeWord), t[j].capitalised,
                PersonalDataAnalyser.gap(c, t[j - 1], t[j]) == .space
            {
                return from
            }
            return j
        }
        func afterPlacePreposition(_ i: Int) -> Bool { i > 0 && has(i - 1, .placePreposition) }
        /// "spoke to Batal", "a text from Vritti": "to" or "from" after words people are the end of.
        func spokenTo(_ i: Int) -> Bool {
            i > 1 && (t[i - 1].text == "to" || t[i - 1].text == "from") && has(i - 2, .spokenToVerb)
        }
        /// Capitalised words run on from `i` to a place word within three: "Lincoln Castle Academy".
        func beforePlaceName(_ i: Int) -> Bool {
            var j = i + 1
            while j < t.count, j <= i + 3, t[j].capitalised, PersonalDataAnalyser.gap(c, t[j - 1], t[j]) == .space {
                // "Naomi Ward" is a person; "Oakdale Junior School" a place.
                let surnameAtEnd = isSurname(t[j]) && (j + 1 == t.count || !t[j + 1].capitalised)
                if has(j, .placeWord), !surnameAtEnd { return true }
                j += 1
            }
            return false
        }
        /// "can wojciech bring her", "about tiago", "zain's mum", "dovydas said", "hi ogooluwa": a
        /// lower-case word is a name only where the words around it say so. Most words of a message
        /// are lower case and have no such words around them, so those are asked first and the lists
        /// only then.
        func lowerCaseName(_ k: Int) -> Double? {
            let w = t[k]
            guard w.isWord, w.text.utf8.count >= 3 else { return nil }
            let greeted = k > 0 && has(k - 1, .greeting) && PersonalDataAnalyser.gap(c, t[k - 1], w) != .other
            let possessive = w.end + 1 < c.count && (c[w.end] == 0x27 || c[w.end] == 0x2019) && c[w.end + 1] == 0x73
            let before = k > 0 && has(k - 1, .cueBefore)
            let after = k + 1 < t.count && has(k + 1, .cueAfter)
            let strongAfter = k + 1 < t.count && has(k + 1, .strongCueAfter)
            let edge = greeted || k == 0 || k + 1 == t.count
            let cued =
                possessive || before || after || spokenTo(k) || (afterPlacePreposition(k) && !isProperNoun(w))
            guard edge || cued || strongAfter else { return nil }
            guard !isOrdinary(k), !has(k, [.textSpeak, .title]),
                !(k > 0 && has(k - 1, .saint) && t[k - 1].capitalised), !beforePlaceName(k)
            else { return nil }
            if let first = isDated(k) ? nil : firstName(w) {
                // hi jayden; "roy can u confirm"; "… right? kathryn"
                if edge { return 0.5 }
                // A name that is no everyday word, where the words around it say it is a person.
                let asPlace = k > 0 && has(k - 1, .placeOnlyPreposition) && isProperNoun(w)
                return !first.alsoWord && cued && !asPlace ? 0.5 : nil
            }
            // "hi ogooluwa", "without onyinye there": a word no list or dictionary knows, where the
            // words around it say it is a person.
            let vocative = k == 0 && k + 1 < t.count && has(k + 1, .vocative)
            guard w.text.utf8.count >= 4, greeted || possessive || before || strongAfter || vocative else { return nil }
            return isUnknown(k) ? 0.45 : nil
        }
        /// "27 Jan 2024": a month, though Jan is a name too.
        func isDated(_ i: Int) -> Bool {
            has(i, .calendar) && (nextToDigit(c, t[i].start - 1, -1) || nextToDigit(c, t[i].end, 1))
        }
        while k < t.count {
            let w = t[k]
            if !w.capitalised {
                if let confidence = lowerCaseName(k) {
                    emit(k..<(k + 1), confidence)
                } else {
                    k += 1
                }
                continue
            }
            // Mrs Okafor, Dr Patel
            if has(k, .title), w.capitalised, k + 1 < t.count, t[k + 1].capitalised,
                t[k + 1].isWord
            {
                let gapOK = c[w.end..<t[k + 1].start].allSatisfy { $0 == 0x20 || $0 == 0x2E }
                let end = run(from: k + 1, max: 3)
                if gapOK, end > k + 1 {
                    emit((k + 1)..<end, 0.9)
                    continue
                }
            }
            let greeted = k > 0 && has(k - 1, .greeting) && PersonalDataAnalyser.gap(c, t[k - 1], w) != .other
            if has(k, .title) {
                k += 1
                continue
            }
            // "St Edward's School", "Thomas Hardye School": part of a place's or an organisation's name.
            if (k > 0 && has(k - 1, .saint) && t[k - 1].capitalised) || beforePlaceName(k) {
                k += 1
                continue
            }
            // Kayden's, Joy's: a capitalised word with a possessive inside a sentence.
            let possessive = w.end + 1 < c.count && (c[w.end] == 0x27 || c[w.end] == 0x2019) && c[w.end + 1] == 0x73
            if possessive, isNameLike(w, c), !has(k, [.placeWord, .notName, .organisation]),
                !startsSentence(c, w.start) || !has(k, .ordinary)
            {
                emit(k..<(k + 1), 0.6)
                continue
            }
            let ordinary = isOrdinary(k)
            let known = w.isWord && !isDated(k) && firstName(w) != nil
            // "to Lincoln", "in Chester": a name that is also a place, written as one.
            let asPlace = known && k > 0 && has(k - 1, .placeOnlyPreposition) && isProperNoun(w)
            let nameLike = isNameLike(w, c)
            let nextCue = k + 1 < t.count && has(k + 1, .cueAfter)
            if nameLike, !asPlace {
                // Jayden Price; Oskar Naylor (an unknown first name before a known surname)
                if k + 1 < t.count, isNameLike(t[k + 1], c), PersonalDataAnalyser.gap(c, w, t[k + 1]) == .space,
                    known
                        ? (isSurname(t[k + 1]) || !has(k + 1, .ordinary))
                        : (!ordinary && isUnknown(k) && isSurname(t[k + 1]) && !startsSentence(c, w.start))
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
                // "For Guy, the priority …", "tell Bill": a capitalised name that is also a word, after a
                // word that names a person next, when it is not a month or season, nor the start of a title
                // ("Summer Fair").
                if known, ordinary, k > 0, has(k - 1, .cueBefore) || spokenTo(k),
                    PersonalDataAnalyser.gap(c, t[k - 1], w) == .space,
                    !has(k, [.calendar, .notName, .greeting, .placeWord]),
                    k + 1 == t.count || !t[k + 1].capitalised || PersonalDataAnalyser.gap(c, w, t[k + 1]) != .space
                {
                    emit(k..<(k + 1), 0.55)
                    continue
                }
                if !known, !ordinary, isUnknown(k) {
                    if !startsSentence(c, w.start) {
                        // "about Ogooluwa": inside a sentence, a capitalised word no list or dictionary
                        // knows, unless the word before makes it a place ("in Swanage").
                        if !afterPlacePreposition(k) || spokenTo(k) {
                            emit(k..<run(from: k + 1, max: 2), 0.55)
                            continue
                        }
                    } else if nextCue || (k == 0 && w.end + 1 < c.count && (c[w.end] == 0x2C || c[w.end + 1] == 0x2D))
                        || (k == 0 && k + 1 < t.count && has(k + 1, .vocative))
                        || k + 1 == t.count || (w.end + 1 < c.count && c[w.end] == 0x20 && c[w.end + 1] == 0x28)
                    {
                        // "Devyka was upset", "Keji, Emeka and …", a sign-off ("… Thanks. Baashir").
                        emit(k..<(k + 1), 0.5)
                        continue
                    }
                }
            }
            k += 1
        }
        return out
    }

    /// Words before a lower-case name that make it a person: "with tiago", "tell zain", "and chidinma".
    static let cuesBefore = WordSet([
        "with", "about", "abt", "tell", "ask", "and", "call", "ring", "text", "see", "meet", "collect", "bring",
        "take", "saw", "seen", "visit", "visited", "told", "asked", "called", "met", "remind", "let", "give", "gave",
        "help", "support", "can", "could", "did", "does", "is", "was", "has", "had", "will", "would", "for", "or",
        "but", "discuss", "without", "dropped", "drop", "picked", "pick", "thank", "thanked", "love", "miss",
    ])
    /// Words never a person's name, whatever the lists say: pronouns and the like ("It's", "Everyone's").
    static let notNames = WordSet([
        "it", "that", "what", "there", "here", "who", "he", "she", "let", "where", "how", "everyone", "today",
        "tomorrow", "mum", "dad", "one", "someone", "nobody", "everybody", "anyone", "nothing", "everything",
        "this", "which", "hiya", "yesterday", "tonight", "tonite", "team",
    ])
    static let saints = WordSet(["st", "saint"])
    static let wordLikeNames = WordSet(CasePersonAnalyser.wordLikeNames)
    static let calendarWords = WordSet([
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "spring", "summer", "autumn", "winter", "christmas", "easter", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday",
    ])
    /// The first character other than a space from `i` in direction `step` is a digit.
    static func nextToDigit(_ c: [UInt32], _ i: Int, _ step: Int) -> Bool {
        var j = i
        while j >= 0, j < c.count, c[j] == 0x20 { j += step }
        return j >= 0 && j < c.count && c[j] >= 0x30 && c[j] <= 0x39
    }
    static let spokenToVerbs = WordSet([
        "spoke", "speak", "speaking", "talk", "talked", "talking", "according", "said", "say", "message", "text",
        "email", "call", "letter", "referral", "sent", "send", "given", "give", "belongs", "listen", "listened",
        "explained", "introduced", "reply", "replied", "note", "card", "gift", "present", "visit", "news",
    ])
    /// Words before a place that are seldom before a person ("in Chester"; but "spoke to Paige").
    static let placeOnlyPrepositions = WordSet([
        "in", "at", "near", "into", "towards", "via", "outside", "around", "through",
    ])
    /// Words after a lower-case name that make it a person: "wojciech said", "dovydas is".
    static let cuesAfter = WordSet([
        "is", "was", "has", "had", "said", "says", "will", "can", "could", "did", "does", "didn't", "doesn't",
        "isn't", "wasn't", "won't", "can't", "hasn't", "wants", "needs", "needed", "seems", "seemed", "looked",
        "got", "went", "asked", "told", "came", "left", "missed", "attended", "would", "should", "might", "must",
        "loves", "likes", "feels", "felt", "and", "or", "who", "hasnt", "isnt", "wasnt", "cant", "wont", "didnt",
        "rang", "called", "texted", "wants", "presented", "disclosed", "told", "beat", "really", "seemed",
    ])
    /// Verbs after a word no list knows that make it someone: "veniamin needs", "ogooluwa rang".
    static let strongCuesAfter = WordSet([
        "said", "says", "wants", "needs", "rang", "texted", "told", "asked", "seemed", "seems", "feels", "felt",
        "looked", "went", "came", "left", "missed", "attended", "loves", "likes", "beat", "disclosed", "presented",
    ])
    /// Words after a name at the start of a message that say it is spoken to: "Tudora pls can u …".
    static let vocativeCues = WordSet([
        "pls", "plz", "please", "ur", "u", "r", "can", "could", "are", "have", "did", "where", "its", "it's", "thanks",
    ])
    /// Words before a place, which a capitalised word after them more likely is: "in Swanage".
    static let placePrepositions = WordSet([
        "in", "at", "from", "to", "near", "into", "towards", "via", "the", "of", "outside", "around", "through",
    ])
    /// Brands and services messages name, which no dictionary knows.
    static let organisations = WordSet([
        "whatsapp", "snapchat", "instagram", "tiktok", "facebook", "messenger", "childline", "kooth", "ofsted",
        "barnardo", "tesco", "asda", "lidl", "aldi", "morrisons", "sainsbury", "greggs", "primark", "youtube",
        "google", "zoom", "signal", "telegram", "iphone", "android", "samsung", "outlook", "gmail", "hotmail",
    ])
    static let textSpeak = WordSet(PhraseLists.textSpeak.filter { !$0.contains(" ") })

    /// Name-like in its letters, and no known word, place, organisation or everyday name of a thing.
    static func isUnknownWord(_ t: AnalysedText.Token, _ cues: Cue) -> Bool {
        t.isWord && t.text.utf8.count >= 3 && cues.isDisjoint(with: [.organisation, .ordinary, .placeWord, .textSpeak])
            && !isDictionaryWord(t)
    }

    /// The small lists above, each a bit.
    struct Cue: OptionSet, Sendable {
        let rawValue: UInt32
        static let title = Cue(rawValue: 1 << 0)
        static let greeting = Cue(rawValue: 1 << 1)
        static let ordinary = Cue(rawValue: 1 << 2)
        static let placeWord = Cue(rawValue: 1 << 3)
        static let wordLikeName = Cue(rawValue: 1 << 4)
        static let notName = Cue(rawValue: 1 << 5)
        static let cueBefore = Cue(rawValue: 1 << 6)
        static let cueAfter = Cue(rawValue: 1 << 7)
        static let strongCueAfter = Cue(rawValue: 1 << 8)
        static let vocative = Cue(rawValue: 1 << 9)
        static let textSpeak = Cue(rawValue: 1 << 10)
        static let calendar = Cue(rawValue: 1 << 11)
        static let placePreposition = Cue(rawValue: 1 << 12)
        static let placeOnlyPreposition = Cue(rawValue: 1 << 13)
        static let spokenToVerb = Cue(rawValue: 1 << 14)
        static let organisation = Cue(rawValue: 1 << 15)
        static let saint = Cue(rawValue: 1 << 16)
        static let streetType = Cue(rawValue: 1 << 17)
    }

    /// Every word of the small lists, with the lists it is in.
    static let cueIndex: HashIndex<Cue> = {
        let lists: [(WordSet, Cue)] = [
            (titles, .title), (greetings, .greeting), (ordinaryWords, .ordinary), (placeWords, .placeWord),
            (wordLikeNames, .wordLikeName), (notNames, .notName), (cuesBefore, .cueBefore), (cuesAfter, .cueAfter),
            (strongCuesAfter, .strongCueAfter), (vocativeCues, .vocative), (textSpeak, .textSpeak),
            (calendarWords, .calendar), (placePrepositions, .placePreposition),
            (placeOnlyPrepositions, .placeOnlyPreposition), (spokenToVerbs, .spokenToVerb),
            (organisations, .organisation), (saints, .saint), (PersonalDataAnalyser.streetTypes, .streetType),
        ]
        var cues: [UInt64: Cue] = [:]
        for (words, cue) in lists {
            for hash in words.hashes { cues[hash, default: []].insert(cue) }
        }
        return HashIndex(cues.map { ($0.key, $0.value) })
    }()

    /// Nothing but spaces between the start of the text, or a full stop, question mark, exclamation
    /// mark or line break, and `i`.
    static func startsSentence(_ c: [UInt32], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0, c[j] == 0x20 || c[j] == 0x22 || c[j] == 0x27 || c[j] == 0x28 { j -= 1 }
        return j < 0 || c[j] == 0x2E || c[j] == 0x3F || c[j] == 0x21 || c[j] == 0x0A || c[j] == 0x0D || c[j] == 0x3A
    }
}
