import Foundation
import SafeCommsCore

/// The unrecorded-contact report's reasoning (PD-1.1, PD-1.8, PD-1.2), without the store: a carrier's
/// bill read down to the rows with a case contact's number (`Bill`), and each such row looked for
/// among the records of that case of the same kind within a window (`compare`). The store reads the
/// case contacts and the records' times (`Reconcile` in SafeCommsStore).
public enum BillReconciliation {
    /// A window written as `30m`, `2h` or `90s` (minutes when no unit is given); nil when it is not one.
    public static func window(parsing text: String) -> TimeInterval? {
        let unit = text.last.map { "smh".contains($0) ? $0 : "m" } ?? "m"
        let digits = "smh".contains(text.last ?? " ") ? String(text.dropLast()) : text
        guard let n = Double(digits), n > 0, n.isFinite else { return nil }
        return n * (unit == "s" ? 1 : unit == "m" ? 60 : 3600)
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

    public struct Lateness: Sendable, Codable, Equatable {
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
        public var errors: [ImportProblem]

        enum CodingKeys: String, CodingKey {
            case rows, recorded, unrecorded, lateness, errors
            case caseContacts = "case_contacts"
        }
    }

    /// One kind of contact on one case: when each record says it happened, and when it was recorded,
    /// sorted by the first.
    public struct Timeline: Sendable {
        public var occurred: [Double] = []
        public var recorded: [Double] = []

        public init() {}

        init(occurred: [Double], recorded: [Double]) {
            self.occurred = occurred
            self.recorded = recorded
        }

        public mutating func append(_ o: Double, _ r: Double) {
            occurred.append(o)
            recorded.append(r)
        }

        public func sorted() -> Timeline {
            let order = occurred.indices.sorted { occurred[$0] < occurred[$1] }
            return Timeline(occurred: order.map { occurred[$0] }, recorded: order.map { recorded[$0] })
        }

        /// The index of the record nearest `t` within `window`, if any.
        public func nearest(_ t: Double, window: Double) -> Int? {
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
    struct Contact: Sendable {
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

    /// The bill's rows with a case contact, and the bill's size and problems.
    public struct Bill: Sendable {
        public var rows = 0
        var contacts: [Contact] = []
        /// The case contacts' numbers the rows name, in E.164, by `Contact.number`.
        var numbers: [String] = []
        public var errors: [ImportError] = []

        public var caseContacts: Int { contacts.count }

        /// Reads the bill, keeping only the rows whose number is in `caseNumbers` (compact: short
        /// strings inline).
        public static func read(
            _ reader: LineReader,
            map: CarrierCallLog.ColumnMap?,
            caseNumbers: [String: [UUID]]
        ) throws -> Bill {
            var bill = Bill()
            // By the bill's number id: the number's place in `numbers` when it is a case contact, else
            // -1. An array rather than a look-up by the number's text, which cost more than reading the row.
            var place: [Int32] = [], seen: [String: Int32] = [:]
            bill.errors = try CarrierCallLog.read(reader, map: map) { row in
                bill.rows += 1
                if row.numberID == place.count {
                    // A number written a new way: the E.164 form may be one seen already.
                    if let number = row.e164, caseNumbers[number] != nil {
                        let index = seen[number] ?? Int32(bill.numbers.count)
                        if index == bill.numbers.count {
                            seen[number] = index
                            bill.numbers.append(number)
                        }
                        place.append(index)
                    } else {
                        place.append(-1)
                    }
                }
                let index = place[row.numberID]
                guard index >= 0 else { return }
                bill.contacts.append(Contact(row, number: index))
            }
            return bill
        }
    }

    /// Each case contact's number, in E.164, and the cases it is a contact on; a number that cannot be
    /// read as one is left out.
    public static func caseNumbers(_ phones: [(caseID: UUID, phone: String)]) -> [String: [UUID]] {
        var casesByNumber: [String: [UUID]] = [:]
        for (caseID, phone) in phones {
            guard let e164 = try? PhoneNumber(parsing: phone, field: "phone").e164 else { continue }
            if !(casesByNumber[e164]?.contains(caseID) ?? false) { casesByNumber[e164, default: []].append(caseID) }
        }
        return casesByNumber
    }

    /// Every row of the bill against the records: found within `window` of a record of its kind on one of
    /// its number's cases (recorded, with how late), or not (unrecorded).
    /// - Parameters:
    ///   - calls, texts: each case's records' timelines, sorted, at the case's slot.
    ///   - slots: the cases' slots by id.
    ///   - references: the cases' references by id.
    public static func compare(
        _ bill: Bill,
        caseNumbers: [String: [UUID]],
        calls: [Timeline],
        texts: [Timeline],
        slots: [UUID: Int],
        references: [UUID: String],
        settings: OrganisationSettings,
        window: TimeInterval
    ) -> Report {
        var report = Report(
            rows: bill.rows,
            caseContacts: bill.contacts.count,
            recorded: 0,
            unrecorded: [],
            lateness: nil,
            errors: bill.errors.map { .init(line: $0.line, reason: $0.reason) }
        )
        var lateMinutes: [Int] = []
        lateMinutes.reserveCapacity(bill.contacts.count)
        let clock = ZoneClock(settings.timeZone)
        let casesByIndex = bill.numbers.map { caseNumbers[$0] ?? [] }
        let slotsByIndex = casesByIndex.map { $0.compactMap { slots[$0] } }
        let referencesByIndex = casesByIndex.map { $0.compactMap { references[$0] }.sorted() }
        for contact in bill.contacts {
            let row = contact.row, number = bill.numbers[Int(contact.number)]
            let at = clock.instant(row.at)
            let t = at.timeIntervalSince1970
            var found: (occurred: Double, recorded: Double)?
            for slot in slotsByIndex[Int(contact.number)] {
                if row.kind == .call {
                    if let i = calls[slot].nearest(t, window: window) {
                        found = (calls[slot].occurred[i], calls[slot].recorded[i])
                    }
                } else if let i = texts[slot].nearest(t, window: window) {
                    found = (texts[slot].occurred[i], texts[slot].recorded[i])
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
        report.lateness = lateness(minutes: lateMinutes)
        return report
    }

    /// How late the recorded contacts were recorded; nil when none was.
    static func lateness(minutes: [Int]) -> Lateness? {
        guard !minutes.isEmpty else { return nil }
        let sorted = minutes.sorted()
        return Lateness(
            recorded: sorted.count,
            medianMinutes: sorted[sorted.count / 2],
            p90Minutes: sorted[sorted.count * 9 / 10],
            maxMinutes: sorted.last!,
            overADay: sorted.filter { $0 > 24 * 60 }.count
        )
    }
}
