import Foundation
import Testing

@testable import SafeCommsStore

/// The hand-off between an import's reading thread and its writing task.
@Suite struct HandoffTests {
    /// Counts shared between the producer's thread and the test.
    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var produced = 0, consumed = 0, widest = 0
        private(set) var producerEnded = false

        func put() {
            lock.withLock {
                produced += 1
                widest = max(widest, produced - consumed)
            }
        }
        func take() { lock.withLock { consumed += 1 } }
        func end() { lock.withLock { producerEnded = true } }
        var ahead: Int { lock.withLock { widest } }
        var made: Int { lock.withLock { produced } }
    }

    /// Every value arrives, in order, and the producer is never more than `capacity` values (plus the
    /// one being handed over) ahead of a slow consumer.
    @Test func inOrderAndBounded() async throws {
        let counts = Counts()
        let handoff = Handoff<Int>.start(capacity: 2) { h in
            for i in 0..<200 {
                guard h.put(i) else { return }
                counts.put()
            }
        }
        var got: [Int] = []
        while let v = try await handoff.next() {
            got.append(v)
            counts.take()
            if v % 10 == 0 { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(got == Array(0..<200))
        #expect(counts.ahead <= 3, "the producer ran \(counts.ahead) values ahead")
    }

    struct Broke: Error, Equatable {}

    /// A producer's error reaches the consumer after the values handed over before it.
    @Test func aProducersErrorIsThrownAfterItsValues() async throws {
        let handoff = Handoff<Int>.start(capacity: 1) { h in
            _ = h.put(1)
            _ = h.put(2)
            throw Broke()
        }
        #expect(try await handoff.next() == 1)
        #expect(try await handoff.next() == 2)
        await #expect(throws: Broke.self) { try await handoff.next() }
    }

    /// A consumer that stops early stops the producer, and `cancel` returns only once it has stopped.
    @Test func cancellingStopsTheProducer() async throws {
        let counts = Counts()
        let handoff = Handoff<Int>.start(capacity: 1) { h in
            defer { counts.end() }
            for i in 0..<1_000_000 {
                guard h.put(i) else { return }
                counts.put()
            }
        }
        #expect(try await handoff.next() == 0)
        await handoff.cancel()
        #expect(counts.producerEnded)
        #expect(counts.made < 10, "the producer went on to \(counts.made) values")
    }
}
