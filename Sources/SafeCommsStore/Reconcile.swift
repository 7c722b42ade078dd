import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore
import SafeCommsImport

/// The unrecorded-contact report (PD-1.1, PD-1.8, PD-1.2): every call and text in a carrier's itemised
/// bill with a number that is one of the organisation's case contacts, and no communication record on
/// that case of the same kind within `window` of it. Out-of-hours ones are marked; for the contact that
/// was recorded, how long after it happened it was recorded.
public enum Reconcile {
    public typealias Report = BillReconciliation.Report
    public typealias Unrecorded = BillReconciliation.Unrecorded
    public typealias Lateness = BillReconciliation.Lateness

    /// A window written as `30m`, `2h` or `90s` (minutes when no unit is given); nil when it is not one.
    public static func window(parsing text: String) -> TimeInterval? { BillReconciliation.window(parsing: text) }

    public struct Request: Sendable {
        public var reader: LineReader
        public var map: CarrierCallLog.ColumnMap?
        public var organisationID: UUID
        public var window: TimeInterval

        public init(
            reader: LineReader,
            map: CarrierCallLog.ColumnMap?,
            organisationID: UUID,
            window: TimeInterval = 30 * 60
        ) {
            self.reader = reader
            self.map = map
            self.organisationID = organisationID
            self.window = window
        }
    }

    /// Collects rows handed over one at a time by the database driver: each case's timelines in
    /// arrays, at the case's slot.
    final class Collector: @unchecked Sendable {
        var caseIDs: [UUID] = []
        var calls: [BillReconciliation.Timeline] = [], texts: [BillReconciliation.Timeline] = []
        var failure: (any Error)?
        /// Slots by the case id as SQLite gives it (text), so a row costs one look-up and no UUID is
        /// parsed (Foundation parses one with sscanf) or hashed per row.
        private var slots: [String: Int] = [:]
        /// The same slots by id: one case written two ways (upper and lower case) is one slot.
        private(set) var byID: [UUID: Int] = [:]

        func slot(_ text: String) -> Int? {
            if let known = slots[text] { return known }
            guard let id = UUID(uuidString: text) else { return nil }
            let found = slot(id)
            slots[text] = found
            return found
        }

        func slot(_ id: UUID) -> Int {
            if let known = byID[id] { return known }
            byID[id] = caseIDs.count
            caseIDs.append(id)
            calls.append(.init())
            texts.append(.init())
            return caseIDs.count - 1
        }

        func add(_ slot: Int, isCall: Bool, _ occurred: Double, _ recorded: Double) {
            if isCall { calls[slot].append(occurred, recorded) } else { texts[slot].append(occurred, recorded) }
        }

        /// Takes in what another collector read (the other half of a scan).
        func merge(_ other: Collector) {
            failure = failure ?? other.failure
            for (i, id) in other.caseIDs.enumerated() {
                let mine = slot(id)
                calls[mine].occurred += other.calls[i].occurred
                calls[mine].recorded += other.calls[i].recorded
                texts[mine].occurred += other.texts[i].occurred
                texts[mine].recorded += other.texts[i].recorded
            }
        }
    }

