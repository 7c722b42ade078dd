import Foundation

extension UUID {
    /// A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then random bits. Records made one
    /// after another get neighbouring ids, so the primary-key index grows at its end instead of
    /// splitting pages at random, and ids sort roughly by creation.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        // Two 64-bit draws (two getrandom calls) rather than one per byte: imports make an id per record.
        var rng = SystemRandomNumberGenerator()
        let high = rng.next(), low = rng.next()
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            b[i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i)))
            b[8 + i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i)))
        }
        for i in 0..<6 { b[i] = UInt8((ms >> (8 * UInt64(5 - i))) & 0xFF) }
        b[6] = 0x70 | (b[6] & 0x0F)  // version 7
        b[8] = 0x80 | (b[8] & 0x3F)  // RFC 9562 variant
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
