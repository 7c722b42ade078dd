import Foundation

extension UUID {
    /// The same text as `uuidString` (upper-case, hyphenated), which is how Fluent stores a UUID in
    /// SQLite and how the audit chain hashes one. Foundation on Linux formats it through `sprintf`,
    /// about 0.8 µs a time; an import formats five per record, so this writes the 36 bytes directly.
    public var uuidText: String {
        let digits: StaticString = "0123456789ABCDEF"
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                digits.withUTF8Buffer { hex in
                    var o = 0
                    for i in 0..<16 {
                        if i == 4 || i == 6 || i == 8 || i == 10 {
                            out[o] = UInt8(ascii: "-")
                            o += 1
                        }
                        out[o] = hex[Int(raw[i] >> 4)]
                        out[o + 1] = hex[Int(raw[i] & 0xF)]
                        o += 2
                    }
                }
                return 36
            }
        }
    }
}
