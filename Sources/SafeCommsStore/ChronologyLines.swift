import FluentKit
import FluentSQLiteDriver
import Foundation
import PostgresNIO
import SQLKit
import SafeCommsCore

/// What a chronology page shows of one record, and nothing more. The page is the screen staff open
/// most; reading only the columns it shows, and opening only the sealed text it shows (the name or the
/// role, the transcript or the summary, never the address), costs a page a good deal less than whole
/// records (see docs/benchmarks.md), and keeps personal data the page does not show sealed.
public struct ChronologyLine: Sendable, Equatable {
    public var id: UUID
    public var occurredAt: Date
    public var recordedAt: Date
    public var channel: String
    public var direction: String
    /// The counterpart's name, or their role when no name was recorded.
    public var counterpart: String?
    /// The transcript, or the summary when there is no transcript.
    public var said: String?
    public var outOfHours: Bool
    public var significant: Bool
    /// This record corrects an earlier one.
    public var isCorrection: Bool
    /// A later record corrects this one.
    public var superseded: Bool
    /// The name of who recorded it.
    public var recordedBy: String?
    /// For a message sent from SafeComms, what GOV.UK Notify says became of it.
    public var delivery: String? = nil
}

/// One page of a chronology as the page shows it, newest first.
public struct ChronologyLines: Sendable {
    public var lines: [ChronologyLine]
    public var page: Int
    public var per: Int
    public var hasMore: Bool
    /// The agreements in force that the case page shows above the records, each with the reason
    /// agreed (PD-1.6, PD-12.b and the rest): what was agreed, for which channel.
    public var agreements: [Agreement] = []
    /// Who the case is with and who holds it, for the case page (read with the page).
    public var summary = CaseSummary()
}

/// A consent the chronology shows: what was agreed, for which channel, why and since when.
public struct Agreement: Sendable, Equatable {
    public var kind: ConsentKind
    public var channel: String?
    public var reason: String
    public var givenOn: String
    public var endsOn: String?

    /// Given on or before `day` and not ended before it (days as `yyyy-MM-dd`).
    func inForce(on day: String) -> Bool { givenOn <= day && (endsOn.map { day <= $0 } ?? true) }
}

extension CommunicationRepository {
    /// One page of a case's chronology as the chronology page shows it (see `ChronologyLine`), in the
    /// order and with the filters of `chronology`.
    public static func chronologyLines(
        caseID: UUID,
        organisationID: UUID,
        filter: ChronologyFilter,
        page: Int,
        per: Int,
        on db: any Database
    ) async throws -> ChronologyLines {
        let per = min(max(per, 1), maxPageSize)
        let page = min(max(page, 1), maxPage)
        if let sqlite = db as? any SQLiteDatabase {
            let (sql, binds) = sqliteLines(
                caseID: caseID,
                organisationID: organisationID,
                filter: filter,
                page: page,
                per: per
            )
            let rows = try await sqlite.query(sql, binds)
            var lines: [ChronologyLine] = []
            lines.reserveCapacity(min(rows.count, per))
            for row in rows.prefix(per) { lines.append(try line(sqlite: row)) }
            return ChronologyLines(lines: lines, page: page, per: per, hasMore: rows.count > per)
        }
        var query = PostgresSQL(
            "SELECT \(lineColumns) FROM communications AS c LEFT JOIN staff AS s ON s.id = c.staff_id WHERE true"
        )
        try query.append(" AND c.case_id = $n", caseID)
        try query.append(" AND c.organisation_id = $n", organisationID)
        if let c = filter.channel { try query.append(" AND c.channel = $n", c.rawValue) }
        if let d = filter.direction { try query.append(" AND c.direction = $n", d.rawValue) }
        if let o = filter.outOfHours { try query.append(" AND c.out_of_hours = $n", o) }
        if let s = filter.significant { try query.append(" AND c.significant = $n", s) }
        if let id = filter.personID { try query.append(" AND c.person_id = $n", id) }
        if let f = filter.from { try query.append(" AND c.occurred_at >= $n", f) }
        if let t = filter.to { try query.append(" AND c.occurred_at < $n", t) }
        query.text += pageClause(page: page, per: per)
        guard let rows = try await PostgresRows.all(query.query, on: db) else { throw SQLRequired() }
        let lines = try rows.prefix(per).map(line(postgres:))
        return ChronologyLines(lines: lines, page: page, per: per, hasMore: rows.count > per)
    }

