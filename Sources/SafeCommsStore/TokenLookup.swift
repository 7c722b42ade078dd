import FluentKit
import NIOConcurrencyHelpers
import NIOCore

/// Bearer-token lookups taken together: the requests that arrive while one lookup is under way are
/// answered by the next, in one query, each distinct token asked about once. Every request's token is
/// still checked against the database after the request arrived, so a revoked token or a deactivated
/// member of staff is refused at once; there is no cache. Under load this turns a database round trip
/// (a hop to SQLite's thread pool and back) per request into one per group (measured). It works in
/// futures, under a lock, so that signing a request in costs no task or actor hop of its own.
public final class TokenLookup: Sendable {
    private let db: any Database
    private let reader: SQLiteReader?
    private let state = NIOLockedValueBox(State())
    /// Bounds one query's `IN` list (SQLite allows 32,766 parameters; a flood of made-up tokens
    /// should not build one enormous statement).
    static let maxPerQuery = 500

    private struct State {
        var waiting: [String: [EventLoopPromise<StaffMember.TokenHolder?>]] = [:]
        var running = false
    }

    public init(db: any Database, reader: SQLiteReader? = nil) {
        self.db = db
        self.reader = reader
    }

    /// The unrevoked token with this hash and its active member of staff, or nil; its scope and
    /// expiry are the caller's to apply.
    public func holder(
        forTokenHash hash: String,
        on loop: any EventLoop
    ) -> EventLoopFuture<
        StaffMember.TokenHolder?
    > {
        let promise = loop.makePromise(of: StaffMember.TokenHolder?.self)
        let start = state.withLockedValue { s in
            s.waiting[hash, default: []].append(promise)
            defer { s.running = true }
            return !s.running
        }
        if start { next() }
        return promise.futureResult
    }

    /// Looks up everything waiting, then whatever arrived meanwhile, until nothing waits.
    private func next() {
        let batch: [(String, [EventLoopPromise<StaffMember.TokenHolder?>])] = state.withLockedValue { s in
            let hashes = s.waiting.keys.prefix(Self.maxPerQuery)
            let batch = hashes.map { ($0, s.waiting[$0]!) }
            for (h, _) in batch { s.waiting[h] = nil }
            if batch.isEmpty { s.running = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        StaffMember.forTokens(hashes: batch.map(\.0), on: db, reader: reader).whenComplete { result in
            for (h, promises) in batch {
                for p in promises {
                    switch result {
                    case .success(let found): p.succeed(found[h])
                    case .failure(let error): p.fail(error)
                    }
                }
            }
            self.next()
        }
    }
}
