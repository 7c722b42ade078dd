import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// Filters a chronology can be narrowed by.
public struct ChronologyFilter: Sendable, Equatable {
    public var channel: Channel?
    public var direction: Direction?
    public var outOfHours: Bool?
    public var significant: Bool?
    /// Contact with this person of the case.
    public var personID: UUID?
    /// Contact that happened at or after this instant.
    public var from: Date?
    /// Contact that happened before this instant.
    public var to: Date?

    public init(
        channel: Channel? = nil,
        direction: Direction? = nil,
        outOfHours: Bool? = nil,
        significant: Bool? = nil,
        personID: UUID? = nil,
        from: Date? = nil,
        to: Date? = nil
    ) {
        self.channel = channel
        self.direction = direction
        self.outOfHours = outOfHours
        self.significant = significant
        self.personID = personID
        self.from = from
        self.to = to
    }
}

/// One page of a chronology, newest first.
public struct ChronologyPage: Sendable {
    public var records: [CommunicationRow]
    /// Ids of records on this page that a later record corrects.
    public var superseded: Set<UUID>
    /// The names of the staff who made the records on this page.
    public var staffNames: [UUID: String]
    public var page: Int
    public var per: Int
    public var hasMore: Bool
}

/// Reads and writes the communication record. Records are only ever added.
public enum CommunicationRepository {
    public static let maxPageSize = 200
    /// Deeper than this nobody pages; it also keeps the offset arithmetic far from overflow.
    public static let maxPage = 100_000

    /// Builds a record from a validated draft, computing out-of-hours from the organisation's settings.
    public static func makeRecord(
        _ draft: CommunicationDraft,
        organisationID: UUID,
        caseID: UUID,
        staffID: UUID,
        deviceID: UUID?,
        personID: UUID?,
        settings: OrganisationSettings,
        recordedAt: Date,
        source: String,
        correctsID: UUID? = nil,
        naturalKey: String? = nil
    ) -> CommunicationRow {
        CommunicationRow(
            id: UUID.timeOrdered(at: recordedAt),
            organisationID: organisationID,
            caseID: caseID,
            staffID: staffID,
            deviceID: deviceID,
            personID: personID,
            correctsID: correctsID,
            channel: draft.channel.rawValue,
            direction: draft.direction.rawValue,
            counterpartName: draft.counterpartName,
            counterpartRole: draft.counterpartRole?.rawValue,
            counterpartAddress: draft.counterpartAddress,
            occurredAt: draft.occurredAt,
            recordedAt: recordedAt,
            durationSeconds: draft.durationSeconds,
            transcript: draft.transcript,
            summary: draft.summary,
            outOfHours: settings.officeHours.isOutOfHours(draft.occurredAt),
            significant: draft.significant,
            source: source,
            naturalKey: naturalKey
        )
    }

    /// Stores records and one audit event each, all in one transaction: either every record of the
    /// batch is kept with its audit event, or none is.
    /// A correction whose record has been corrected already is refused, inside the transaction, so
    /// that of two corrections made at once the second is told (`AlreadyCorrected`).
    /// - Parameter flags: what the scan of the records found, for the review queue, written with them.
    public static func insert(
        _ records: [CommunicationRow],
        action: AuditAction = .communicationRecorded,
        flags: [ReviewItem] = [],
        _ context: AuditContext,
        on db: any Database
    ) async throws {
        let entries = auditEntries(for: records, action: action) + ReviewQueue.flagEntries(flags)
        let corrected = records.compactMap(\.correctsID)
        try await AuditLog.transaction(on: db, context) { tx in
            if !corrected.isEmpty,
                let later = try await CommunicationRecord.query(on: tx).filter(\.$correctsID ~~ corrected).first()
            {
                throw AlreadyCorrected(by: try later.requireID())
            }
            try await createRows(records, on: tx)
            try await ReviewItem.insert(flags, on: tx)
            return ((), entries)
        }
    }

    /// The record named was corrected already, by `by`: only the latest version may be corrected.
    public struct AlreadyCorrected: Error {
        public var by: UUID
    }

    /// The audit events for stored records: ids only, never content.
    public static func auditEntries(for records: [CommunicationRow], action: AuditAction) -> [AuditEntry] {
        records.map {
            AuditEntry(
                action: action,
                entity: "communication",
                entityID: $0.id.uuidText,
                caseID: $0.caseID,
                detail: $0.correctsID.map { "corrects \($0.uuidText)" },
                rowDigest: $0.digest
            )
        }
    }

    /// Multi-row inserts inside the caller's audited transaction.
    public static func createRows(_ records: [CommunicationRow], on tx: any Database) async throws {
        try await CommunicationRow.insert(records, on: tx)
    }

