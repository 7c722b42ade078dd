/// Word lookups without Swift's per-lookup SipHash: every token carries a 64-bit FNV-1a hash made
/// while tokenising, and tables keyed by it use open addressing. At ~60 words a message and several
/// lookups a word, hashing was the largest single cost of a check (measured).
public enum WordHash {
    public static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    public static func add(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x100_0000_01b3 }

    public static func of(_ s: String) -> UInt64 { s.utf8.reduce(seed, add) }

    /// The key of a word pair (the first two words of a phrase).
    @inline(__always)
    public static func pair(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a &* 0x9E37_79B9_7F4A_7C15) ^ b ^ 0x5851_F42D_4C95_7F2D
    }
}

/// A read-only map from 64-bit word hashes to values, with linear probing. Built once, then shared.
public struct HashIndex<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    private var slots: [Int32]
    private var values: [Value] = []
    private let mask: Int

    public init(_ pairs: [(UInt64, Value)]) {
        var capacity = 8
        while capacity < pairs.count * 2 { capacity <<= 1 }
        keys = Array(repeating: 0, count: capacity)
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        for (key, value) in pairs {
            var i = Self.start(key, mask)
            while slots[i] >= 0, keys[i] != key { i = (i + 1) & mask }
            if slots[i] >= 0 {
                values[Int(slots[i])] = value  // a repeated key keeps the last value
            } else {
                keys[i] = key
                slots[i] = Int32(values.count)
                values.append(value)
            }
        }
    }

    @inline(__always)
    private static func start(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    public subscript(_ key: UInt64) -> Value? {
        var i = Self.start(key, mask)
        while true {
            let s = slots[i]
            if s < 0 { return nil }
            if keys[i] == key { return values[Int(s)] }
            i = (i + 1) & mask
        }
    }

    public var isEmpty: Bool { values.isEmpty }
}

/// A fixed set of lower-case words, kept as their 64-bit hashes alone and looked up by a token's own
/// hash (no hashing, no string compared, per lookup). Keeping no strings is what lets the 130,000
/// words of the shipped lists load in a few milliseconds. A token wrongly taken for a member needs
/// its hash to equal one of the set's: with 130,000 members that is about 1 in 10^14 per lookup.
public struct WordSet: Sendable {
    /// Open addressing with linear probing; 0 marks an empty slot (a word hashing to 0 is kept aside).
    private var slots: [UInt64]
    private let mask: Int
    private var holdsZero = false

    public init(hashes: some Collection<UInt64>) {
        var capacity = 8
        while capacity < hashes.count * 2 { capacity <<= 1 }
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        for key in hashes {
            guard key != 0 else {
                holdsZero = true
                continue
            }
            var i = Self.start(key, mask)
            while slots[i] != 0, slots[i] != key { i = (i + 1) & mask }
            slots[i] = key
        }
    }

    public init(_ words: some Sequence<String>) { self.init(hashes: words.map(WordHash.of)) }

    @inline(__always)
    private static func start(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    public func contains(hash key: UInt64) -> Bool {
        if key == 0 { return holdsZero }
        var i = Self.start(key, mask)
        while true {
            let s = slots[i]
            if s == key { return true }
            if s == 0 { return false }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    public func contains(_ t: AnalysedText.Token) -> Bool { contains(hash: t.hash) }

    public func contains(_ word: String) -> Bool { contains(hash: WordHash.of(word)) }

    /// Every member's hash, to build other tables from.
    var hashes: [UInt64] { slots.filter { $0 != 0 } + (holdsZero ? [0] : []) }
}
