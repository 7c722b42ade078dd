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
    /// A window written as `30m`, `2h` or `90s` (minutes when no unit is given); nil when it is not one.
    public static func window(parsing text: String) -> TimeInterval? {
        let unit = text.last.map { "smh".contains($0) ? $0 : "m" } ?? "m"
        let digits = "smh".contains(text.last ?? " ") ? String(text.dropLast()) : text
        guard let n = Double(digits), n > 0, n.isFinite else { return nil }
        return n * (unit == "s" ? 1 : unit == "m" ? 60 : 3600)
    }

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

    public struct Unrecorded: Sendable, Encodable, Equatable {
        public var line: Int
        public var caseReferences: [String]
        public var number: String
        /// As written in the bill, no zone.
        public var at: String
        public var kind: String
        public var direction: String?
        public var durationSeconds: Int?
        /// PD-1.2.
        public var outOfHours: Bool

        enum CodingKeys: String, CodingKey {
            case line, number, at, kind, direction
            case caseReferences = "case_references", durationSeconds = "duration_seconds", outOfHours = "out_of_hours"
        }
    }

    public struct Lateness: Sendable, Encodable, Equatable {
        public var recorded: Int
        public var medianMinutes: Int
        public var p90Minutes: Int
        public var maxMinutes: Int
        /// Recorded more than a working day (24 hours) after the contact.
        public var overADay: Int

        enum CodingKeys: String, CodingKey {
            case recorded
            case medianMinutes = "median_minutes", p90Minutes = "p90_minutes", maxMinutes = "max_minutes", overADay =
                "over_a_day"
        }
    }

    public struct Report: Sendable, Encodable, Equatable {
        public var rows: Int
        /// Rows whose number is one of a case's contacts.
        public var caseContacts: Int
        public var recorded: Int
        public var unrecorded: [Unrecorded]
        public var lateness: Lateness?
        public var errors: [CaseImport.Report.Problem]

        enum CodingKeys: String, CodingKey {
            case rows, recorded, unrecorded, lateness, errors
            case caseContacts = "case_contacts"
        }
    }

    /// One kind of contact on one case: when each record says it happened, and when it was recorded,
    /// sorted by the first.
    struct Timeline {
        var occurred: [Double] = []
        var recorded: [Double] = []

        mutating func append(_ o: Double, _ r: Double) {
            occurred.append(o)
            recorded.append(r)
        }

        func sorted() -> Timeline {
            let order = occurred.indices.sorted { occurred[$0] < occurred[$1] }
            return Timeline(occurred: order.map { occurred[$0] }, recorded: order.map { recorded[$0] })
        }

        /// The index of the record nearest `t` within `window`, if any.
        func nearest(_ t: Double, window: Double) -> Int? {
            var lo = 0, hi = occurred.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if occurred[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            // The record just before `t` and the one at or after it; the nearer within the window.
            var best: Int?
            if lo > 0, abs(occurred[lo - 1] - t) <= window { best = lo - 1 }
            if lo < occurred.count, abs(occurred[lo] - t) <= window,
                best.map({ abs(occurred[lo] - t) < abs(occurred[$0] - t) }) ?? true
            {
                best = lo
            }
            return best
        }
    }

    /// A bill row with a case contact, held until the records are read: a million of them in 24 bytes
    /// each rather than the 130 of a parsed row.
    struct Contact {
        let packedTime: Int64
        let line: Int32
        /// Index into the bill's distinct numbers.
        let number: Int32
        let duration: Int32
        let flags: UInt8

        init(_ row: CarrierCallLog.Row, number: Int32) {
            let t = row.at
            packedTime = Int64(
                ((((t.year * 13 + t.month) * 32 + t.day) * 24 + t.hour) * 60 + t.minute) * 61 + (t.second ?? 60)
            )
            line = Int32(clamping: row.line)
            self.number = number
            duration = Int32(clamping: row.durationSeconds ?? -1)
            flags = (row.kind == .call ? 1 : 0) | (row.outgoing == true ? 2 : 0) | (row.outgoing == false ? 4 : 0)
        }

        /// What `init` packed.
        var row: (line: Int, at: LocalDateTime, kind: CarrierCallLog.Kind, outgoing: Bool?, duration: Int?) {
            var p = Int(packedTime)
            let second = p % 61
            p /= 61
            let minute = p % 60
            p /= 60
            let hour = p % 24
            p /= 24
            let day = p % 32
            p /= 32
            let at = LocalDateTime(
                year: p / 13,
                month: p % 13,
                day: day,
                hour: hour,
                minute: minute,
                second: second == 60 ? nil : second
            )
            return (
                Int(line), at, flags & 1 != 0 ? .call : .text, flags & 2 != 0 ? true : flags & 4 != 0 ? false : nil,
                duration < 0 ? nil : Int(duration)
            )
        }
    }

    /// Collects rows handed over one at a time by the database driver: each case's timelines in
    /// arrays, at the case's slot.
    final class Collector: @unchecked Sendable {
        var caseIDs: [UUID] = []
        var calls: [Timeline] = [], texts: [Timeline] = []
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
            calls.append(Timeline())
            texts.append(Timeline())
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
        let zone = settings.timeZone

        // Case contacts: each number and the cases it belongs to.
        let people = try await db.scoped(to: r.organisationID).query(CasePerson.self).filter(
            \.$sealedPhone != nil
        ).all()
        let cases = try await db.scoped(to: r.organisationID).query(CaseFile.self).all()
        let references = Dictionary(uniqueKeysWithValues: cases.compactMap { c in c.id.map { ($0, c.reference) } })
        var casesByNumber: [String: [UUID]] = [:]
        for p in people {
            guard let phone = p.phone, let e164 = try? PhoneNumber(parsing: phone, field: "phone").e164 else {
                continue
            }
            if !(casesByNumber[e164]?.contains(p.caseID) ?? false) { casesByNumber[e164, default: []].append(p.caseID) }
        }

        // The bill is read on another core while the database is scanned on this one: each takes about
        // as long as the other. Only rows with a case contact are kept (compact: short strings inline).
        let reader = r.reader, map = r.map, numbers = casesByNumber
        let bill = Task.detached {
            () throws -> (rows: Int, contacts: [Contact], numbers: [String], errors: [ImportError]) in
            var rows = 0
            var contacts: [Contact] = []
            // By the bill's number id: the number's place in `list` when it is a case contact, else -1.
            // An array rather than a look-up by the number's text, which cost more than reading the row.
            var place: [Int32] = [], seen: [String: Int32] = [:], list: [String] = []
            let errors = try CarrierCallLog.read(reader, map: map) { row in
                rows += 1
                if row.numberID == place.count {
                    // A number written a new way: the E.164 form may be one seen already.
                    if let number = row.e164, numbers[number] != nil {
                        let index = seen[number] ?? Int32(list.count)
                        if index == list.count {
                            seen[number] = index
                            list.append(number)
                        }
                        place.append(index)
                    } else {
                        place.append(-1)
                    }
                }
                let index = place[row.numberID]
                guard index >= 0 else { return }
                contacts.append(Contact(row, number: index))
            }
            return (rows, contacts, list, errors)
        }

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
        let billed = try await bill.value
        var report = Report(
            rows: billed.rows,
            caseContacts: billed.contacts.count,
            recorded: 0,
            unrecorded: [],
            lateness: nil,
            errors: []
        )
        var lateMinutes: [Int] = []
        lateMinutes.reserveCapacity(billed.contacts.count)
        let clock = ZoneClock(zone)
        let casesByIndex = billed.numbers.map { casesByNumber[$0] ?? [] }
        let slotsByIndex = casesByIndex.map { $0.compactMap { slots[$0] } }
        let referencesByIndex = casesByIndex.map { $0.compactMap { references[$0] }.sorted() }
        for contact in billed.contacts {
            let row = contact.row, number = billed.numbers[Int(contact.number)]
            let at = clock.instant(row.at)
            let t = at.timeIntervalSince1970
            var found: (occurred: Double, recorded: Double)?
            for slot in slotsByIndex[Int(contact.number)] {
                if row.kind == .call {
                    if let i = callLines[slot].nearest(t, window: r.window) {
                        found = (callLines[slot].occurred[i], callLines[slot].recorded[i])
                    }
                } else if let i = textLines[slot].nearest(t, window: r.window) {
                    found = (textLines[slot].occurred[i], textLines[slot].recorded[i])
                }
                if found != nil { break }
            }
            if let found {
                report.recorded += 1
                lateMinutes.append(max(0, Int((found.recorded - found.occurred) / 60)))
            } else {
                report.unrecorded.append(
                    Unrecorded(
                        line: row.line,
                        caseReferences: referencesByIndex[Int(contact.number)],
                        number: number,
                        at: row.at.description,
                        kind: row.kind.rawValue,
                        direction: row.outgoing.map { $0 ? "outgoing" : "incoming" },
                        durationSeconds: row.duration,
                        outOfHours: settings.officeHours.isOutOfHours(at)
                    )
                )
            }
        }
        let errors = billed.errors
        report.errors = errors.map { .init(line: $0.line, reason: $0.reason) }
        if !lateMinutes.isEmpty {
            lateMinutes.sort()
            report.lateness = Lateness(
                recorded: lateMinutes.count,
                medianMinutes: lateMinutes[lateMinutes.count / 2],
                p90Minutes: lateMinutes[lateMinutes.count * 9 / 10],
                maxMinutes: lateMinutes.last!,
                overADay: lateMinutes.filter { $0 > 24 * 60 }.count
            )
        }
        return report
    }
}
