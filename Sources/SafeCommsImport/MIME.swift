import Foundation

extension Email {
    /// Byte-level decoding for MIME: transfer encodings (RFC 2045), encoded words in headers
    /// (RFC 2047) and header parameters (RFC 2045, with RFC 2231's charsets and continuations).
    enum MIME {
        static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

        static func hasPrefix(_ line: ArraySlice<UInt8>, _ prefix: [UInt8]) -> Bool {
            guard line.count >= prefix.count else { return false }
            var i = line.startIndex
            for p in prefix {
                if line[i] != p { return false }
                i += 1
            }
            return true
        }

        /// `text` without the white space (and any of `also`) at either end. By hand because Foundation's
        /// trimming on Linux goes through NSString and was a third of the time of an import.
        static func trimmed(_ text: some StringProtocol, also: [UInt8] = []) -> String {
            let text = Substring(text)
            let u = text.utf8
            func trim(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || also.contains(b) }
            guard let first = u.firstIndex(where: { !trim($0) }), let last = u.lastIndex(where: { !trim($0) }) else {
                return ""
            }
            return String(text[first...last])
        }

        static func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: b - 0x30
            case 0x41...0x46: b - 0x41 + 10
            case 0x61...0x66: b - 0x61 + 10
            default: nil
            }
        }

        /// A header's bytes as text. Headers should be ASCII; RFC 6532 allows UTF-8, and older software
        /// wrote its own 8-bit charset, most often Windows'.
        static func headerText(_ bytes: [UInt8]) -> String {
            let text = Charset.utf8.decode(bytes) ?? Charset.windows1252.decode(bytes) ?? ""
            return trimmed(text)
        }

        // MARK: Transfer encodings

        enum TransferEncoding {
            case identity, quotedPrintable, base64

            /// Nil for an encoding this version cannot read (such as x-uuencode).
            init?(_ value: String) {
                switch MIME.withoutComments(value).lowercased() {
                case "", "7bit", "8bit", "binary": self = .identity
                case "quoted-printable": self = .quotedPrintable
                case "base64": self = .base64
                default: return nil
                }
            }
        }

        /// Appends one line of a quoted-printable body: `=XX` is a byte, a `=` at the end joins the line
        /// to the next. Trailing white space was added in transit and is dropped (RFC 2045 6.7); an `=`
        /// not followed by two hex digits is kept as it is, as the RFC advises.
        static func appendQuotedPrintable(_ line: ArraySlice<UInt8>, to out: inout [UInt8]) {
            var end = line.endIndex
            while end > line.startIndex, isWhitespace(line[end - 1]) { end -= 1 }
            let soft = end > line.startIndex && line[end - 1] == UInt8(ascii: "=")
            if soft { end -= 1 }
            var i = line.startIndex
            while i < end {
                let b = line[i]
                if b == UInt8(ascii: "="), i + 2 < end, let h = hex(line[i + 1]), let l = hex(line[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                } else {
                    out.append(b)
                    i += 1
                }
            }
            if !soft { out.append(0x0A) }
        }

        /// Base64 fed a line at a time, white space ignored. Padding may come before more data, as when
        /// encoded pieces were joined.
        struct Base64 {
            private var bits: UInt32 = 0
            private var count = 0
            private var padded = false

            static let values: [UInt8] = {
                var t = [UInt8](repeating: invalid, count: 256)
                for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
                    t[Int(c)] = UInt8(i)
                }
                t[Int(UInt8(ascii: "="))] = pad
                for c in [0x20, 0x09, 0x0D, 0x0A] { t[c] = space }
                return t
            }()
            static let pad: UInt8 = 64, space: UInt8 = 65, invalid: UInt8 = 255

            /// False when the bytes have a character base64 does not use, or padding in the wrong place.
            mutating func append(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) -> Bool {
                let values = Self.values
                for c in bytes {
                    let v = values[Int(c)]
                    if v < 64 {
                        bits = bits << 6 | UInt32(v)
                        count += 1
                        padded = false
                        if count == 4 {
                            out.append(UInt8(truncatingIfNeeded: bits >> 16))
                            out.append(UInt8(truncatingIfNeeded: bits >> 8))
                            out.append(UInt8(truncatingIfNeeded: bits))
                            bits = 0
                            count = 0
                        }
                    } else if v == Self.pad {
                        // `padded`: the second `=` of `==`
                        guard count >= 2 || (count == 0 && padded) else { return false }
                        flushPartial(to: &out)
                        padded = true
                    } else if v != Self.space {
                        return false
                    }
                }
                return true
            }

            /// Ends the data: the bytes still held, or nil when a lone character is left over (it cannot
            /// make a byte). Two or three left over are read as if padded, which some encoders leave off.
            mutating func finish() -> [UInt8]? {
                guard count != 1 else { return nil }
                var out: [UInt8] = []
                flushPartial(to: &out)
                return out
            }

            /// The whole bytes in two or three characters (12 or 18 bits).
            private mutating func flushPartial(to out: inout [UInt8]) {
                if count == 2 { out.append(UInt8(truncatingIfNeeded: bits >> 4)) }
                if count == 3 {
                    out.append(UInt8(truncatingIfNeeded: bits >> 10))
                    out.append(UInt8(truncatingIfNeeded: bits >> 2))
                }
                bits = 0
                count = 0
            }
        }

        /// RFC 3676 `format=flowed` text (Thunderbird, some phones) with its soft line breaks joined: a
        /// line ending in a space goes on in the next line of the same quote depth. Space-stuffing is
        /// undone, and with `delsp=yes` the space that marks the break is not part of the text.
        static func unflowed(_ text: String, delSp: Bool) -> String {
            var lines: [String] = []
            var open: (text: String, depth: Int)?  // a flowed line still going on
            func prefix(_ depth: Int) -> String { depth == 0 ? "" : String(repeating: ">", count: depth) + " " }
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = raw[...]
                var depth = 0
                while line.first == ">" {
                    depth += 1
                    line = line.dropFirst()
                }
                if line.first == " " { line = line.dropFirst() }
                let flowed = line.hasSuffix(" ") && line != "-- "  // the signature separator is never flowed
                if flowed, delSp { line = line.dropLast() }
                var joined = String(line)
                if let o = open {
                    if o.depth == depth {
                        joined = o.text + line
                    } else {
                        lines.append(prefix(o.depth) + o.text)
                    }
                }
                open = flowed ? (joined, depth) : nil
                if !flowed { lines.append(prefix(depth) + joined) }
            }
            if let o = open { lines.append(prefix(o.depth) + o.text) }
            return lines.joined(separator: "\n")
        }

        // MARK: Header structure

        /// `value` with RFC 5322 comments (in parentheses, nested, with `\` escapes) taken out, outside
        /// quoted strings, and trimmed.
        static func withoutComments(_ value: String) -> String {
            guard value.utf8.contains(UInt8(ascii: "(")) else { return trimmed(value) }
            var out: [UInt8] = []
            var depth = 0, quoted = false, escaped = false
            for c in value.utf8 {
                if escaped {
                    escaped = false
                    if depth == 0 { out.append(c) }
                    continue
                }
                switch c {
                case UInt8(ascii: "\\") where quoted || depth > 0:
                    escaped = true
                    if depth == 0 { out.append(c) }
                case UInt8(ascii: "\"") where depth == 0:
                    quoted.toggle()
                    out.append(c)
                case UInt8(ascii: "(") where !quoted: depth += 1
                case UInt8(ascii: ")") where depth > 0: depth -= 1
                default: if depth == 0 { out.append(c) }
                }
            }
            return trimmed(String(decoding: out, as: UTF8.self))
        }

        /// A Content-Type or Content-Disposition header: its lower-cased value (`text/plain`,
        /// `attachment`) and parameters, names lower-cased, RFC 2231 pieces joined and decoded.
        struct Field {
            var value: String
            var parameters: [String: String] = [:]

            init(value: String) { self.value = value }

            init(_ text: String, line: Int) throws(ImportError) {
                let segments = Field.split(text)
                value = withoutComments(segments.first ?? "").lowercased()
                var sections: [String: [Int: (text: String, encoded: Bool)]] = [:]
                for segment in segments.dropFirst() {
                    guard let eq = segment.firstIndex(of: "=") else { continue }
                    var name = trimmed(segment[..<eq]).lowercased()
                    let value = Field.unquoted(trimmed(segment[segment.index(after: eq)...]))
                    guard !name.isEmpty else { continue }
                    // RFC 2231: `name*` is encoded; `name*0`, `name*1`… are pieces, `name*1*` an encoded piece.
                    let encoded = name.hasSuffix("*")
                    if encoded { name.removeLast() }
                    if let star = name.lastIndex(of: "*"), let n = Int(name[name.index(after: star)...]) {
                        sections[String(name[..<star]), default: [:]][n] = (value, encoded)
                    } else if encoded {
                        sections[name, default: [:]][0] = (value, true)
                    } else if parameters[name] == nil {
                        parameters[name] = value
                    }
                }
                // An RFC 2231 value wins over a plain one: mailers send both for old readers' sake.
                for (name, pieces) in sections {
                    parameters[name] = try Field.joined(pieces, line: line)
                }
            }

            /// Splits at `;` outside quoted strings.
            static func split(_ text: String) -> [String] {
                let b = Array(text.utf8)
                var out: [String] = []
                var start = 0, quoted = false, escaped = false
                for (i, c) in b.enumerated() {
                    if escaped {
                        escaped = false
                    } else if c == UInt8(ascii: "\\") && quoted {
                        escaped = true
                    } else if c == UInt8(ascii: "\"") {
                        quoted.toggle()
                    } else if c == UInt8(ascii: ";") && !quoted {
                        out.append(String(decoding: b[start..<i], as: UTF8.self))
                        start = i + 1
                    }
                }
                out.append(String(decoding: b[start...], as: UTF8.self))
                return out
            }

            /// The text inside a quoted string, escapes undone; `value` itself when it is not quoted.
            static func unquoted(_ value: String) -> String {
                guard value.utf8.first == UInt8(ascii: "\"") else { return value }
                var out: [UInt8] = []
                var escaped = false
                for c in value.utf8.dropFirst() {
                    if escaped {
                        out.append(c)
                        escaped = false
                    } else if c == UInt8(ascii: "\\") {
                        escaped = true
                    } else if c == UInt8(ascii: "\"") {
                        break
                    } else {
                        out.append(c)
                    }
                }
                return String(decoding: out, as: UTF8.self)
            }

            /// RFC 2231 pieces in order from 0 (a gap ends the value): encoded ones are `%XX`-escaped
            /// bytes, the first of them led by `charset'language'`.
            static func joined(_ pieces: [Int: (text: String, encoded: Bool)], line: Int) throws(ImportError) -> String
            {
                var bytes: [UInt8] = []
                var charsetName: String?
                var n = 0
                while let piece = pieces[n] {
                    var text = Substring(piece.text)
                    if piece.encoded {
                        if n == 0 {
                            let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                            if parts.count == 3 {
                                charsetName = parts[0].isEmpty ? nil : String(parts[0])
                                text = parts[2]
                            }
                        }
                        bytes.append(contentsOf: percentDecoded(text))
                    } else {
                        bytes.append(contentsOf: text.utf8)
                    }
                    n += 1
                }
                let name = charsetName ?? "us-ascii"
                guard let charset = Charset(named: name) else { throw Charset.unknown(name, line: line) }
                guard let text = charset.decode(bytes) else {
                    throw ImportError(line: line, reason: "an RFC 2231 parameter is not valid \(name) text")
                }
                return text
            }

            static func percentDecoded(_ text: Substring) -> [UInt8] {
                var out: [UInt8] = []
                let b = Array(text.utf8)
                var i = 0
                while i < b.count {
                    if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                        out.append(h << 4 | l)
                        i += 3
                    } else {
                        out.append(b[i])
                        i += 1
                    }
                }
                return out
            }
        }

        // MARK: Encoded words

        /// Text with RFC 2047 encoded words (`=?charset?B?…?=`, `=?charset?Q?…?=`) decoded. White space
        /// between two encoded words is dropped; words in one charset are joined before decoding, since
        /// some mailers split a character across two. Words are also read inside quoted strings and
        /// without surrounding spaces, as mail clients do. A malformed word is left as written (RFC 2047
        /// 6.3); an unknown charset is an error.
        static func decodeWords(_ text: String, line: Int) throws(ImportError) -> String {
            let b = Array(text.utf8)
            guard b.indices.dropLast().contains(where: { b[$0] == UInt8(ascii: "=") && b[$0 + 1] == UInt8(ascii: "?") })
            else { return text }
            var out = ""
            var pending: EncodedWord?
            func flush() throws(ImportError) {
                guard let p = pending else { return }
                pending = nil
                guard let decoded = p.charset.decode(p.bytes) else {
                    throw ImportError(line: line, reason: "an encoded word is not valid \(p.name) text")
                }
                out += decoded
            }
            var literalStart = 0
            var i = 0
            while i + 1 < b.count {
                guard b[i] == UInt8(ascii: "="), b[i + 1] == UInt8(ascii: "?"),
                    let word = try encodedWord(b, at: i, line: line)
                else {
                    i += 1
                    continue
                }
                let literal = b[literalStart..<i]
                // Folded white space (CR and LF too, if the header was not unfolded) between two words goes.
                if pending == nil || !literal.allSatisfy({ isWhitespace($0) || $0 == 0x0D || $0 == 0x0A }) {
                    try flush()
                    out += String(decoding: literal, as: UTF8.self)
                }
                if let p = pending, p.name.lowercased() == word.name.lowercased() {
                    pending?.bytes.append(contentsOf: word.bytes)
                } else {
                    try flush()
                    pending = word
                }
                i = word.end
                literalStart = i
            }
            try flush()
            out += String(decoding: b[literalStart...], as: UTF8.self)
            return out
        }

        /// An encoded word's charset (and its name as written), its bytes, and where it ends.
        struct EncodedWord {
            var charset: Charset
            var name: String
            var bytes: [UInt8]
            /// Just past its `?=`.
            var end: Int
        }

        /// The encoded word starting at `start`, or nil when what is there is not one.
        static func encodedWord(_ b: [UInt8], at start: Int, line: Int) throws(ImportError) -> EncodedWord? {
            var i = start + 2
            let charsetStart = i
            while i < b.count, b[i] != UInt8(ascii: "?"), b[i] > 0x20, b[i] < 0x7F { i += 1 }
            guard i > charsetStart, i + 2 < b.count, b[i] == UInt8(ascii: "?"), b[i + 2] == UInt8(ascii: "?") else {
                return nil
            }
            var name = String(decoding: b[charsetStart..<i], as: UTF8.self)
            if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }  // RFC 2231 adds `*language`
            let encoding = b[i + 1] | 0x20
            let textStart = i + 3
            var j = textStart
            while j + 1 < b.count, !(b[j] == UInt8(ascii: "?") && b[j + 1] == UInt8(ascii: "=")) {
                if b[j] == UInt8(ascii: "?") { return nil }
                j += 1
            }
            guard j + 1 < b.count else { return nil }
            let text = b[textStart..<j]
            var bytes: [UInt8] = []
            switch encoding {
            case UInt8(ascii: "b"):
                var decoder = Base64()
                guard decoder.append(text, to: &bytes), let rest = decoder.finish() else { return nil }
                bytes += rest
            case UInt8(ascii: "q"):
                var k = text.startIndex
                while k < text.endIndex {
                    let c = text[k]
                    if c == UInt8(ascii: "="), k + 2 < text.endIndex, let h = hex(text[k + 1]), let l = hex(text[k + 2])
                    {
                        bytes.append(h << 4 | l)
                        k += 3
                        continue
                    }
                    bytes.append(c == UInt8(ascii: "_") ? 0x20 : c)
                    k += 1
                }
            default:
                return nil
            }
            guard let charset = Charset(named: name) else { throw Charset.unknown(name, line: line) }
            return EncodedWord(charset: charset, name: name, bytes: bytes, end: j + 2)
        }
    }
}
