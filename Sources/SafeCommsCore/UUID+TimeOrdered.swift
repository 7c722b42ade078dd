import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension UUID {
    /// A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then random bits. Records made one
    /// after another get neighbouring ids, so the primary-key index grows at its end instead of
    /// splitting pages at random, and ids sort roughly by creation.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var (high, low) = RandomPool.shared.twoWords()
        // The first 48 bits are the time; then the version and the variant.
        high = (ms << 16) | (high & 0x0FFF) | 0x7000
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func byte(_ w: UInt64, _ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: w >> (8 * UInt64(7 - i))) }
        return UUID(
            uuid: (
                byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6),
                byte(high, 7),
                byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5), byte(low, 6),
                byte(low, 7)
            )
        )
    }
}

/// The system's random bytes fetched 4 KB at a time rather than eight at a time: an import makes two
/// ids a message, and a `getrandom` call per 64 bits was a fortieth of its time. The bytes are the
/// same kernel generator's (through `arc4random_buf`); they are only asked for in bulk. (A forked
/// child would repeat the parent's unused bytes; SafeComms starts processes only by spawning them.)
final class RandomPool: @unchecked Sendable {
    static let shared = RandomPool()
    private let lock = NSLock()
    private var words = [UInt64](repeating: 0, count: 512)
    private var used = 512

    func twoWords() -> (UInt64, UInt64) {
        lock.lock()
        defer { lock.unlock() }
        if used + 2 > words.count {
            refill()
            used = 0
        }
        used += 2
        return (words[used - 2], words[used - 1])
    }

    private func refill() {
        #if canImport(Glibc) || canImport(Darwin)
        // One call for the whole buffer: glibc's (2.36+) and Darwin's arc4random_buf read the kernel's
        // generator (getrandom on Linux).
        words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
        return
        #else
        var rng = SystemRandomNumberGenerator()
        for i in words.indices { words[i] = rng.next() }
        #endif
    }
}
