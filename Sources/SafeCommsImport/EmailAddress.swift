extension Email {
    /// RFC 5322 address lists: `"Doe, Jane" <jane@x.org>`, `Jane <jane@x.org>`, `jane@x.org`,
    /// `jane@x.org (Jane)`, groups (`Team: a@x.org, b@y.org;`, whose name is dropped), comments and the
    /// obsolete forms of Appendix A (spaces and comments inside addresses, routes). Scanned as UTF-8
    /// bytes: every character with a meaning here is ASCII.
    enum AddressList {
        struct Item {
            enum Kind { case word, quoted, comment, angle, special }
            var kind: Kind
            var text: String
            /// White space (or a comment) came before it.
            var spaced: Bool
        }

        /// Every mailbox in `text`, the value of the header `header` on `line`.
        static func parse(_ text: String, header: String, line: Int) throws(ImportError) -> [Address] {
            let s = Array(text.utf8)
            var result: [Address] = []
            var items: [Item] = []
            var entryStart = 0
            var spaced = false
            var i = 0
            func endEntry() throws(ImportError) {
                let written = { MIME.trimmed(String(decoding: s[entryStart..<min(i, s.count)], as: UTF8.self)) }
                if let address = try mailbox(items, written: written, header: header, line: line) {
                    result.append(address)
                }
                items = []
                entryStart = i + 1
            }
            func add(_ kind: Item.Kind, _ text: String) {
                items.append(Item(kind: kind, text: text, spaced: spaced))
                spaced = false
            }
            while i < s.count {
                switch s[i] {
                case 0x20, 0x09, 0x0D, 0x0A:
                    spaced = true
                    i += 1
                case UInt8(ascii: "("):
                    let (inner, next) = comment(s, from: i)
                    add(.comment, inner)
                    spaced = true
                    i = next
                case UInt8(ascii: "\""):
                    let (inner, next) = quoted(s, from: i)
                    add(.quoted, String(decoding: inner, as: UTF8.self))
                    i = next
                case UInt8(ascii: "<"):
                    let (address, next) = angle(s, from: i)
                    add(.angle, address)
                    i = next
                case UInt8(ascii: ","), UInt8(ascii: ";"):
                    try endEntry()
                    i += 1
                case UInt8(ascii: ":") where !items.contains(where: { $0.kind == .angle || $0.text == "@" }):
                    // A group's name: only its members are addresses.
                    items = []
                    i += 1
                    entryStart = i
                case UInt8(ascii: "["):
                    var j = i
                    while j < s.count, s[j] != UInt8(ascii: "]") { j += 1 }
                    add(.word, String(decoding: s[i..<min(j + 1, s.count)], as: UTF8.self))
                    i = j + 1
                default:
                    var j = i
                    while j < s.count, !Self.ends(s[j]) { j += 1 }
                    if j == i { j += 1 }  // a special on its own
                    add(j == i + 1 && Self.ends(s[i]) ? .special : .word, String(decoding: s[i..<j], as: UTF8.self))
                    i = j
                }
            }
            try endEntry()
            return result
        }

        /// Bytes that end an atom: white space and RFC 5322's specials.
        static func ends(_ c: UInt8) -> Bool {
            switch c {
            case 0x20, 0x09, 0x0D, 0x0A, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"),
                UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "\\"), UInt8(ascii: ","),
                UInt8(ascii: "."), UInt8(ascii: "\""):
                true
            default: false
            }
        }

        /// The entry's mailbox; nil for an empty entry. `written` (the entry as written) is for the error.
        static func mailbox(
            _ items: [Item],
            written: () -> String,
            header: String,
            line: Int
        ) throws(ImportError) -> Address? {
            let words = items.filter { $0.kind != .comment }
            guard !words.isEmpty else { return nil }  // an empty entry, or only a comment
            func noAddress() -> ImportError {
                ImportError(
                    line: line,
                    reason: "the \(header) header has an entry '\(written())' that is not an e-mail address"
                )
            }
            let comments = Item(
                kind: .word,
                text: items.filter { $0.kind == .comment }.map(\.text).joined(separator: " "),
                spaced: false
            )
            if let a = words.firstIndex(where: { $0.kind == .angle }) {
                guard !words[a].text.isEmpty else { throw noAddress() }
                var name = try phrase(words[..<a], line: line)
                if name == nil { name = try phrase([comments][...], line: line) }
                return Address(name: name, email: words[a].text.lowercased())
            }
            // A bare address: word ("." word)* "@" word ("." word)*, white space and comments allowed between.
            var expectWord = true, at = false
            for item in words {
                let isWord = item.kind == .word || item.kind == .quoted
                guard isWord == expectWord, isWord || item.text == "." || (item.text == "@" && !at) else {
                    throw noAddress()
                }
                if !isWord, item.text == "@" { at = true }
                expectWord.toggle()
            }
            guard at, !expectWord else { throw noAddress() }
            let email = words.map { $0.kind == .quoted ? "\"\($0.text)\"" : $0.text }.joined()
            return Address(name: try phrase([comments][...], line: line), email: email.lowercased())
        }

        /// A display name: its words with single spaces where the header had space, encoded words
        /// decoded; nil when empty.
        static func phrase(_ items: ArraySlice<Item>, line: Int) throws(ImportError) -> String? {
            var text = ""
            for item in items {
                if item.spaced, !text.isEmpty { text += " " }
                text += item.text
            }
            let name = MIME.trimmed(try MIME.decodeWords(text, line: line))
            return name.isEmpty ? nil : name
        }

        /// The text inside the comment opening at `start` (nested comments kept, escapes undone) and
        /// where it ends.
        static func comment(_ s: [UInt8], from start: Int) -> (String, Int) {
            var out: [UInt8] = []
            var depth = 0
            var i = start
            while i < s.count {
                let c = s[i]
                i += 1
                if c == UInt8(ascii: "\\"), i < s.count {
                    out.append(s[i])
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "(") {
                    depth += 1
                    if depth == 1 { continue }
                } else if c == UInt8(ascii: ")") {
                    depth -= 1
                    if depth == 0 { break }
                }
                out.append(c)
            }
            return (MIME.trimmed(String(decoding: out, as: UTF8.self)), i)
        }

        /// The bytes inside the quoted string opening at `start`, escapes undone, and where it ends.
        static func quoted(_ s: [UInt8], from start: Int) -> ([UInt8], Int) {
            var out: [UInt8] = []
            var i = start + 1
            while i < s.count, s[i] != UInt8(ascii: "\"") {
                if s[i] == UInt8(ascii: "\\"), i + 1 < s.count { i += 1 }
                out.append(s[i])
                i += 1
            }
            return (out, i + 1)
        }

        /// The address inside the angle brackets opening at `start`, with white space, comments and an
        /// obsolete route (`<@relay.test:jane@x.org>`) taken out, and where it ends.
        static func angle(_ s: [UInt8], from start: Int) -> (String, Int) {
            var out: [UInt8] = []
            var i = start + 1
            while i < s.count, s[i] != UInt8(ascii: ">") {
                switch s[i] {
                case 0x20, 0x09, 0x0D, 0x0A:
                    i += 1
                case UInt8(ascii: "("):
                    i = comment(s, from: i).1
                case UInt8(ascii: "\""):
                    let (inner, next) = quoted(s, from: i)
                    out += [UInt8(ascii: "\"")] + inner + [UInt8(ascii: "\"")]
                    i = next
                default:
                    out.append(s[i])
                    i += 1
                }
            }
            if out.first == UInt8(ascii: "@"), let colon = out.firstIndex(of: UInt8(ascii: ":")) {
                out.removeSubrange(...colon)
            }
            return (String(decoding: out, as: UTF8.self), i + 1)
        }
    }
}
