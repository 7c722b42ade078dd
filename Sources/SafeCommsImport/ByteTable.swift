/// A hash table keyed by short byte strings (a bill's numbers, directions and types), looked up
/// straight from the bytes of a row: no `String` is made and no SipHash run per row, which was most
/// of the cost of reading a bill. Open addressing with FNV-1a; the keys are kept to compare with.
struct ByteTable<Value> {
    private var slots: [Int32]
    private var keys: [[UInt8]] = []
    private(set) var values: [Value] = []

    init() { slots = Array(repeating: -1, count: 64) }

    var count: Int { values.count }

    /// The entry's index (0, 1, 2 … in the order keys were first added), or nil.
    func index(of key: ArraySlice<UInt8>) -> Int? {
        var slot = Self.hash(key) & (slots.count - 1)
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if keys[Int(entry)].elementsEqual(key) { return Int(entry) }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The index of the entry for `key`, adding `make()`'s value when there is none.
    mutating func index(of key: ArraySlice<UInt8>, orAdd make: () throws -> Value) rethrows -> Int {
        if let found = index(of: key) { return found }
        let value = try make()  // first: a throwing `make` leaves the table as it was
        if (values.count + 1) * 2 > slots.count { grow() }
        let entry = values.count
        keys.append(Array(key))
        values.append(value)
        var slot = Self.hash(key) & (slots.count - 1)
        while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(entry)
        return entry
    }

    subscript(entry: Int) -> Value { values[entry] }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for (entry, key) in keys.enumerated() {
            var slot = Self.hash(key[...]) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(entry)
        }
    }

    private static func hash(_ key: ArraySlice<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
