/// Writes JSON into a byte buffer: the answers on the hot path, where `JSONEncoder` cost as much as
/// the decision it encoded. The output is byte for byte what `JSONEncoder` writes with `.sortedKeys`
/// and `.withoutEscapingSlashes` (a test compares them), so callers write keys in sorted order.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// `"key":` — `first` is false for every key after an object's first.
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(Byte.comma) }
        bytes.append(Byte.quote)
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(Byte.quote)
        bytes.append(Byte.colon)
    }

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A value another `JSONWriter` wrote, kept to be written again.
    mutating func written(_ json: [UInt8]) { bytes.append(contentsOf: json) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Digits written straight into the buffer: every span of every finding has two.
    mutating func int(_ n: Int) {
        guard n >= 0 else { return bytes.append(contentsOf: String(n).utf8) }
        var divisor = 1
        while divisor <= n / 10 { divisor *= 10 }
        var rest = n
        while divisor > 0 {
            bytes.append(Byte.zero + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A finite number in Swift's shortest form (0.95, not 0.9500000000000001). Confidences are
    /// hundredths, and those are written digit by digit: formatting a `Double` through a `String` was
    /// a hundredth of `safecomms analyse`.
    mutating func double(_ d: Double) {
        let hundredths = (d * 100).rounded()
        guard d.sign == .plus, hundredths <= 10_000, hundredths / 100 == d else {
            return bytes.append(contentsOf: (d.isFinite ? "\(d)" : "0").utf8)
        }
        // The nearest double to a decimal of two places prints as that decimal without its trailing
        // zero, and with at least one digit after the point (1.0, 0.5, 0.85).
        let n = Int(hundredths)
        int(n / 100)
        bytes.append(Byte.dot)
        bytes.append(Byte.zero + UInt8(n / 10 % 10))
        if n % 10 != 0 { bytes.append(Byte.zero + UInt8(n % 10)) }
    }

    /// A string with `"`, `\` and control characters escaped as `JSONEncoder` escapes them; every
    /// other character is written as its UTF-8.
    mutating func string(_ s: String) {
        bytes.append(Byte.quote)
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            for (k, b) in u.enumerated() where b < 0x20 || b == Byte.quote || b == Byte.backslash {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<k]))
                runStart = k + 1
                bytes.append(Byte.backslash)
                switch b {
                case Byte.quote, Byte.backslash: bytes.append(b)
                case 0x08: bytes.append(Byte.b)
                case 0x09: bytes.append(Byte.t)
                case 0x0A: bytes.append(Byte.n)
                case 0x0C: bytes.append(Byte.f)
                case 0x0D: bytes.append(Byte.r)
                default:
                    bytes.append(contentsOf: [
                        Byte.u, Byte.zero, Byte.zero, Self.hex[Int(b >> 4)], Self.hex[Int(b & 0xF)],
                    ])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart...]))
        }
        bytes.append(Byte.quote)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A list: `[`, each element written by `element`, separated by commas, `]`.
    mutating func list<C: Collection>(_ items: C, _ element: (inout JSONWriter, C.Element) -> Void) {
        bytes.append(Byte.openBracket)
        var first = true
        for item in items {
            if !first { bytes.append(Byte.comma) }
            first = false
            element(&self, item)
        }
        bytes.append(Byte.closeBracket)
    }
}
