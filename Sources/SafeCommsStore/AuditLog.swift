import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// Who did something and from where, for the audit trail.
public struct AuditContext: Sendable {
    public var organisationID: UUID?
    public var actorID: UUID?
    /// Where the request came from: a client address, or `cli` / `demo` for local commands.
    public var source: String?
    /// Seals the events.
    public var key: AuditKey

    public init(organisationID: UUID?, actorID: UUID?, source: String?, key: AuditKey) {
        self.organisationID = organisationID
        self.actorID = actorID
        self.source = source
        self.key = key
    }
}

/// What happened, for the audit trail. Details never carry personal data: ids and field names only.
public struct AuditEntry: Sendable {
    public var action: String
    public var entity: String
    public var entityID: String?
    public var caseID: UUID?
    public var detail: String?

    public init(action: String, entity: String, entityID: String? = nil, caseID: UUID? = nil, detail: String? = nil) {
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.caseID = caseID
        self.detail = detail
    }
}

/// Appends to the hash chain in the same transaction as the change it records, so a change is never
/// stored without its audit event or the other way round.
public enum AuditLog {
    /// One writer at a time in this process; PostgreSQL also takes an advisory lock so several
    /// processes sharing one database still append in order.
    static let lock = AsyncLock()
    static let advisoryLockKey = 7_273_110_042

    /// Runs `body` in a transaction and appends the entries it returns to the chain.
    public static func transaction<T: Sendable>(
        on db: any Database, _ context: AuditContext, now: @escaping @Sendable () -> Date = Date.init,
        _ body: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])
    ) async throws -> T {
        try await serialised(on: db) { tx in
            let (value, entries) = try await body(tx)
            try await append(entries, context: context, at: now(), on: tx)
            return value
        }
    }

    /// Creates one row and its audit event together.
    public static func create<M: Model & Sendable>(_ model: M, _ entry: AuditEntry, _ context: AuditContext, on db: any Database) async throws {
        try await transaction(on: db, context) { tx in
            try await model.create(on: tx)
            return ((), [entry])
        }
    }

    /// Records events that change nothing else (a read of a case, a failed sign-in).
    public static func record(_ entries: [AuditEntry], _ context: AuditContext, on db: any Database) async throws {
        try await transaction(on: db, context) { _ in ((), entries) }
    }

    static func append(_ entries: [AuditEntry], context: AuditContext, at: Date, on db: any Database) async throws {
        try await append(entries.map { ($0, context) }, at: at, on: db)
    }

    /// Appends events that may come from different people and places (a group commit).
    static func append(_ items: [(AuditEntry, AuditContext)], at: Date, on db: any Database) async throws {
        guard !items.isEmpty else { return }
        // The chain's head in plain SQL: Fluent's model query costs a reflection pass, on every append.
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let head = try await sql.raw("SELECT seq, hash FROM \(ident: AuditEvent.schema) ORDER BY seq DESC LIMIT 1").first()
        var sequence = try head?.decode(column: "seq", as: Int64.self) ?? 0
        var previous = try head?.decode(column: "hash", as: String.self) ?? AuditChainVerifier.genesis
        let millis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        var rows: [AuditLink] = []
        rows.reserveCapacity(items.count)
        for (e, context) in items {
            sequence += 1
            let link = AuditLink(
                sequence: sequence, atMillis: millis, organisationID: context.organisationID, actorID: context.actorID,
                action: e.action, entity: e.entity, entityID: e.entityID, caseID: e.caseID, source: context.source,
                detail: e.detail, previousHash: previous
            ).sealed(key: context.key)
            previous = link.hash
            rows.append(link)
        }
        try await insert(rows, on: db)
    }

    /// Appends events that change nothing else, from several callers, in one transaction.
    static func appendBatch(_ items: [(AuditEntry, AuditContext)], on db: any Database, now: Date = Date()) async throws {
        try await serialised(on: db) { tx in try await append(items, at: now, on: tx) }
    }

    /// A transaction that holds the chain's head: one appender at a time in this process, and across
    /// processes on PostgreSQL.
    private static func serialised<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await db.transaction { tx in
                if tx.isPostgres, let sql = tx as? any SQLDatabase {
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: advisoryLockKey))").run()
                }
                return try await body(tx)
            }
        }
    }

    /// Multi-row INSERTs through SQLKit (12 columns × 2,000 rows stays under SQLite's bound-parameter
    /// limit); Fluent's per-model encoding costs more than the insert itself at import volumes.
    static let columns = ["seq", "at_ms", "organisation_id", "actor_id", "case_id", "action", "entity", "entity_id", "source", "detail", "previous_hash", "hash"]

    static func insert(_ links: [AuditLink], on db: any Database) async throws {
        if let sqlite = db as? any SQLiteDatabase {
            let S = SQLiteBulkInsert.self
            let shared = SQLiteBulkInsert.UUIDTexts()
            let rows = links.map { l -> [SQLiteData] in
                [
                    .integer(Int(l.sequence)), .integer(Int(l.atMillis)), shared(l.organisationID), shared(l.actorID), shared(l.caseID),
                    .text(l.action), .text(l.entity), S.text(l.entityID), S.text(l.source), S.text(l.detail), .text(l.previousHash), .text(l.hash),
                ]
            }
            try await SQLiteBulkInsert.run(table: AuditEvent.schema, columns: columns, rows: rows, rowsPerStatement: 2000, on: sqlite)
            return
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let b = FastBinds(sql)
        for start in stride(from: 0, to: links.count, by: 2000) {
            var insert = sql.insert(into: AuditEvent.schema).columns(columns)
            for l in links[start..<min(start + 2000, links.count)] {
                insert = insert.values(
                    SQLBind(l.sequence), SQLBind(l.atMillis), b.uuid(l.organisationID), b.uuid(l.actorID), b.uuid(l.caseID), SQLBind(l.action),
                    SQLBind(l.entity), b.text(l.entityID), b.text(l.source), b.text(l.detail), SQLBind(l.previousHash), SQLBind(l.hash))
            }
            try await insert.run()
        }
    }

    public struct Verification: Sendable {
        public var links: Int
        public var head: String
    }

    /// Walks the whole chain in sequence order, a page at a time.
    /// - Throws: `AuditChainVerifier.Break` naming the first broken link.
    public static func verify(on db: any Database, key: AuditKey, pageSize: Int = 5000) async throws -> Verification {
        var verifier = AuditChainVerifier(key: key)
        var after: Int64 = 0
        while true {
            let page = try await AuditEvent.query(on: db).filter(\.$id > after).sort(\.$id).limit(pageSize).all()
            for row in page { try verifier.check(row.link) }
            guard let last = page.last?.id, page.count == pageSize else { break }
            after = last
        }
        return Verification(links: verifier.checked, head: verifier.head)
    }
}