    /// - Parameter splitScanAt: on SQLite, a records table spanning at least this many rowids is read
    ///   in two halves at once (tests lower it to read a small table that way).
    public static func run(_ r: Request, on db: any Database, splitScanAt: Int = 100_000) async throws -> Report {
        guard let sql = db as? any SQLDatabase else {
            throw ImportError(line: 0, reason: "the store is not an SQL database")
        }
        let settings = try await Organisation.find(r.organisationID, on: db)?.settings ?? .standard

        // Case contacts: each number and the cases it belongs to.
        let people = try await db.scoped(to: r.organisationID).query(CasePerson.self).filter(
            \.$sealedPhone != nil
        ).all()
        let cases = try await db.scoped(to: r.organisationID).query(CaseFile.self).all()
        let references = Dictionary(uniqueKeysWithValues: cases.compactMap { c in c.id.map { ($0, c.reference) } })
        let casesByNumber = BillReconciliation.caseNumbers(people.compactMap { p in p.phone.map { (p.caseID, $0) } })

        // The bill is read on another core while the database is scanned on this one: each takes about
        // as long as the other. Only rows with a case contact are kept (compact: short strings inline).
        let reader = r.reader, map = r.map, numbers = casesByNumber
        let bill = Task.detached { try BillReconciliation.Bill.read(reader, map: map, caseNumbers: numbers) }

        // The records of calls and texts, streamed: four columns a row.
        let calls = [Channel.phoneCall.rawValue, Channel.videoCall.rawValue, Channel.voicemail.rawValue]
        let texts = [Channel.sms.rawValue]
        let collector = Collector()
        if let sqlite = db as? any SQLiteDatabase {
            // SQLite: the values straight from the driver (ids as text, dates as seconds), without a
            // Codable decode per value, which was a third of a million-row reconciliation.
            // A covering index for this scan made it a quarter faster but cost a third of the insert
            // insert rate (5.3 s for 100,000 records, was 3.2 s), so the scan reads the table.
            let channels = (calls + texts).map { "'\($0)'" }.joined(separator: ", ")
            // Whether a record is a text comes back as a number: no string made and compared per row.
            let query = """
                SELECT case_id, channel = '\(Channel.sms.rawValue)' AS is_text, occurred_at, recorded_at FROM \(CommunicationRecord.schema) \
                WHERE organisation_id = ? AND channel IN (\(channels))
                """
            let binds: [SQLiteData] = [.text(r.organisationID.uuidText)]
            // On the connection itself: its async query hands each row over as it is read, where the
            // database's queues a future per row (a million rows held at once).
            try await sqlite.withConnection { connection in
                // The scan reads the whole table once: through the connection's memory map every page
                // it touches would stay resident (a gigabyte for a million records); read it instead.
                _ = try await connection.query("PRAGMA mmap_size = 0", [])
                do {
                    try await scanInHalves(connection)
                } catch {
                    _ = try? await connection.query("PRAGMA mmap_size = \(SQLiteTuning.mmapBytes)", [])
                    throw error
                }
                _ = try await connection.query("PRAGMA mmap_size = \(SQLiteTuning.mmapBytes)", [])
            }
            // A large table is scanned in two halves by rowid, the second on a connection of its own, so
            // both cores read records (the scan took three times as long as reading the bill).
            @Sendable func scanInHalves(_ connection: SQLiteConnection) async throws {
                let files = try await connection.query("PRAGMA database_list", [])
                let bounds = try await connection.query(
                    "SELECT min(rowid) AS lo, max(rowid) AS hi FROM \(CommunicationRecord.schema)",
                    []
                ).first
                guard let path = files.first(where: { $0.column("name")?.string == "main" })?.column("file")?.string,
                    !path.isEmpty,
                    let lo = bounds?.column("lo")?.integer, let hi = bounds?.column("hi")?.integer, hi > lo,
                    hi - lo >= splitScanAt
                else {
                    return try await scan(connection, collector)
                }
                let side = try await SQLiteConnection.open(
                    storage: .file(path: path),
                    threadPool: .singleton,
                    logger: connection.logger,
                    on: connection.eventLoop
                )
                let other = Collector()
                do {
                    let mid = lo + (hi - lo) / 2
                    async let first: Void = scan(connection, collector, rowids: lo...mid)
                    async let second: Void = scan(side, other, rowids: (mid + 1)...hi)
                    try await first
                    try await second
                } catch {
                    try? await side.close()
                    throw error
                }
                try await side.close()
                collector.merge(other)
            }
            @Sendable func scan(
                _ connection: SQLiteConnection,
                _ collector: Collector,
                rowids: ClosedRange<Int>? = nil
            ) async throws {
                let range = rowids.map { [SQLiteData.integer($0.lowerBound), .integer($0.upperBound)] } ?? []
                try await connection.query(rowids == nil ? query : query + " AND rowid BETWEEN ? AND ?", binds + range)
                { row in
                    guard let caseText = row.column("case_id")?.string, let slot = collector.slot(caseText),
                        let isText = row.column("is_text")?.integer,
                        let occurred = row.column("occurred_at")?.double,
                        let recorded = row.column("recorded_at")?.double
                    else {
                        collector.failure = ImportError(line: 0, reason: "a communication record could not be read")
                        return
                    }
                    collector.add(slot, isCall: isText == 0, occurred, recorded)
                }
            }
        } else {
            try await sql.select().column("case_id").column("channel").column("occurred_at").column("recorded_at")
                .from(CommunicationRecord.schema)
                .where("organisation_id", .equal, r.organisationID)
                .where("channel", .in, calls + texts)
                .run { row in
                    do {
                        collector.add(
                            collector.slot(try row.decode(column: "case_id", as: UUID.self)),
                            isCall: calls.contains(try row.decode(column: "channel", as: String.self)),
                            try row.decode(column: "occurred_at", as: Date.self).timeIntervalSince1970,
                            try row.decode(column: "recorded_at", as: Date.self).timeIntervalSince1970
                        )
                    } catch {
                        collector.failure = error
                    }
                }
        }
        if let failure = collector.failure { throw failure }
        // Each case's timelines in an array, looked up by position rather than hashing a UUID a row.
        let slots = collector.byID
        let callLines = collector.calls.map { $0.sorted() }, textLines = collector.texts.map { $0.sorted() }
        (collector.calls, collector.texts) = ([], [])

        // Every row of the bill against them.
        return BillReconciliation.compare(
            try await bill.value,
            caseNumbers: casesByNumber,
            calls: callLines,
            texts: textLines,
            slots: slots,
            references: references,
            settings: settings,
            window: r.window
        )
    }
}
