import Foundation

extension Email {
    /// The character sets mail is written in, by IANA name or common alias (case and `-`/`_` ignored).
    /// UTF-8, ASCII, Windows-1252, ISO-8859-1, ISO-8859-15, UTF-16 and EUC-JP are decoded here; the
    /// rest by Foundation, whose converters (ICU on Linux) were checked to refuse bytes a charset leaves
    /// undefined (or, for some Windows code pages, to read them as control characters, as Windows does)
    /// rather than guess.
    enum Charset: Equatable, Sendable {
        /// US-ASCII, and text with no charset: ASCII if it is, else UTF-8 if it is valid, else
        /// Windows-1252, because mail sent without a charset (or wrongly labelled ASCII) is in practice
        /// one of those.
        case ascii
        case utf8
        /// Also ISO-8859-1: Outlook labels Windows-1252 text as ISO-8859-1, and the bytes that differ
        /// are control characters in ISO-8859-1 that never occur in real text (browsers read it so too).
        case windows1252
        case iso8859_15
        /// Nil: a byte-order mark decides, big-endian when there is none (RFC 2781).
        case utf16(bigEndian: Bool?)
        /// Foundation on Linux has no EUC-JP converter, so it is rewritten as the ISO-2022-JP it maps to.
        case eucJP
        /// `strict`: also refuse text that decodes to the private-use area, which is where the Big5 and
        /// Korean converters put bytes they cannot read.
        case foundation(String.Encoding, strict: Bool = false)

        static func unknown(_ name: String, line: Int) -> ImportError {
            ImportError(line: line, reason: "the charset '\(name)' is not one this version can read")
        }

