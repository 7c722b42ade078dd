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
        /// `WordHash.of(text)`, made while tokenising.
        public var hash: UInt64
        /// Letters (and apostrophes) only, no digit: a word rather than a number or a code. Asked of
        /// every word several times over, so worked out once.
        public var isWord: Bool
        /// Every letter ASCII: no accent to take off before a list is asked.
        public var isASCII: Bool

        public init(text: String, start: Int, end: Int, capitalised: Bool, hash: UInt64) {
            var digit = false, ascii = true
            for b in text.utf8 {
                digit = digit || b &- 0x30 < 10
                ascii = ascii && b < 0x80
            }
            self.init(
                text: text,
                start: start,
                end: end,
                capitalised: capitalised,
                hash: hash,
                isWord: !digit,
                isASCII: ascii
            )
        }

        /// With the two flags the tokeniser worked out as it read the word's bytes.
        init(text: String, start: Int, end: Int, capitalised: Bool, hash: UInt64, isWord: Bool, isASCII: Bool) {
            self.text = text
            self.start = start
            self.end = end
            self.capitalised = capitalised
            self.hash = hash
            self.isWord = isWord
            self.isASCII = isASCII
        }
    }

    public let text: String
    public let tokens: [Token]
    /// The text's code points, indexed by the offsets spans use (for scanners that need punctuation).
    public let scalars: [UInt32]
    /// Length in code points.
    public let length: Int

    public init(_ text: String) {
        self.text = text
        // Nearly every message is ASCII: read its bytes directly, without decoding scalars.
        if let (tokens, scalars) = text.utf8.withContiguousStorageIfAvailable(Self.tokeniseASCII) ?? nil {
            self.tokens = tokens
            self.scalars = scalars
            length = scalars.count
            return
        }
        var tokens: [Token] = []
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.utf8.count)
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
                var h = WordHash.seed
                var digit = false, ascii = true
                for b in word {
                    h = WordHash.add(h, b)
                    digit = digit || b &- 0x30 < 10
                    ascii = ascii && b < 0x80
                }
                tokens.append(
                    Token(
                        text: String(decoding: word, as: UTF8.self),
                        start: start,
                        end: start + wordScalars,
                        capitalised: capitalised,
                        hash: h,
                        isWord: !digit,
                        isASCII: ascii
                    )
                )
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
            scalars.append(v)
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
        self.scalars = scalars
        length = offset
    }

    /// The same words as the general path for text that is all ASCII; nil at the first byte that is not.
    static func tokeniseASCII(_ b: UnsafeBufferPointer<UInt8>) -> ([Token], [UInt32])? {
        var scalars = [UInt32](repeating: 0, count: b.count)
        var tokens: [Token] = []
        tokens.reserveCapacity(b.count / 5)
        @inline(__always) func isWord(_ v: UInt8) -> Bool { (v | 0x20) &- 0x61 < 26 || v &- 0x30 < 10 }
        var i = 0
        while i < b.count {
            let v = b[i]
            if v >= 0x80 { return nil }
            scalars[i] = UInt32(v)
            guard isWord(v) else {
                i += 1
                continue
            }
            let start = i
            var j = i + 1
            while j < b.count, isWord(b[j]) || b[j] == 0x27 {  // an apostrophe inside a word: don't, I'll
                scalars[j] = UInt32(b[j])
                j += 1
            }
            // A trailing apostrophe (students') and a possessive 's belong to the punctuation, not the word.
            var end = j
            if end - start > 2, b[end - 2] == 0x27, b[end - 1] | 0x20 == 0x73 { end -= 2 }
            while b[end - 1] == 0x27 { end -= 1 }
            var h = WordHash.seed
            var digit = false
            let word = String(unsafeUninitializedCapacity: end - start) { out in
                for k in start..<end {
                    let c = b[k] &- 0x41 < 26 ? b[k] | 0x20 : b[k]
                    out[k - start] = c
                    h = WordHash.add(h, c)
                    digit = digit || c &- 0x30 < 10
                }
                return end - start
            }
            tokens.append(
                Token(
                    text: word,
                    start: start,
                    end: end,
                    capitalised: b[start] &- 0x41 < 26,
                    hash: h,
                    isWord: !digit,
                    isASCII: true
                )
            )
            i = j
        }
        return (tokens, scalars)
    }
}

