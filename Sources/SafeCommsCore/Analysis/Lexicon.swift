/// The four large word lists (first names, surnames, everyday English words, proper nouns) in one
/// table: a word's hash gives every list that holds it. Kept as four sets they were megabytes, a
/// message's words land anywhere in them, and a word the name finder weighs is asked about in
/// several, each a cache miss; here the first question about a word misses once and every later one
/// reads the same slot (measured: the lists' lookups were a tenth of `safecomms analyse`).
///
/// A slot keeps a word's hash with its low eight bits replaced by the lists that hold it, so 56 bits
/// tell words apart: a word wrongly taken for a member needs those bits to equal one of the 120,000
/// members' near its slot, about 1 in 10^16 per lookup.
struct Lexicon: Sendable {
    struct Kinds: OptionSet, Sendable {
        let rawValue: UInt8
        static let firstName = Kinds(rawValue: 1)
        /// A first name that is an everyday English word too ("will", "hope"): marked in the list.
        static let alsoWord = Kinds(rawValue: 2)
        static let surname = Kinds(rawValue: 4)
        static let englishWord = Kinds(rawValue: 8)
        /// A place, an organisation, a month or a person the dictionary knows ("Lincoln", "Chester").
        static let properNoun = Kinds(rawValue: 16)
    }

    /// Open addressing with linear probing. An empty slot is 0; a used one is never 0, because every
    /// word is in at least one list and its kinds fill the low byte.
    private var slots: [UInt64]
    private let mask: Int
    private static let flagBits: UInt64 = 0xFF

    /// Each word's hash with the kinds it has; a word in several lists may come several times.
    init(_ words: [(hash: UInt64, kinds: Kinds)]) {
        var capacity = 8
        while capacity < words.count * 2 { capacity <<= 1 }
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        for (hash, kinds) in words where !kinds.isEmpty {
            let key = hash & ~Self.flagBits
            var i = Self.start(key, mask)
            while slots[i] != 0, slots[i] & ~Self.flagBits != key { i = (i + 1) & mask }
            slots[i] = key | (slots[i] & Self.flagBits) | UInt64(kinds.rawValue)
        }
    }

    @inline(__always)
    private static func start(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The lists that hold the word with this hash (`WordHash.of` its lower-case text).
    @inline(__always)
    func kinds(hash: UInt64) -> Kinds {
        let key = hash & ~Self.flagBits
        var i = Self.start(key, mask)
        while true {
            let s = slots[i]
            if s == 0 { return [] }
            if s & ~Self.flagBits == key { return Kinds(rawValue: UInt8(truncatingIfNeeded: s)) }
            i = (i + 1) & mask
        }
    }

    /// The lists that hold the word as written or with its accents taken off ("chloé" is "chloe").
    /// Whether a first name is an everyday word is asked of the form that is the first name.
    func kinds(_ t: AnalysedText.Token) -> Kinds {
        let own = kinds(hash: t.hash)
        guard let folded = NameFinder.folded(t) else { return own }
        let plain = kinds(hash: WordHash.of(folded))
        var all = own.union(plain).subtracting(.alsoWord)
        if (own.contains(.firstName) ? own : plain).contains(.alsoWord) { all.insert(.alsoWord) }
        return all
    }
}
