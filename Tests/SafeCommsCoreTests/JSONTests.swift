import Foundation
import Testing

@testable import SafeCommsCore

/// The hand-written JSON reader and writer on the check path, held to Foundation's behaviour.
@Suite struct JSONTests {
    /// What the CLI and API wrote before the hand-written writer: the output must not change.
    static let reference: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }()

    static let valid = [
        #"{}"#, #"[]"#, #"  {"a" : [1, -2, 3.5, 0, -0, 1e3, 2E-2, 0.5e+7, true, false, null, "x"]}  "#, #""plain""#,
        "\n\t\r 7 \n",
        #"{"a": {"b": {"c": []}}}"#, #""\u00e9\u20AC\ud83d\ude00 \" \\ \/ \b \f \n \r \t""#, #"["é", "😀", "\u0000"]"#,
        #"{"a": 1, "a": 2}"#,
        "[1e308, -1e308, 1e-400, 0e99999, 2.5e-324]",
    ]
    static let invalid = [
        "", " ", "{", "}", "[1,]", "[,1]", #"{"a" 1}"#, #"{"a": 1,}"#, #"{a: 1}"#, "[01]", "[1.]", "[.5]", "[1e]",
        "[-]", "[+1]", "tru", "nul",
        "[true false]", #""unclosed"#, "\"tab\there\"", #""\x""#, #""\u12""#, #""\ud83d""#, #""\ude00""#,
        #""\ud83d\u0041""#, "{} {}",
        "[1] x", "'single'", "NaN", "[Infinity]", "[1]\u{0}", "\u{0}[1]", "7e679", "[-1.8e308]",
        String(repeating: "9", count: 400),
    ]
    /// Foundation on Linux reads these, but they are not JSON (RFC 8259): a trailing comma, and NUL
    /// taken as the end of the text.
    static let foundationLenient: Set<String> = ["[1,]", #"{"a": 1,}"#, "[1]\u{0}", "\u{0}[1]"]

    @Test(arguments: valid)
    func validDocumentsParseAsFoundationReadsThem(_ text: String) throws {
        let mine = try JSONValue.parse(Array(text.utf8))
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
        #expect(Self.same(mine, theirs), "\(mine) vs \(theirs)")
    }

    @Test(arguments: invalid)
    func invalidDocumentsAreRefused(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
        if !Self.foundationLenient.contains(text) {
            #expect(throws: (any Error).self, "Foundation refuses it too") {
                try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
            }
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: JSONSyntaxError(line: 1, column: 2, reason: "a string is not valid UTF-8")) {
            try JSONValue.parse([0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D])
        }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test func errorsSayWhereAndWhy() {
        #expect(throws: JSONSyntaxError(line: 1, column: 9, reason: "expected ',' or '}' after the value of \"a\"")) {
            try JSONValue.parse(Array(#"{"a": 1 "b": 2}"#.utf8))
        }
        #expect(throws: JSONSyntaxError(line: 3, column: 7, reason: "expected ':' after the field name \"é\"")) {
            try JSONValue.parse(Array("{\n\"x\": 1,\n  \"é\" 2}".utf8))
        }
        #expect(throws: JSONSyntaxError(line: 1, column: 5, reason: "a control character in a string must be escaped"))
        {
            try JSONValue.parse(Array("[\"ab\u{1}\"]".utf8))
        }
    }

    @Test func nestingIsCapped() throws {
        let deep = JSONParser.maxDepth
        _ = try JSONValue.parse(Array((String(repeating: "[", count: deep) + String(repeating: "]", count: deep)).utf8))
        #expect(throws: JSONSyntaxError.self, "a megabyte of brackets is an error, not a stack overflow") {
            try JSONValue.parse(Array(repeating: UInt8(ascii: "["), count: 1 << 20))
        }
    }

    /// Whatever the parser accepts, Foundation reads as the same value; whatever Foundation refuses,
    /// so does the parser (it is stricter than Foundation only where Foundation is lenient).
    @Test func randomBytesNeverCrash() {
        // Seeded, so a failure is the same on every run; the counterexamples it has found are kept in
        // `invalid` above.
        var rng = SeededRandom(seed: 0x5AFE)
        let alphabet =
            Array(#"{}[],:"\ u0123456789abcdef-+.eEtruefalsn"#.utf8) + [
                0, 0x0A, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0xFF,
            ]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let mine = try? JSONValue.parse(bytes)
            let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
            if let mine {
                #expect(
                    theirs.map { Self.same(mine, $0) } == true,
                    "\(bytes): mine \(mine), Foundation \(String(describing: theirs))"
                )
            }
            if theirs == nil { #expect(mine == nil, "\(bytes)") }
        }
    }

    @Test func theWriterEscapesAsJSONEncoderDoes() throws {
        var every = String(String.UnicodeScalarView((0..<0x80).map { Unicode.Scalar($0)! }))
        every += "\u{2028}\u{2029}\u{85}é😀\u{FEFF}\u{202E}"
        let d = Decision(
            id: .text(every),
            findings: [
                Finding(clause: "PD-1.6", severity: .warn, message: every, spans: [Span(start: 0, end: 3, type: "X")])
            ],
            obligations: [Obligation(clause: "WA-7", action: "a/b", due: "2026-11-24T10:00:00Z")]
        )
        #expect(
            String(decoding: d.json, as: UTF8.self) == String(decoding: try Self.reference.encode(d), as: UTF8.self)
        )
        let n = Decision(id: .number(-42), findings: [], obligations: [])
        #expect(n.json == Array(try Self.reference.encode(n)))
        let none = Decision(id: nil, findings: [], obligations: [])
        #expect(
            String(decoding: none.json, as: UTF8.self)
                == #"{"decision":"allow","findings":[],"id":null,"obligations":[]}"#
        )
    }

    /// Numbers are written digit by digit where they can be (every hundredth from 0 to 100, and
    /// whole numbers), and must read as Swift's own shortest form of them everywhere else too.
    @Test func theWriterWritesNumbersAsSwiftPrintsThem() {
        var doubles = (0...10_000).map { Double($0) / 100 }
        doubles += [0.1 + 0.2, 0.005, 100.5, 100.01, 1e-5, 123_456.789, 1e20, -0.0, -0.5, .infinity, .nan]
        for d in doubles {
            var w = JSONWriter()
            w.double(d)
            #expect(String(decoding: w.bytes, as: UTF8.self) == (d.isFinite ? "\(d)" : "0"), "\(d)")
        }
        for n in [0, 7, 9, 10, 99, 100, 101, 1_000, 65_535, 1_234_567, Int.max, -1, -42, Int.min] {
            var w = JSONWriter()
            w.int(n)
            #expect(String(decoding: w.bytes, as: UTF8.self) == String(n))
        }
    }

    /// The parsed value and Foundation's object hold the same data.
    static func same(_ v: JSONValue, _ o: Any) -> Bool {
        switch v {
        case .null: return o is NSNull
        case .bool(let b): return (o as? NSNumber)?.boolValue == b
        case .number(let raw): return (o as? NSNumber).map { $0.doubleValue == Double(raw) } ?? false
        case .string(let s): return (o as? String) == s
        case .array(let items):
            guard let list = o as? [Any], list.count == items.count else { return false }
            return zip(items, list).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let dict = o as? [String: Any] else { return false }
            // Foundation keeps the last of repeated keys; the parser keeps all, in order.
            let last = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            return last.count == dict.count && last.allSatisfy { k, v in dict[k].map { same(v, $0) } ?? false }
        }
    }
}
