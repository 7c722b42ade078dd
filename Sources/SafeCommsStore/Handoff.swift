import Foundation

/// Hands values from a producer on its own thread to an async consumer, at most `capacity` ahead:
/// the producer blocks (its own thread, never one of the concurrency pool's) while the consumer is
/// behind, so memory stays bounded however large the input.
///
/// An import reads and builds the next batch of records on one core while SQLite writes the last one
/// on the other.
final class Handoff<Value: Sendable>: @unchecked Sendable {
    private enum State {
        case running
        case finished
        case failed(any Error)
    }

    private let condition = NSCondition()
    private let capacity: Int
    // All guarded by `condition`.
    private var queue: [Value] = []
    private var state = State.running
    private var cancelled = false
    private var waiter: CheckedContinuation<Value?, any Error>?

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Runs `produce` on a new thread; it hands values over with `put` and ends the hand-off by
    /// returning (or throwing, which the consumer's `next` then throws).
    static func start(capacity: Int, _ produce: @escaping @Sendable (Handoff) throws -> Void) -> Handoff {
        let handoff = Handoff(capacity: capacity)
        let thread = Thread {
            do {
                try produce(handoff)
                handoff.end(.finished)
            } catch {
                handoff.end(.failed(error))
            }
        }
        thread.name = "safecomms-handoff"
        thread.start()
        return handoff
    }

    /// From the producer: waits while `capacity` values are waiting. False once the consumer has
    /// given up, when the producer should stop.
    func put(_ value: Value) -> Bool {
        condition.lock()
        while queue.count >= capacity, !cancelled { condition.wait() }
        if cancelled {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: value)
            return true
        }
        queue.append(value)
        condition.unlock()
        return true
    }

    /// The next value; nil when the producer has finished, or its error.
    func next() async throws -> Value? {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Value?, any Error>) in
            condition.lock()
            if !queue.isEmpty {
                let value = queue.removeFirst()
                condition.signal()
                condition.unlock()
                c.resume(returning: value)
                return
            }
            switch state {
            case .running:
                waiter = c
                condition.unlock()
            case .finished:
                condition.unlock()
                c.resume(returning: nil)
            case .failed(let error):
                condition.unlock()
                c.resume(throwing: error)
            }
        }
    }

    /// From the consumer, when it stops early: the producer's next `put` returns false. Returns once
    /// the producer has stopped, so nothing it holds (an open file) outlives the consumer.
    func cancel() async {
        stopProducer()
        while (try? await next()) != nil {}
    }

    private func stopProducer() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func end(_ state: State) {
        condition.lock()
        self.state = state
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        switch state {
        case .running: break
        case .finished: waiter?.resume(returning: nil)
        case .failed(let error): waiter?.resume(throwing: error)
        }
    }
}