    /// One page of a case's chronology, newest first (by when the contact happened).
    public static func chronology(
        caseID: UUID,
        organisationID: UUID,
        filter: ChronologyFilter,
        page: Int,
        per: Int,
        on db: any Database
    ) async throws -> ChronologyPage {
        let per = min(max(per, 1), maxPageSize)
        let page = min(max(page, 1), maxPage)
        if let sqlite = db as? any SQLiteDatabase {
            return try await sqliteChronology(
                caseID: caseID,
                organisationID: organisationID,
                filter: filter,
                page: page,
                per: per,
                on: sqlite
            )
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let table = CommunicationRecord.schema
        // Whether a later record corrects each one, in the same query (a second one cost a round trip).
        // The name of who recorded each one, in the same query too.
        var q = sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(table)))
            .column(
                SQLRaw(
                    "EXISTS (SELECT 1 FROM \"\(table)\" AS later WHERE later.corrects_id = \"\(table)\".id) AS superseded"
                )
            )
            .column(SQLColumn("name", table: StaffMember.schema), as: "staff_name")
            .from(table)
            .join(
                StaffMember.schema,
                method: SQLJoinMethod.left,
                on: SQLColumn("staff_id", table: table),
                .equal,
                SQLColumn("id", table: StaffMember.schema)
            )
            .where(SQLColumn("case_id", table: table), .equal, SQLBind(caseID))
            .where(SQLColumn("organisation_id", table: table), .equal, SQLBind(organisationID))
        if let c = filter.channel { q = q.where(SQLColumn("channel", table: table), .equal, SQLBind(c.rawValue)) }
        if let d = filter.direction { q = q.where(SQLColumn("direction", table: table), .equal, SQLBind(d.rawValue)) }
        if let o = filter.outOfHours { q = q.where(SQLColumn("out_of_hours", table: table), .equal, SQLBind(o)) }
        if let s = filter.significant { q = q.where(SQLColumn("significant", table: table), .equal, SQLBind(s)) }
        if let id = filter.personID { q = q.where(SQLColumn("person_id", table: table), .equal, SQLBind(id)) }
        if let f = filter.from { q = q.where(SQLColumn("occurred_at", table: table), .greaterThanOrEqual, SQLBind(f)) }
        if let t = filter.to { q = q.where(SQLColumn("occurred_at", table: table), .lessThan, SQLBind(t)) }
        // One row more than the page says whether another page follows.
        let rows = try await q.orderBy(SQLColumn("occurred_at", table: table), SQLDirection.descending).orderBy(
            SQLColumn("id", table: table),
            SQLDirection.descending
        )
        .limit(per + 1).offset((page - 1) * per).all()
        let records = try rows.prefix(per).map(CommunicationRow.decode)
        var superseded: Set<UUID> = [], names: [UUID: String] = [:]
        for (row, record) in zip(rows, records) {
            if try row.decode(column: "superseded", as: Bool.self) { superseded.insert(record.id) }
            if names[record.staffID] == nil, let name = try row.decode(column: "staff_name", as: String?.self) {
                names[record.staffID] = name
            }
        }
        return ChronologyPage(
            records: records,
            superseded: superseded,
            staffNames: names,
            page: page,
            per: per,
            hasMore: rows.count > per
        )
    }

    /// The same page read from SQLite's own rows (see `CommunicationRow.decode(sqlite:)`).
    private static func sqliteChronology(
        caseID: UUID,
        organisationID: UUID,
        filter: ChronologyFilter,
        page: Int,
        per: Int,
        on db: any SQLiteDatabase
    ) async throws -> ChronologyPage {
        var (sql, binds) = sqliteSelect(
            columns:
                "c.*, EXISTS (SELECT 1 FROM communications AS later WHERE later.corrects_id = c.id) AS superseded, s.name AS staff_name",
            caseID: caseID,
            organisationID: organisationID,
            filter: filter
        )
        sql += pageClause(page: page, per: per)
        let rows = try await db.query(sql, binds)
        var records: [CommunicationRow] = [], superseded: Set<UUID> = [], names: [UUID: String] = [:]
        records.reserveCapacity(min(rows.count, per))
        for row in rows.prefix(per) {
            let record = try CommunicationRow.decode(sqlite: row)
            records.append(record)
            if row.column("superseded")?.bool == true { superseded.insert(record.id) }
            if names[record.staffID] == nil, let name = row.column("staff_name")?.string {
                names[record.staffID] = name
            }
        }
        return ChronologyPage(
            records: records,
            superseded: superseded,
            staffNames: names,
            page: page,
            per: per,
            hasMore: rows.count > per
        )
    }

    /// A chronology query on SQLite: `columns` of a case's records (`c`, with who recorded each as `s`),
    /// narrowed by the filters, without its order and page.
    static func sqliteSelect(
        columns: String,
        caseID: UUID,
        organisationID: UUID,
        filter: ChronologyFilter
    ) -> (String, [SQLiteData]) {
        var sql = """
            SELECT \(columns) FROM communications AS c LEFT JOIN staff AS s ON s.id = c.staff_id \
            WHERE c.case_id = ? AND c.organisation_id = ?
            """
        var binds: [SQLiteData] = [.text(caseID.uuidText), .text(organisationID.uuidText)]
        if let c = filter.channel {
            sql += " AND c.channel = ?"
            binds.append(.text(c.rawValue))
        }
        if let d = filter.direction {
            sql += " AND c.direction = ?"
            binds.append(.text(d.rawValue))
        }
        if let o = filter.outOfHours {
            sql += " AND c.out_of_hours = ?"
            binds.append(.integer(o ? 1 : 0))
        }
        if let s = filter.significant {
            sql += " AND c.significant = ?"
            binds.append(.integer(s ? 1 : 0))
        }
        if let id = filter.personID {
            sql += " AND c.person_id = ?"
            binds.append(.text(id.uuidText))
        }
        if let f = filter.from {
            sql += " AND c.occurred_at >= ?"
            binds.append(.float(f.timeIntervalSince1970))
        }
        if let t = filter.to {
            sql += " AND c.occurred_at < ?"
            binds.append(.float(t.timeIntervalSince1970))
        }
        return (sql, binds)
    }

    /// Newest first, and one row more than the page says whether another page follows. The limit and
    /// offset are written into the statement (both are clamped numbers): SQLite plans LIMIT and OFFSET
    /// from a bound value, so binding them made it prepare the statement a second time on every page.
    static func pageClause(page: Int, per: Int) -> String {
        " ORDER BY c.occurred_at DESC, c.id DESC LIMIT \(per + 1) OFFSET \((page - 1) * per)"
    }
}