        init?(named raw: String) {
            var name = MIME.trimmed(raw, also: [UInt8(ascii: "\""), UInt8(ascii: "'")]).lowercased()
            if name.hasPrefix("x-") { name.removeFirst(2) }
            let key = String(
                decoding: name.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "_") && $0 != 0x20 },
                as: UTF8.self
            )
            if let known = Self.aliases[key] {
                self = known
            } else if let n = Self.number(key, after: "iso8859"), let c = Self.iso8859(n) {
                self = c
            } else if let n = Self.number(key, after: "windows") ?? Self.number(key, after: "cp"),
                let c = Self.windows(n)
            {
                self = c
            } else {
                return nil
            }
        }

        /// 1252 in `windows1252`.
        static func number(_ key: String, after prefix: String) -> Int? {
            key.hasPrefix(prefix) ? Int(key.dropFirst(prefix.count)) : nil
        }

        static func iso8859(_ n: Int) -> Charset? {
            switch n {
            case 1: .windows1252
            case 15: .iso8859_15
            case 2...11, 13, 14, 16: iso8859Foundation(n)  // 12 was never published
            default: nil
            }
        }

        /// CoreFoundation numbers ISO-8859-n as 0x200 + n.
        static func iso8859Foundation(_ n: Int) -> Charset {
            .foundation(String.Encoding(rawValue: 0x8000_0200 + UInt(n)))
        }

        static func windows(_ n: Int) -> Charset? {
            switch n {
            case 1252: .windows1252
            // CoreFoundation: 1252 is 0x500, then 1250, 1251, 1253…1258 follow from 0x501.
            case 1250, 1251: .foundation(String.Encoding(rawValue: 0x8000_0501 + UInt(n - 1250)))
            case 1253...1258: .foundation(String.Encoding(rawValue: 0x8000_0503 + UInt(n - 1253)))
            default: nil
            }
        }

        static let aliases: [String: Charset] = {
            var table: [String: Charset] = [:]
            func add(_ c: Charset, _ names: String...) {
                for n in names { table[n] = c }
            }
            add(
                .ascii,
                "usascii",
                "ascii",
                "us",
                "ansix3.41968",
                "ansix3.41986",
                "iso646us",
                "isoir6",
                "cp367",
                "ibm367",
                "csascii"
            )
            add(.utf8, "utf8", "unicode11utf8", "unicode20utf8")
            add(.windows1252, "latin1", "l1", "cp819", "ibm819", "isoir100", "csisolatin1", "msansi")
            add(.iso8859_15, "latin9", "l9", "latin0", "csisolatin9")
            add(iso8859Foundation(2), "latin2", "l2", "csisolatin2")
            add(iso8859Foundation(3), "latin3", "l3")
            add(iso8859Foundation(4), "latin4", "l4")
            add(iso8859Foundation(5), "cyrillic", "csisolatincyrillic")
            add(iso8859Foundation(7), "greek", "greek8")
            add(iso8859Foundation(8), "hebrew", "iso88598i")
            add(iso8859Foundation(9), "latin5", "l5")
            add(iso8859Foundation(10), "latin6", "l6")
            add(iso8859Foundation(11), "tis620")
            add(iso8859Foundation(13), "latin7", "l7")
            add(iso8859Foundation(14), "latin8", "l8")
            add(iso8859Foundation(16), "latin10", "l10")
            add(.utf16(bigEndian: nil), "utf16")
            add(.utf16(bigEndian: true), "utf16be")
            add(.utf16(bigEndian: false), "utf16le")
            add(.foundation(String.Encoding(rawValue: 0x8000_0A02)), "koi8r", "cskoi8r")
            add(.foundation(String.Encoding(rawValue: 0x8000_0A08)), "koi8u")
            add(.foundation(.shiftJIS), "shiftjis", "sjis", "mskanji", "csshiftjis", "windows31j", "cp932")
            add(.foundation(.iso2022JP), "iso2022jp", "csiso2022jp")
            add(.eucJP, "eucjp", "cseucpkdfmtjapanese")
            // GB18030 is a superset of GBK and GB2312, and mail labelled GB2312 often uses GBK's extra characters.
            add(
                .foundation(String.Encoding(rawValue: 0x8000_0632)),
                "gb18030",
                "gbk",
                "gb2312",
                "cp936",
                "euccn",
                "csgb2312",
                "chinese"
            )
            add(.foundation(String.Encoding(rawValue: 0x8000_0A03), strict: true), "big5", "csbig5", "cnbig5")
            // Windows' code page 949 is a superset of EUC-KR; Outlook labels Korean as ks_c_5601-1987.
            add(
                .foundation(String.Encoding(rawValue: 0x8000_0422), strict: true),
                "euckr",
                "cseuckr",
                "cp949",
                "ksc56011987",
                "ksc5601",
                "windows949"
            )
            return table
        }()

        /// The text, or nil when the bytes are not valid in this charset.
        func decode(_ bytes: [UInt8]) -> String? {
            switch self {
            case .ascii:
                return Charset.utf8.decode(bytes) ?? Charset.windows1252.decode(bytes)
            case .utf8:
                return Self.firstInvalidUTF8(bytes) == nil ? String(decoding: bytes, as: UTF8.self) : nil
            case .windows1252:
                return Self.singleByte(bytes) { b in
                    b >= 0x80 && b < 0xA0 ? Self.windows1252High[Int(b - 0x80)] : UInt32(b)
                }
            case .iso8859_15:
                return Self.singleByte(bytes) { b in Self.iso8859_15Changes[b] ?? UInt32(b) }
            case .utf16(let bigEndian):
                return Self.utf16(bytes, bigEndian: bigEndian)
            case .eucJP:
                return Self.iso2022JP(fromEUCJP: bytes).flatMap { String(bytes: $0, encoding: .iso2022JP) }
            case .foundation(let encoding, let strict):
                guard let text = String(bytes: bytes, encoding: encoding) else { return nil }
                if strict, text.unicodeScalars.contains(where: { (0xE000...0xF8FF).contains($0.value) }) { return nil }
                return text
            }
        }

        /// Where UTF-8 first goes wrong (overlong forms, surrogates and values past U+10FFFF included),
        /// or nil when it is all valid.
        static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
            bytes.withUnsafeBytes { p in
                let n = p.count
                var i = 0
                while i < n {
                    // Eight ASCII bytes at a time: the usual case.
                    if i + 8 <= n, p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                        i += 8
                        continue
                    }
                    let c = p[i]
                    if c < 0x80 {
                        i += 1
                        continue
                    }
                    let more: Int
                    var second: ClosedRange<UInt8> = 0x80...0xBF
                    switch c {
                    case 0xC2...0xDF: more = 1
                    case 0xE0:
                        more = 2
                        second = 0xA0...0xBF
                    case 0xED:
                        more = 2
                        second = 0x80...0x9F
                    case 0xE1...0xEF: more = 2
                    case 0xF0:
                        more = 3
                        second = 0x90...0xBF
                    case 0xF4:
                        more = 3
                        second = 0x80...0x8F
                    case 0xF1...0xF3: more = 3
                    default: return i
                    }
                    guard i + more < n, second.contains(p[i + 1]) else { return i }
                    for k in stride(from: 2, through: more, by: 1) where p[i + k] & 0xC0 != 0x80 { return i }
                    i += more + 1
                }
                return nil
            }
        }

        static func singleByte(_ bytes: [UInt8], _ scalar: (UInt8) -> UInt32) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8)
            for b in bytes {
                if b < 0x80 {
                    out.append(b)
                } else {
                    UTF8.encode(Unicode.Scalar(scalar(b)) ?? "\u{FFFD}") { out.append($0) }
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// 0x80–0x9F; the five bytes Windows leaves undefined stay C1 controls, as Windows itself reads them.
        static let windows1252High: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
            0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
            0x017E, 0x0178,
        ]

        /// Where ISO-8859-15 differs from ISO-8859-1 (the euro sign and letters for French and Finnish).
        static let iso8859_15Changes: [UInt8: UInt32] = [
            0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153,
            0xBE: 0x0178,
        ]

        static func utf16(_ bytes: [UInt8], bigEndian declared: Bool?) -> String? {
            var bigEndian = declared ?? true
            var start = 0
            if declared == nil, bytes.count >= 2 {
                if bytes[0] == 0xFE, bytes[1] == 0xFF { start = 2 }
                if bytes[0] == 0xFF, bytes[1] == 0xFE {
                    start = 2
                    bigEndian = false
                }
            }
            guard (bytes.count - start) % 2 == 0 else { return nil }
            let (high, low) = bigEndian ? (0, 1) : (1, 0)
            let units = stride(from: start, to: bytes.count, by: 2).lazy.map { i -> UInt16 in
                UInt16(bytes[i + high]) << 8 | UInt16(bytes[i + low])
            }
            var iterator = units.makeIterator()
            var decoder = UTF16()
            var out = String.UnicodeScalarView()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let s): out.append(s)
                case .emptyInput: return String(out)
                case .error: return nil
                }
            }
        }

        /// EUC-JP's two-byte characters are JIS X 0208 with the top bits set, and its `0x8E` half-width
        /// katakana are JIS X 0201: the same characters ISO-2022-JP selects with escapes. Nil for bytes
        /// EUC-JP does not use (and for JIS X 0212, which ISO-2022-JP cannot carry).
        static func iso2022JP(fromEUCJP bytes: [UInt8]) -> [UInt8]? {
            let ascii: [UInt8] = [0x1B, 0x28, 0x42], jis0208: [UInt8] = [0x1B, 0x24, 0x42],
                katakana: [UInt8] = [0x1B, 0x28, 0x49]
            var out: [UInt8] = []
            var mode = ascii
            func select(_ m: [UInt8]) {
                if mode != m {
                    out.append(contentsOf: m)
                    mode = m
                }
            }
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    select(ascii)
                    out.append(b)
                    i += 1
                } else if b == 0x8E, i + 1 < bytes.count, (0xA1...0xDF).contains(bytes[i + 1]) {
                    select(katakana)
                    out.append(bytes[i + 1] & 0x7F)
                    i += 2
                } else if (0xA1...0xFE).contains(b), i + 1 < bytes.count, (0xA1...0xFE).contains(bytes[i + 1]) {
                    select(jis0208)
                    out.append(b & 0x7F)
                    out.append(bytes[i + 1] & 0x7F)
                    i += 2
                } else {
                    return nil
                }
            }
            select(ascii)
            return out
        }
    }
}
