import FluentKit
import Foundation

/// Group commit for audit events that change nothing else (reads of a case, checks). Events that
/// arrive while one commit is under way are written together by the next: one transaction and one
/// sync to disk for all of them, instead of one each. Every caller returns only when its own event
/// is committed, so nothing acknowledged is lost; a failed commit fails every caller in it.
public actor AuditBatcher {
    private let db: any Database
    private var pending: [(AuditEntry, AuditContext)] = []
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private var writing = false
    /// The chain's head after this batcher's last commit (see `AuditLog.appendBatch`).
    private var head: AuditLog.Head?

    public init(db: any Database) { self.db = db }

    public func record(_ entry: AuditEntry, _ context: AuditContext) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            pending.append((entry, context))
            waiting.append(c)
            if !writing {
                writing = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let n = min(pending.count, AuditLog.maxBatch)
            let batch = Array(pending.prefix(n)), callers = Array(waiting.prefix(n))
            pending.removeFirst(n)
            waiting.removeFirst(n)
            do {
                head = try await AuditLog.appendBatch(batch, after: head, on: db)
                for c in callers { c.resume() }
            } catch {
                head = nil
                for c in callers { c.resume(throwing: error) }
            }
        }
        writing = false
    }
}