    /// The case with this id and one page of its chronology, for someone who may read it (the case as
    /// `VisibleCases.one` gives it, and its lines as `chronologyLines`). With SQLite's reader both are
    /// read in one hop to its thread.
    public static func chronologyPage(
        caseID: UUID,
        for p: Principal,
        filter: ChronologyFilter = ChronologyFilter(),
        page: Int,
        per: Int,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> (CaseFile, ChronologyLines) {
        let today = OfficeHours.standard.localDay(of: Date()).description
        guard let reader else {
            let c = try await VisibleCases.one(caseID, .read, for: p, on: db)
            var lines = try await chronologyLines(
                caseID: caseID,
                organisationID: p.organisationID,
                filter: filter,
                page: page,
                per: per,
                on: db
            )
            lines.summary = try await CaseSummary.read(c, on: db)
            lines.agreements = try await agreements(caseID: caseID, organisationID: p.organisationID, on: db)
                .filter { $0.inForce(on: today) }
            return (c, lines)
        }
        let per = min(max(per, 1), maxPageSize)
        let page = min(max(page, 1), maxPage)
        return try await reader.read { connection in
            let found = try CaseFile.find(caseID, organisationID: p.organisationID, in: connection)
            let c = try VisibleCases.allowed(found, caseID, .read, for: p)
            let (sql, binds) = sqliteLines(
                caseID: caseID,
                organisationID: p.organisationID,
                filter: filter,
                page: page,
                per: per
            )
            var lines: [ChronologyLine] = []
            lines.reserveCapacity(per)
            var more = false
            try connection.each(sql, binds) { row in
                if lines.count == per { more = true } else { lines.append(try line(sqlite: row)) }
            }
            var agreements: [Agreement] = []
            try connection.each(agreementsSQL, [.text(caseID.uuidText), .text(p.organisationID.uuidText)]) { row in
                if let a = try agreement(row), a.inForce(on: today) { agreements.append(a) }
            }
            return (
                c,
                ChronologyLines(
                    lines: lines,
                    page: page,
                    per: per,
                    hasMore: more,
                    agreements: agreements,
                    summary: try CaseSummary.read(c, in: connection)
                )
            )
        }
    }

    /// The agreements the page shows: not withdrawn; whether in force today is decided on the dates read.
    private static let agreementsSQL = """
        SELECT kind, channel, reason, given_on, ends_on FROM consents \
        WHERE case_id = ?1 AND organisation_id = ?2 AND withdrawn_on IS NULL ORDER BY given_on
        """

    /// The case's agreements not withdrawn (`agreementsSQL`), without the reader.
    private static func agreements(
        caseID: UUID,
        organisationID: UUID,
        on db: any Database
    ) async throws
        -> [Agreement]
    {
        if let sqlite = db as? any SQLiteDatabase {
            return try await sqlite.query(agreementsSQL, [.text(caseID.uuidText), .text(organisationID.uuidText)])
                .compactMap(agreement)
        }
        var binds = PostgresBindings()
        binds.append(caseID)
        binds.append(organisationID)
        let query = PostgresQuery(unsafeSQL: agreementsSQL.replacingOccurrences(of: "?", with: "$"), binds: binds)
        guard let rows = try await PostgresRows.all(query, on: db) else { throw SQLRequired() }
        return try rows.compactMap { row in
            let (kind, channel, reason, givenOn, endsOn) = try row.decode(
                (String, String?, String, String, String?).self
            )
            return ConsentKind(rawValue: kind).map {
                Agreement(kind: $0, channel: channel, reason: DataKeys.open(reason), givenOn: givenOn, endsOn: endsOn)
            }
        }
    }

    /// One row of `agreementsSQL`, from SQLite.
    private static func agreement(_ row: some StoredRow) throws -> Agreement? {
        guard let kind = ConsentKind(rawValue: try row.text("kind")) else { return nil }
        return Agreement(
            kind: kind,
            channel: row.optionalText("channel"),
            reason: DataKeys.open(try row.text("reason")),
            givenOn: try row.text("given_on"),
            endsOn: row.optionalText("ends_on")
        )
    }

    private static func sqliteLines(
        caseID: UUID,
        organisationID: UUID,
        filter: ChronologyFilter,
        page: Int,
        per: Int
    ) -> (String, [SQLiteData]) {
        let (sql, binds) = sqliteSelect(
            columns: lineColumns,
            caseID: caseID,
            organisationID: organisationID,
            filter: filter
        )
        return (sql + pageClause(page: page, per: per), binds)
    }

    /// The columns a line needs; the alternatives are chosen in SQL so that only one is read and opened.
    private static let lineColumns = """
        c.id, c.occurred_at, c.recorded_at, c.channel, c.direction, c.out_of_hours, c.significant, \
        c.counterpart_name, CASE WHEN c.counterpart_name IS NULL THEN c.counterpart_role END AS counterpart_role, \
        COALESCE(c.transcript, c.summary) AS said, c.corrects_id IS NOT NULL AS is_correction, \
        EXISTS (SELECT 1 FROM communications AS later WHERE later.corrects_id = c.id) AS superseded, \
        s.name AS recorded_by, \
        CASE WHEN c.source = 'sent' THEN (SELECT m.status FROM outgoing_messages AS m WHERE m.record_id = c.id) END \
        AS delivery
        """

    private static func line(sqlite row: some StoredRow) throws -> ChronologyLine {
        ChronologyLine(
            id: try row.id("id"),
            occurredAt: try row.time("occurred_at"),
            recordedAt: try row.time("recorded_at"),
            channel: try row.text("channel"),
            direction: try row.text("direction"),
            counterpart: DataKeys.open(row.optionalText("counterpart_name")) ?? row.optionalText("counterpart_role"),
            said: DataKeys.open(row.optionalText("said")),
            outOfHours: try row.flag("out_of_hours"),
            significant: try row.flag("significant"),
            isCorrection: try row.flag("is_correction"),
            superseded: try row.flag("superseded"),
            recordedBy: row.optionalText("recorded_by"),
            delivery: row.optionalText("delivery")
        )
    }

    private static func line(postgres row: PostgresRow) throws -> ChronologyLine {
        // In `lineColumns`' order.
        let (
            id, occurredAt, recordedAt, channel, direction, outOfHours, significant, name, role, said, isCorrection,
            superseded, recordedBy, delivery
        ) = try row.decode(
            (UUID, Date, Date, String, String, Bool, Bool, String?, String?, String?, Bool, Bool, String?, String?).self
        )
        return ChronologyLine(
            id: id,
            occurredAt: occurredAt,
            recordedAt: recordedAt,
            channel: channel,
            direction: direction,
            counterpart: DataKeys.open(name) ?? role,
            said: DataKeys.open(said),
            outOfHours: outOfHours,
            significant: significant,
            isCorrection: isCorrection,
            superseded: superseded,
            recordedBy: recordedBy,
            delivery: delivery
        )
    }
}
