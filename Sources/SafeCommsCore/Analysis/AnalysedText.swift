/// A message split once into words for every analyser: each word lower-cased, with its place in the
/// text in Unicode code points (the offsets a decision's spans use). One pass, linear in the length.
public struct AnalysedText: Sendable {
    public struct Token: Sendable, Equatable {
        /// Lower-cased.
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
        var current = String.UnicodeScalarView()
        var start = 0
        var capitalised = false
        var offset = 0
        func flush() {
            // A trailing apostrophe (students') belongs to the punctuation, not the word.
            while let last = current.last, last == "'" || last == "\u{2019}" { current.removeLast() }
            if !current.isEmpty {
                tokens.append(Token(text: String(current), start: start, end: start + current.count, capitalised: capitalised))
            }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let isWordChar = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || ((scalar == "'" || scalar == "\u{2019}") && !current.isEmpty)
            if isWordChar {
                if current.isEmpty {
                    start = offset
                    capitalised = scalar.properties.isUppercase
                }
                if scalar.isASCII {
                    let v = scalar.value
                    current.append(v >= 65 && v <= 90 ? Unicode.Scalar(v + 32)! : (scalar == "\u{2019}" ? "'" : scalar))
                } else if scalar == "\u{2019}" {
                    current.append("'")
                } else {
                    current.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                }
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
/// word, so the scan is one dictionary lookup per word of the message whatever the list's size.
public struct PhraseMatcher: Sendable {
    private var byFirstWord: [String: [[String]]] = [:]

    public init(_ phrases: some Sequence<String>) {
        for phrase in phrases {
            let words = AnalysedText(phrase).tokens.map(\.text)
            guard let first = words.first else { continue }
            byFirstWord[first, default: []].append(words)
        }
        // Longest first, so "child protection conference report" wins over "conference report".
        for key in byFirstWord.keys { byFirstWord[key]!.sort { $0.count > $1.count } }
    }

    public var isEmpty: Bool { byFirstWord.isEmpty }

    /// Non-overlapping matches, left to right: token index ranges.
    public func matches(in text: AnalysedText) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let t = text.tokens
        var i = 0
        while i < t.count {
            var matched = 0
            if let candidates = byFirstWord[t[i].text] {
                for words in candidates where i + words.count <= t.count {
                    var ok = true
                    for k in 1..<words.count where t[i + k].text != words[k] {
                        ok = false
                        break
                    }
                    if ok {
                        matched = words.count
                        break
                    }
                }
            }
            if matched > 0 {
                out.append(i..<(i + matched))
                i += matched
            } else {
                i += 1
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
