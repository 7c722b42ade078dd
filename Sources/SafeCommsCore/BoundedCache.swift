import Foundation

/// A small thread-safe memo for values that are costly to make and asked for again and again (a
/// time zone, a case's compiled people, a choice of packs). Bounded: when full it starts again
/// rather than grow without limit.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]
    let capacity: Int

    public init(capacity: Int) { self.capacity = capacity }

    public func get(_ key: Key, make: () -> Value) -> Value {
        if let hit = lock.withLock({ values[key] }) { return hit }
        let made = make()
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = made
        }
        return made
    }
}
