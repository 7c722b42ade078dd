/// A message split once into words for every analyser: each word lower-cased, with its place in the
/// text in Unicode code points (the offsets a decision's spans use). One pass over the UTF-8 bytes,
/// linear in the length; ASCII (nearly all of a British text message) never touches the Unicode
/// property tables.
public struct AnalysedText: Sendable {
    public struct Token: Sendable, Equatable {
        /// Lower-cased; a possessive "'s" is dropped, so "Kayden's" is the word "kayden".
        public var text: String
        public var start: Int
        public var end: Int
        /// The word began with a capital letter in the message.
        public var capitalised: Bool
    }

    public let text: String
    public let tokens: [Token]
    /// Length in code points.
    public let length: Int

    public init(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var start = 0, wordScalars = 0, offset = 0
        var capitalised = false
        func flush() {
            // A trailing apostrophe (students') and a possessive 's belong to the punctuation, not the word.
            if word.count > 2, word[word.count - 2] == 0x27, word[word.count - 1] == 0x73 {
                word.removeLast(2)
                wordScalars -= 2
            }
            while word.last == 0x27 {
                word.removeLast()
                wordScalars -= 1
            }
            if !word.isEmpty {
                tokens.append(Token(text: String(decoding: word, as: UTF8.self), start: start, end: start + wordScalars, capitalised: capitalised))
            }
            word.removeAll(keepingCapacity: true)
            wordScalars = 0
        }
        func begin(_ upper: Bool) {
            if word.isEmpty {
                start = offset
                capitalised = upper
            }
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(v)
                switch b {
                case 0x41...0x5A:  // A-Z
                    begin(true)
                    word.append(b + 32)
                    wordScalars += 1
                case 0x61...0x7A, 0x30...0x39:  // a-z 0-9
                    begin(false)
                    word.append(b)
                    wordScalars += 1
                case 0x27 where !word.isEmpty:  // an apostrophe inside a word: don't, I'll
                    word.append(b)
                    wordScalars += 1
                default:
                    flush()
                }
            } else if v == 0x2019, !word.isEmpty {  // ’ typed by phones for an apostrophe
                word.append(0x27)
                wordScalars += 1
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                begin(scalar.properties.isUppercase)
                let lower = String(scalar).lowercased()
                word.append(contentsOf: lower.utf8)
                wordScalars += 1  // spans count the message's own code points, not the lower-cased ones
            } else {
                flush()
            }
            offset += 1
        }
        flush()
        self.tokens = tokens
        length = offset
    }
}

/// Finds phrases (sequences of lower-case words) in analysed text. Phrases are indexed by their first
/// word, so the scan is one dictionary lookup per word of the message whatever the list's size. Each
/// phrase carries a tag, so one matcher can look for several kinds of thing at once.
public struct PhraseMatcher: Sendable {
    private var byFirstWord: [String: [(words: [String], tag: Int)]] = [:]

    public init(_ phrases: some Sequence<String>) {
        self.init(tagged: phrases.map { ($0, 0) })
    }

    public init(tagged phrases: some Sequence<(String, Int)>) {
        self.init(words: phrases.map { (AnalysedText($0.0).tokens.map(\.text), $0.1) })
    }

    /// From phrases already split into lower-case words.
    public init(words phrases: some Sequence<([String], Int)>) {
        for (words, tag) in phrases {
            guard let first = words.first else { continue }
            byFirstWord[first, default: []].append((words, tag))
        }
        // Longest first, so "child protection conference report" wins over "conference report".
        for key in byFirstWord.keys { byFirstWord[key]!.sort { $0.words.count > $1.words.count } }
    }

    public var isEmpty: Bool { byFirstWord.isEmpty }

    /// Non-overlapping matches, left to right: token index ranges and the tag of the phrase found.
    public func tagged(in text: AnalysedText) -> [(range: Range<Int>, tag: Int)] {
        var out: [(range: Range<Int>, tag: Int)] = []
        let t = text.tokens
        var i = 0
        while i < t.count {
            var matched: (count: Int, tag: Int)?
            if let candidates = byFirstWord[t[i].text] {
                for c in candidates where i + c.words.count <= t.count {
                    var ok = true
                    for k in 1..<c.words.count where t[i + k].text != c.words[k] {
                        ok = false
                        break
                    }
                    if ok {
                        matched = (c.words.count, c.tag)
                        break
                    }
                }
            }
            if let m = matched {
                out.append((i..<(i + m.count), m.tag))
                i += m.count
            } else {
                i += 1
            }
        }
        return out
    }

    /// Non-overlapping matches, left to right: token index ranges.
    public func matches(in text: AnalysedText) -> [Range<Int>] { tagged(in: text).map(\.range) }
}

extension AnalysedText {
    /// The code-point span of a run of tokens.
    public func span(_ tokens: Range<Int>, type: String) -> Span {
        Span(start: self.tokens[tokens.lowerBound].start, end: self.tokens[tokens.upperBound - 1].end, type: type)
    }
}