/// Finds phrases (sequences of lower-case words) in analysed text. One-word phrases are indexed by
/// their word and longer ones by their first two words, through word hashes, so the scan costs two
/// table lookups per word of the message whatever the size of the lists. Each phrase carries a tag,
/// so one matcher can look for several kinds of thing at once.
public struct PhraseMatcher: Sendable {
    struct Entry: Sendable {
        var words: [String]
        var tag: Int
    }

    private let singles: HashIndex<[Entry]>
    /// Longest first, so "child protection conference report" wins over "child protection".
    private let pairs: HashIndex<[Entry]>
    /// One past the largest tag.
    let tagCount: Int

    public init(_ phrases: some Sequence<String>) {
        self.init(tagged: phrases.map { ($0, 0) })
    }

    public init(tagged phrases: some Sequence<(String, Int)>) {
        self.init(words: phrases.map { (AnalysedText($0.0).tokens.map(\.text), $0.1) })
    }

    /// From phrases already split into lower-case words.
    public init(words phrases: some Sequence<([String], Int)>) {
        var singles: [UInt64: [Entry]] = [:]
        var pairs: [UInt64: [Entry]] = [:]
        var tags = 0
        for (words, tag) in phrases where !words.isEmpty {
            tags = max(tags, tag + 1)
            if words.count == 1 {
                singles[WordHash.of(words[0]), default: []].append(Entry(words: words, tag: tag))
            } else {
                pairs[WordHash.pair(WordHash.of(words[0]), WordHash.of(words[1])), default: []].append(
                    Entry(words: words, tag: tag)
                )
            }
        }
        self.singles = HashIndex(singles.map { ($0.key, $0.value) })
        self.pairs = HashIndex(pairs.map { ($0.key, $0.value.sorted { $0.words.count > $1.words.count }) })
        tagCount = tags
    }

    public var isEmpty: Bool { singles.isEmpty && pairs.isEmpty }

    /// The phrases that start at token `i`, longest first.
    @inline(__always)
    private func candidates(at i: Int, _ t: [AnalysedText.Token], _ body: (Entry) -> Bool) {
        if i + 1 < t.count, let list = pairs[WordHash.pair(t[i].hash, t[i + 1].hash)] {
            for c in list where i + c.words.count <= t.count {
                var ok = t[i].text == c.words[0]
                var k = 1
                while ok, k < c.words.count {
                    ok = t[i + k].text == c.words[k]
                    k += 1
                }
                if ok, !body(c) { return }
            }
        }
        if let list = singles[t[i].hash] {
            for c in list where t[i].text == c.words[0] { if !body(c) { return } }
        }
    }

    /// Non-overlapping matches, left to right: token index ranges and the tag of the phrase found.
    public func tagged(in text: AnalysedText) -> [(range: Range<Int>, tag: Int)] {
        var out: [(range: Range<Int>, tag: Int)] = []
        let t = text.tokens
        var i = 0
        while i < t.count {
            var found: Entry?
            candidates(at: i, t) { c in
                found = c
                return false
            }
            if let c = found {
                out.append((i..<(i + c.words.count), c.tag))
                i += c.words.count
            } else {
                i += 1
            }
        }
        return out
    }

    /// Non-overlapping matches, left to right: token index ranges.
    public func matches(in text: AnalysedText) -> [Range<Int>] { tagged(in: text).map(\.range) }

    /// Matches of every tag: within one tag they do not overlap (the longest wins), but phrases of
    /// different tags may ("gonna kill you" is abuse, and "gonna" text speak).
    public func overlapping(in text: AnalysedText) -> [(range: Range<Int>, tag: Int)] {
        var out: [(range: Range<Int>, tag: Int)] = []
        var freeFrom = [Int](repeating: 0, count: tagCount)  // per tag: the first token a new match may start at
        let t = text.tokens
        for i in t.indices {
            candidates(at: i, t) { c in
                if i >= freeFrom[c.tag] {
                    out.append((i..<(i + c.words.count), c.tag))
                    freeFrom[c.tag] = i + c.words.count
                }
                return true
            }
        }
        return out
    }
}

extension AnalysedText {
    /// The code-point span of a run of tokens.
    public func span(_ tokens: Range<Int>, type: String) -> Span {
        Span(start: self.tokens[tokens.lowerBound].start, end: self.tokens[tokens.upperBound - 1].end, type: type)
    }
}
