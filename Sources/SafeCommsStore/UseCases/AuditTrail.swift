import FluentKit
import Foundation
import SafeCommsCore

/// Searching the organisation's audit trail, for auditors and the DSL: by who, case, action and time,
/// newest first, a page at a time or (for an export) all of it in batches.
public enum AuditTrail {
    public struct Filter: Sendable, Equatable {
        public var actorID: UUID?
        public var caseID: UUID?
        public var action: String?
        /// From this instant, inclusive.
        public var from: Date?
        /// Before this instant.
        public var to: Date?

        public init(
            actorID: UUID? = nil,
            caseID: UUID? = nil,
            action: String? = nil,
            from: Date? = nil,
            to: Date? = nil
        ) {
            self.actorID = actorID
            self.caseID = caseID
            self.action = action
            self.from = from
            self.to = to
        }
    }

    private static func query(_ f: Filter, for p: Principal, on db: any Database) throws -> QueryBuilder<AuditEvent> {
        guard AccessPolicy.can(p, .readAudit) else {
            throw Refusal.forbidden("the audit trail is for auditors and the DSL")
        }
        let q = db.scoped(to: p.organisationID).auditEvents()
        if let id = f.actorID { q.filter(\.$actorID == id) }
        if let id = f.caseID { q.filter(\.$caseID == id) }
        if let action = f.action { q.filter(\.$action == action) }
        if let from = f.from { q.filter(\.$atMillis >= Int64(from.timeIntervalSince1970 * 1000)) }
        if let to = f.to { q.filter(\.$atMillis < Int64(to.timeIntervalSince1970 * 1000)) }
        return q
    }

    /// One page, newest first: at most `limit` events older than sequence `before`.
    /// - Throws: `Refusal.forbidden` for anyone but an auditor or the DSL.
    public static func page(
        _ f: Filter,
        before: Int64?,
        limit: Int,
        for p: Principal,
        on db: any Database
    ) async throws -> [AuditEvent] {
        let q = try query(f, for: p, on: db)
        if let before { q.filter(\.$id < before) }
        return try await q.sort(\.$id, .descending).limit(limit).all()
    }

    /// Every event the filter matches, oldest first, handed over `batch` at a time, so an export of
    /// the whole trail never holds it all in memory.
    public static func each(
        _ f: Filter,
        for p: Principal,
        batch: Int = 2_000,
        on db: any Database,
        _ body: ([AuditEvent]) async throws -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let q = try query(f, for: p, on: db)
            let rows = try await q.filter(\.$id > after).sort(\.$id, .ascending).limit(batch).all()
            guard let last = rows.last?.id else { return }
            try await body(rows)
            after = last
            if rows.count < batch { return }
        }
    }
}
