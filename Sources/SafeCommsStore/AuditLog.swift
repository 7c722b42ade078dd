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
    /// Where each committed head is also written, outside the database (nil: nowhere).
    public var witness: AuditWitness?

    public init(organisationID: UUID?, actorID: UUID?, source: String?, key: AuditKey, witness: AuditWitness? = nil) {
        self.organisationID = organisationID
        self.actorID = actorID
        self.source = source
        self.key = key
        self.witness = witness
    }
}

/// What happened, for the audit trail. Details never carry personal data: ids and field names only.
public struct AuditEntry: Sendable {
    public var action: AuditAction
    public var entity: String
    public var entityID: String?
    public var caseID: UUID?
    public var detail: String?
    /// The digest of the row written, for records sealed into the chain (`RowDigest`).
    public var rowDigest: String?

    public init(
        action: AuditAction,
        entity: String,
        entityID: String? = nil,
        caseID: UUID? = nil,
        detail: String? = nil,
        rowDigest: String? = nil
    ) {
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.caseID = caseID
        self.detail = detail
        self.rowDigest = rowDigest
    }
}

/// Appends to the hash chain in the same transaction as the change it records, so a change is never
/// stored without its audit event or the other way round.
///
/// Audited writes take turns. On SQLite every write already runs alone (`WriteTransaction`). On
/// PostgreSQL, where several server processes may share one database, the chain's head is a row
/// (`audit_head`) that each audited transaction locks (`SELECT … FOR UPDATE`) as its first statement,
/// so its body sees everything committed before it: a check such as "this message was not answered
/// yet" made inside the body holds until it commits, as it does on SQLite. A plain row lock, not an
/// advisory lock, because the distributed engines that speak PostgreSQL's protocol have row locks
/// and serialization failures but not always advisory locks. Within one process the writers first
/// wait their turn without a connection (`AppendTurnConfiguration`). Writes are few beside reads; audit
/// events of reads and checks are appended in groups (`AuditBatcher`).
public enum AuditLog {
    /// Runs `body` in a transaction and appends the entries it returns to the chain.
    public static func transaction<T: Sendable>(
        on db: any Database,
        _ context: AuditContext,
        now: @escaping @Sendable () -> Date = Date.init,
        _ body: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])
    ) async throws -> T {
        let (value, committed) = try await serialised(on: db) { tx in
            // The head first: on PostgreSQL this locks it, so the body runs after every earlier
            // appender has committed and its reads see their writes (see `AuditLog`).
            let head = try await Self.head(on: tx)
            let (value, entries) = try await body(tx)
            let at = now()
            let after = try await append(entries.map { ($0, context) }, at: at, after: head, on: tx)
            return (value, entries.isEmpty ? nil : Witnessed(head: after, at: at))
        }
        committed?.record(to: context.witness)
        return value
    }

    /// A head as committed, for the witness log once the transaction has ended.
    private struct Witnessed: Sendable {
        var head: Head, at: Date
        func record(to witness: AuditWitness?) {
            witness?.record(head, atMillis: Int64((at.timeIntervalSince1970 * 1000).rounded()))
        }
    }

    /// Like `transaction(on:_:now:_:)`, for writes whose audit events are known before the write is
    /// made (a batch of imported records): `decide` looks up what to write and names its events;
    /// those are sealed into the chain on another thread while `write` runs, since sealing a link
    /// (an HMAC) per record costs about as much as SQLite's insert of it.
    public static func transaction<P: Sendable, T: Sendable>(
        on db: any Database,
        _ context: AuditContext,
        now: @escaping @Sendable () -> Date = Date.init,
        decide: @escaping @Sendable (any Database) async throws -> (P, [AuditEntry]),
        write: @escaping @Sendable (any Database, P) async throws -> T
    ) async throws -> T {
        let (value, committed) = try await serialised(on: db) { tx in
            let head = try await Self.head(on: tx)
            let (plan, entries) = try await decide(tx)
            let at = now()
            let sealing = Task { seal(entries.map { ($0, context) }, at: at, after: head) }
            let value: T
            do {
                value = try await write(tx, plan)
            } catch {
                sealing.cancel()
                throw error
            }
            let sealed = await sealing.value
            try await insert(sealed.links, on: tx)
            return (value, entries.isEmpty ? nil : Witnessed(head: sealed.head, at: at))
        }
        committed?.record(to: context.witness)
        return value
    }

    /// Creates one row and its audit event together.
    public static func create<M: Model & Sendable>(
        _ model: M,
        _ entry: AuditEntry,
        _ context: AuditContext,
        on db: any Database
    ) async throws
    where M.IDValue == UUID {
        let row = try Rewritable(model)
        try await transaction(on: db, context) { tx in
            try await row.save(on: tx)
            return ((), [entry])
        }
    }

    /// Records events that change nothing else (a read of a case, a failed sign-in).
    public static func record(_ entries: [AuditEntry], _ context: AuditContext, on db: any Database) async throws {
        try await transaction(on: db, context) { _ in ((), entries) }
    }

    /// The last link of the chain: its sequence number and hash.
    public struct Head: Sendable, Equatable {
        var sequence: Int64
        var hash: String
        static let empty = Head(sequence: 0, hash: AuditChainVerifier.genesis)
    }

    /// The chain's head in plain SQL: Fluent's model query costs a reflection pass, on every append.
    /// On PostgreSQL this locks the head row until the transaction ends: the next appender waits for it.
    static func head(on db: any Database) async throws -> Head {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let row: (any SQLRow)?
        if db.isPostgres {
            try await AuditHead.takeTurn(sql)
            let locked = try await sql.raw("SELECT seq, hash FROM \(ident: AuditHead.table) WHERE id = 1 FOR UPDATE")
                .first()
            // The chain itself, in case it has gone further than the head row (appended by a server
            // of a version from before the head row, still running during an upgrade).
            let last = try await sql.raw("SELECT seq, hash FROM \(ident: AuditEvent.schema) ORDER BY seq DESC LIMIT 1")
                .first()
            let lockedSeq = try locked?.decode(column: "seq", as: Int64.self) ?? 0,
                lastSeq = try last?.decode(column: "seq", as: Int64.self) ?? 0
            row = lastSeq > lockedSeq ? last : locked
        } else {
            row = try await sql.raw("SELECT seq, hash FROM \(ident: AuditEvent.schema) ORDER BY seq DESC LIMIT 1")
                .first()
        }
        guard let row else { return .empty }
        return Head(
            sequence: try row.decode(column: "seq", as: Int64.self),
            hash: try row.decode(column: "hash", as: String.self)
        )
    }

    /// Appends events that may come from different people and places (a group commit).
    @discardableResult
    static func append(
        _ items: [(AuditEntry, AuditContext)],
        at: Date,
        after known: Head? = nil,
        on db: any Database
    ) async throws -> Head {
        let head: Head
        if let known { head = known } else { head = try await Self.head(on: db) }
        guard !items.isEmpty else { return head }
        let (links, after) = seal(items, at: at, after: head)
        try await insert(links, on: db)
        return after
    }

    /// The links that follow `head` for these events, and the chain's head after them.
    static func seal(
        _ items: [(AuditEntry, AuditContext)],
        at: Date,
        after head: Head
    ) -> (links: [AuditLink], head: Head) {
        var head = head
        let millis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        var links: [AuditLink] = []
        links.reserveCapacity(items.count)
        for (e, context) in items {
            head.sequence += 1
            let link = AuditLink(
                sequence: head.sequence,
                atMillis: millis,
                organisationID: context.organisationID,
                actorID: context.actorID,
                action: e.action.rawValue,
                entity: e.entity,
                entityID: e.entityID,
                caseID: e.caseID,
                source: context.source,
                detail: e.detail,
                previousHash: head.hash,
                rowDigest: e.rowDigest
            ).sealed(key: context.key)
            head.hash = link.hash
            links.append(link)
        }
        return (links, head)
    }

    /// The most events one batch appends: one INSERT statement, which SQLite applies whole or not at all.
    public static let maxBatch = 2000

    /// Appends events that change nothing else, from several callers, together.
    ///
    /// On SQLite, with the head the caller last saw, this is a single INSERT: atomic on its own, so no
    /// transaction and no read of the head, one round trip instead of four. A head that is out of date
    /// (another process appended since) repeats a sequence number, which the primary key refuses;
    /// then the head is read and the INSERT made again in one transaction. PostgreSQL takes the usual
    /// transaction, since other processes may append too.
    /// - Returns: the new head, for the next batch.
    static func appendBatch(
        _ items: [(AuditEntry, AuditContext)],
        after known: Head?,
        on db: any Database,
        now: Date = Date()
    ) async throws -> Head {
        let head = try await appendBatchUnwitnessed(items, after: known, on: db, now: now)
        if !items.isEmpty { Witnessed(head: head, at: now).record(to: items[0].1.witness) }
        return head
    }

    private static func appendBatchUnwitnessed(
        _ items: [(AuditEntry, AuditContext)],
        after known: Head?,
        on db: any Database,
        now: Date
    ) async throws -> Head {
        precondition(items.count <= maxBatch)
        guard db is any SQLiteDatabase else {
            return try await serialised(on: db) { tx in try await append(items, at: now, on: tx) }
        }
        return try await WriteTransaction.sqliteAlone {
            if let known {
                do {
                    return try await append(items, at: now, after: known, on: db)
                } catch  where error.isUniqueViolation {
                    // Someone else appended since; fall through and read the head.
                }
            }
            return try await WriteTransaction.sqliteImmediate(db) { tx in try await append(items, at: now, on: tx) }
        }
    }

    /// A write transaction (see `WriteTransaction`), in this process's turn for audited writes
    /// (`AppendTurnConfiguration`): its body may run more than once.
    private static func serialised<T: Sendable>(
        on db: any Database,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await db.inAppendTurn { try await WriteTransaction.run(on: db, body) }
    }

    /// Multi-row INSERTs through SQLKit (12 columns × 2,000 rows stays under SQLite's bound-parameter
    /// limit); Fluent's per-model encoding costs more than the insert itself at import volumes.
    static let columns = [
        "seq", "at_ms", "organisation_id", "actor_id", "case_id", "action", "entity", "entity_id", "source", "detail",
        "previous_hash", "hash", "row_digest",
    ]

    static func insert(_ links: [AuditLink], on db: any Database) async throws {
        try await insertRows(links, on: db)
        if let last = links.last, db.isPostgres, let sql = db as? any SQLDatabase {
            try await sql.raw(
                "UPDATE \(ident: AuditHead.table) SET seq = \(bind: last.sequence), hash = \(bind: last.hash) WHERE id = 1"
            ).run()
        }
    }

    private static func insertRows(_ links: [AuditLink], on db: any Database) async throws {
        if let sqlite = db as? any SQLiteDatabase {
            let S = SQLiteBulkInsert.self
            let shared = SQLiteBulkInsert.UUIDTexts(
                links.first.map { [$0.organisationID, $0.actorID, $0.caseID] } ?? []
            )
            try await SQLiteBulkInsert.run(
                table: AuditEvent.schema,
                columns: columns,
                count: links.count,
                rowsPerStatement: 2000,
                on: sqlite
            ) { i, out in
                let l = links[i]
                out.append(contentsOf: [
                    .integer(Int(l.sequence)), .integer(Int(l.atMillis)), shared(l.organisationID), shared(l.actorID),
                    shared(l.caseID),
                    .text(l.action), .text(l.entity), S.text(l.entityID), S.text(l.source), S.text(l.detail),
                    .text(l.previousHash), .text(l.hash),
                    S.text(l.rowDigest),
                ])
            }
            return
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let b = FastBinds(sql)
        for start in stride(from: 0, to: links.count, by: 2000) {
            var insert = sql.insert(into: AuditEvent.schema).columns(columns)
            for l in links[start..<min(start + 2000, links.count)] {
                insert = insert.values(
                    SQLBind(l.sequence),
                    SQLBind(l.atMillis),
                    b.uuid(l.organisationID),
                    b.uuid(l.actorID),
                    b.uuid(l.caseID),
                    SQLBind(l.action),
                    SQLBind(l.entity),
                    b.text(l.entityID),
                    b.text(l.source),
                    b.text(l.detail),
                    SQLBind(l.previousHash),
                    SQLBind(l.hash),
                    b.text(l.rowDigest)
                )
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
    /// With witness logs, each link they recorded must be in the chain as they recorded it, and the
    /// chain must reach the newest (see `AuditWitnessLog`).
    /// Then every record sealed into the chain (communications, the case registers: people, consents,
    /// number sharing, and the phones' message slips and follow-ups) must be stored as its latest
    /// event sealed it (`RecordsChanged` names
    /// those that are not).
    public static func verify(
        on db: any Database,
        key: AuditKey,
        witnesses: [AuditWitnessLog] = [],
        pageSize: Int = 5000
    ) async throws -> Verification {
        var verifier = AuditChainVerifier(key: key)
        var after: Int64 = 0
        var sealed: [String: [UUID: String]] = [:]
        while true {
            let page = try await AuditEvent.query(on: db).filter(\.$id > after).sort(\.$id).limit(pageSize).all()
            for row in page {
                try verifier.check(row.link, witnesses: witnesses)
                if let digest = row.rowDigest, let id = row.entityID.flatMap(UUID.init(uuidString:)) {
                    sealed[row.entity, default: [:]][id] = digest
                }
            }
            guard let last = page.last?.id, page.count == pageSize else { break }
            after = last
        }
        try verifier.finish(witnesses: witnesses)
        try await checkRecords(sealed, on: db, pageSize: pageSize)
        return Verification(links: verifier.checked, head: verifier.head)
    }

    /// A sealed record that is not stored as it was sealed.
    public struct RecordFault: Sendable, Hashable, CustomStringConvertible {
        public var table: String
        public var id: UUID
        public var deleted: Bool
        public var description: String { "\(table) \(id.uuidText) was \(deleted ? "deleted" : "changed")" }
    }

    /// Records changed or deleted behind the application's back: each named by table and id.
    public struct RecordsChanged: Error, Sendable, CustomStringConvertible {
        public var faults: [RecordFault]
        public var description: String {
            let shown = faults.prefix(20).map(\.description).joined(separator: "; ")
            return
                "\(faults.count) record\(faults.count == 1 ? "" : "s") no longer as the audit trail sealed \(faults.count == 1 ? "it" : "them"): \(shown)"
                + (faults.count > 20 ? "; and \(faults.count - 20) more" : "")
        }
    }

    /// Reads every sealed table once, in id order, and compares each row with its seal. Rows written
    /// before rows were sealed have none and are not judged.
    static func checkRecords(_ sealed: [String: [UUID: String]], on db: any Database, pageSize: Int) async throws {
        var faults = try await checkCommunications(sealed["communication"] ?? [:], on: db, pageSize: pageSize)
        faults += try await checkTable(CasePerson.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(Consent.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(NumberSharing.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(MessageSlipRecord.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(FollowUpRecord.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(CaseFactChange.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(PolicyAcknowledgement.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(PhoneAgreement.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(PhoneHandIn.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(DeviceHolding.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(DeviceAuthorisation.self, sealed, on: db, pageSize: pageSize)
        faults += try await checkTable(DevicePersonalUse.self, sealed, on: db, pageSize: pageSize)
        guard faults.isEmpty else {
            throw RecordsChanged(faults: faults.sorted { ($0.table, $0.id.uuidText) < ($1.table, $1.id.uuidText) })
        }
    }

    /// One case register's table, through its model, in id order.
    private static func checkTable<Row: SealedRow>(
        _ type: Row.Type,
        _ sealed: [String: [UUID: String]],
        on db: any Database,
        pageSize: Int
    ) async throws -> [RecordFault] {
        let digests = sealed[Row.auditEntity] ?? [:]
        var faults: [RecordFault] = [], seen = Set<UUID>(), after: UUID?
        while true {
            var q = Row.query(on: db).sort(\._$id).limit(pageSize)
            if let after { q = q.filter(\._$id > after) }
            let page = try await q.all()
            for row in page {
                guard let id = row.id else { continue }
                seen.insert(id)
                if let digest = digests[id], digest != row.digest {
                    faults.append(RecordFault(table: Row.schema, id: id, deleted: false))
                }
            }
            guard let last = page.last?.id, page.count == pageSize else { break }
            after = last
        }
        for id in digests.keys where !seen.contains(id) {
            faults.append(RecordFault(table: Row.schema, id: id, deleted: true))
        }
        return faults
    }

    /// The communications table, read as plain rows (a million Fluent models cost too much).
    private static func checkCommunications(
        _ sealed: [UUID: String],
        on db: any Database,
        pageSize: Int
    ) async throws -> [RecordFault] {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        var faults: [RecordFault] = [], seen = Set<UUID>(), after: UUID?
        while true {
            let page: [CommunicationRow]
            if let after {
                let bound: any SQLExpression = db.isPostgres ? SQLBind(after) : SQLBind(after.uuidText)
                page = try await sql.raw(
                    "SELECT * FROM \(ident: CommunicationRow.table) WHERE id > \(bound) ORDER BY id LIMIT \(unsafeRaw: String(pageSize))"
                ).all()
                    .map(CommunicationRow.decode)
            } else {
                page = try await sql.raw(
                    "SELECT * FROM \(ident: CommunicationRow.table) ORDER BY id LIMIT \(unsafeRaw: String(pageSize))"
                ).all().map(CommunicationRow.decode)
            }
            for row in page {
                seen.insert(row.id)
                if let digest = sealed[row.id], digest != row.digest {
                    faults.append(RecordFault(table: CommunicationRow.table, id: row.id, deleted: false))
                }
            }
            guard let last = page.last?.id, page.count == pageSize else { break }
            after = last
        }
        for id in sealed.keys where !seen.contains(id) {
            faults.append(RecordFault(table: CommunicationRow.table, id: id, deleted: true))
        }
        return faults
    }
}
