/// A parsed JSON document, for the requests on the hot path (`POST /api/v1/checks`, `safecomms check`).
/// Foundation's `JSONDecoder` spent more time on a check request than the evaluator spent deciding it;
/// this parser reads the bytes once into values, and `JSONFields` turns them into requests with errors
/// that name the field.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// As written; the grammar is checked, the value is read by whoever needs it.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Fields in the order written; repeats are kept, so the reader can refuse them by name.
    case object([JSONMember])

    /// Parses one JSON document (RFC 8259) from UTF-8 bytes.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.document()
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError>? = bytes.withContiguousStorageIfAvailable { b in
            Result { () throws(JSONSyntaxError) in try parse(b) }
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { b throws(JSONSyntaxError) in try parse(b) }
    }

    /// What a value is, in words, for "expected …, found …" messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Where a document stops being JSON, and why. Lines and columns count from 1; columns count
/// characters (Unicode code points), not bytes.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let reason: String

    /// `column 12` or `line 3, column 12`.
    public var position: String { line == 1 ? "column \(column)" : "line \(line), column \(column)" }
    public var description: String { "\(position): \(reason)" }
}

/// A recursive-descent parser over bytes. Linear in the input; nesting is capped so that hostile
/// input (`[[[[…`) cannot exhaust the stack.
struct JSONParser {
    static let maxDepth = 64
    static let expectedValue = "expected a value (object, list, string, number, true, false or null)"

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        skipSpace()
        let v = try value()
        skipSpace()
        if i < bytes.count { throw error("unexpected text after the JSON value") }
        return v
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard i < bytes.count else { throw error("the JSON ends where a value was expected") }
        switch bytes[i] {
        case Byte.quote: return .string(try string())
        case Byte.openBrace: return try object()
        case Byte.openBracket: return try array()
        case Byte.t:
            try literal("true")
            return .bool(true)
        case Byte.f:
            try literal("false")
            return .bool(false)
        case Byte.n:
            try literal("null")
            return .null
        case Byte.minus, Byte.zero...Byte.nine: return .number(try number())
        default: throw error(Self.expectedValue)
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var members: [JSONMember] = []
        skipSpace()
        if i < bytes.count, bytes[i] == Byte.closeBrace {
            i += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == Byte.quote else { throw error("expected a field name in double quotes") }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == Byte.colon else {
                throw error("expected ':' after the field name \"\(key)\"")
            }
            i += 1
            skipSpace()
            members.append(JSONMember(key: key, value: try value()))
            skipSpace()
            guard i < bytes.count else { throw error("the JSON ends inside an object; expected ',' or '}'") }
            if bytes[i] == Byte.comma {
                i += 1
            } else if bytes[i] == Byte.closeBrace {
                i += 1
                depth -= 1
                return .object(members)
            } else {
                throw error("expected ',' or '}' after the value of \"\(key)\"")
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == Byte.closeBracket {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw error("the JSON ends inside a list; expected ',' or ']'") }
            if bytes[i] == Byte.comma {
                i += 1
            } else if bytes[i] == Byte.closeBracket {
                i += 1
                depth -= 1
                return .array(items)
            } else {
                throw error("expected ',' or ']' after a list item")
            }
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nested more than \(Self.maxDepth) deep") }
        i += 1
    }

    /// A string starting at the opening quote. Most strings have no escapes: their bytes are
    /// validated as UTF-8 and taken as they are.
    private mutating func string() throws(JSONSyntaxError) -> String {
        let open = i
        var j = i + 1
        var ascii = true
        while j < bytes.count {
            let b = bytes[j]
            if b == Byte.quote {
                let text = UnsafeBufferPointer(rebasing: bytes[(open + 1)..<j])
                i = j + 1
                // ASCII needs no validating, and `String(validating:)` is generic: its type lookups
                // were a tenth of a check's JSON reading (measured).
                if ascii { return String(decoding: text, as: UTF8.self) }
                guard let s = String(validating: text, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8", at: open)
                }
                return s
            }
            if b == Byte.backslash || b < 0x20 { break }
            if b >= 0x80 { ascii = false }
            j += 1
        }
        return try escapedString(open: open, from: j)
    }

    /// The rest of a string that has an escape (or a fault) at `from`.
    private mutating func escapedString(open: Int, from start: Int) throws(JSONSyntaxError) -> String {
        var out = Array(bytes[(open + 1)..<start])
        i = start
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case Byte.quote:
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8", at: open)
                }
                return s
            case Byte.backslash:
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case Byte.quote, Byte.backslash, Byte.slash: out.append(e)
                case Byte.b: out.append(0x08)
                case Byte.f: out.append(0x0C)
                case Byte.n: out.append(0x0A)
                case Byte.r: out.append(0x0D)
                case Byte.t: out.append(0x09)
                case Byte.u: try unicodeEscape(into: &out)
                default: throw error("'\\\(Unicode.Scalar(e))' is not a JSON escape", at: i - 2)
                }
            case 0..<0x20:
                throw error("a control character in a string must be escaped")
            default:
                out.append(b)
                i += 1
            }
        }
        throw error("a string is not closed", at: open)
    }

    /// `\uXXXX` (just past the `u`), with a following low surrogate when this is a high one.
    private mutating func unicodeEscape(into out: inout [UInt8]) throws(JSONSyntaxError) {
        let at = i - 2
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
            guard i + 1 < bytes.count, bytes[i] == Byte.backslash, bytes[i + 1] == Byte.u else {
                throw error("\\u escape of an unpaired surrogate", at: at)
            }
            i += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("\\u escape of an unpaired surrogate", at: at) }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(code) {
            throw error("\\u escape of an unpaired surrogate", at: at)
        }
        out.append(contentsOf: Unicode.Scalar(code)!.utf8)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("\\u needs four hexadecimal digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case Byte.zero...Byte.nine: d = b - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hexadecimal digits")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`
    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        if bytes[i] == Byte.minus { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw error("expected a digit") }
        if bytes[i] == Byte.zero { i += 1 } else { skipDigits() }
        let integerDigits = i - start - (bytes[start] == Byte.minus ? 1 : 0)
        var exponent = false
        if i < bytes.count, bytes[i] == Byte.dot {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("expected a digit after the decimal point") }
            skipDigits()
        }
        if i < bytes.count, bytes[i] | 0x20 == Byte.e {
            i += 1
            if i < bytes.count, bytes[i] == Byte.plus || bytes[i] == Byte.minus { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("expected a digit in the exponent") }
            skipDigits()
            exponent = true
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        // Only an exponent or more than 308 whole digits can pass Double's range. Such a number is
        // refused, as Foundation and Vapor's decoders refuse it, rather than read as infinity.
        if exponent || integerDigits > 308, !(Double(text)?.isFinite ?? false) {
            i = start
            throw error("the number is too large")
        }
        return text
    }

    private func isDigit(_ b: UInt8) -> Bool { b &- Byte.zero < 10 }

    private mutating func skipDigits() {
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmpEqual(word, at: i) else { throw error(Self.expectedValue) }
        i += n
    }

    private func memcmpEqual(_ word: StaticString, at start: Int) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for k in 0..<w.count where bytes[start + k] != w[k] { return false }
        return true
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case Byte.space, Byte.tab, Byte.newline, Byte.carriageReturn: i += 1
            default: return
            }
        }
    }

    /// An error at byte `at` (default: the current position), as a line and a column of code points.
    private func error(_ reason: String, at: Int? = nil) -> JSONSyntaxError {
        let end = min(at ?? i, bytes.count)
        var line = 1
        var column = 1
        for k in 0..<end {
            let b = bytes[k]
            if b == Byte.newline {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }
}

/// The ASCII bytes JSON is made of.
enum Byte {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ","), dot = UInt8(ascii: "."), minus = UInt8(ascii: "-"),
        plus = UInt8(ascii: "+")
    static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"),
        carriageReturn = UInt8(ascii: "\r")
    static let b = UInt8(ascii: "b"), e = UInt8(ascii: "e"), f = UInt8(ascii: "f"), n = UInt8(ascii: "n"),
        r = UInt8(ascii: "r")
    static let t = UInt8(ascii: "t"), u = UInt8(ascii: "u")
}
