import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport

/// Imports a WhatsApp export, an SMS backup, e-mail or a carrier's bill into a case's chronology
/// (PD-1.1, PD-1.8, WA-11, WA-12): every communication, timed and dated in the organisation's zone,
/// matched to the case's people and staff. Nothing is written while the file has a problem or a name
/// in it is unmatched. Each item has a natural key (case, format, what the item is and how many
/// identical ones came before it), so importing the same file again adds nothing and an interrupted
/// import can simply be run again.
public enum CaseImport {
    public typealias Format = ImportFormat

    public struct Request: Sendable {
        public var format: Format
        public var reader: LineReader
        /// For a carrier's bill whose header names are not the usual ones.
        public var columns: CarrierCallLog.ColumnMap?
        /// A WhatsApp .zip export's media, by name and size (`ImportFile.media`).
        public var media: [String: MediaFile]
        public var caseReference: String
        /// The member of staff whose conversation it is (and who is importing it).
        public var asEmail: String?
        public var dryRun: Bool
        public var mappings: [String: String]
        /// What the second pass reads: the same file, unless a test stands in a file that changed.
        var secondReading: LineReader?

        public init(
            format: Format,
            reader: LineReader,
            columns: CarrierCallLog.ColumnMap? = nil,
            media: [String: MediaFile] = [:],
            caseReference: String,
            asEmail: String?,
            dryRun: Bool,
            mappings: [String: String] = [:]
        ) {
            self.format = format
            self.reader = reader
            self.columns = columns
            self.media = media
            self.caseReference = caseReference
            self.asEmail = asEmail
            self.dryRun = dryRun
            self.mappings = mappings
        }
    }

    /// What was found, and with `--dry-run --json` all that is printed.
    public struct Report: Sendable, Encodable, Equatable {
        public typealias Problem = ImportProblem

        public var format: String
        public var messages: Int
        /// Local date-times as written in the file, no zone.
        public var first: String?
        public var last: String?
        public var participants: [String]
        public var unmatched: [String]
        public var errors: [Problem]
        /// After a real import: records added, and ones already there from an earlier import.
        public var imported: Int?
        public var alreadyImported: Int?
        /// Review items the scan of the new messages put on the queue (`ReviewQueue`).
        public var flagged: Int?
        /// A phone's backup or bill: items with contacts who are not the case's, so not imported.
        public var leftOut: Int?
        /// Drafts and messages that failed to send: not communications.
        public var notSent: Int?

        enum CodingKeys: String, CodingKey {
            case format, messages, first, last, participants, unmatched, errors, imported
            case alreadyImported = "already_imported", leftOut = "left_out", notSent = "not_sent"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(format, forKey: .format)
            try c.encode(messages, forKey: .messages)
            try c.encode(first, forKey: .first)
            try c.encode(last, forKey: .last)
            try c.encode(participants, forKey: .participants)
            try c.encode(unmatched, forKey: .unmatched)
            try c.encode(errors, forKey: .errors)
            try c.encodeIfPresent(imported, forKey: .imported)
            try c.encodeIfPresent(alreadyImported, forKey: .alreadyImported)
            try c.encodeIfPresent(leftOut, forKey: .leftOut)
            try c.encodeIfPresent(notSent, forKey: .notSent)
        }

        public var isClean: Bool { errors.isEmpty && unmatched.isEmpty }
    }

    /// Why an import was refused or stopped. The command line and the server each word it for their
    /// user (the command line names its flags; a web user never sees them).
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Nobody active has this e-mail address.
        case noActiveStaff(email: String)
        /// A real import needs the member of staff whose conversation it is.
        case importerRequired
        case noSuchCase(reference: String)
        /// The reference is used by several organisations and nobody said which.
        case caseInSeveralOrganisations(reference: String)
        /// The member of staff may not record on the case (`AccessPolicy.canWrite`).
        case mayNotRecord(email: String, reference: String)
        /// The file could not be read to the end; `written` records are in, in whole batches.
        case stopped(problem: String, written: Int)

        /// In plain words, without the command line's flags.
        public var description: String {
            switch self {
            case .noActiveStaff(let email): "no active member of staff has the e-mail address \(email)"
            case .importerRequired: "an import needs the member of staff whose conversation this is"
            case .noSuchCase(let reference): "no case has the reference \(reference)"
            case .caseInSeveralOrganisations(let reference): "\(reference) is in more than one organisation"
            case .mayNotRecord(let email, let reference): "\(email) may not record on case \(reference)"
            case .stopped(let problem, let written):
                "\(problem). \(written) records were written in whole batches; import the file again to finish (nothing is written twice)"
            }
        }
    }

    /// Records written per transaction: an interrupted import loses at most one batch, which the next
    /// run writes.
    public static let batchSize = 10_000

    /// - Parameter library: when given, every new message is scanned by the organisation's packs and
    ///   what is found goes on the review queue, in the transaction that writes the message.
    public static func run(
        _ r: Request,
        on db: any Database,
        key: AuditKey,
        witness: AuditWitness? = nil,
        library: PolicyLibrary? = nil
    ) async throws -> Report {
        // Who and which case.
        var importer: StaffMember?
        if let email = r.asEmail {
            guard let s = try await StaffMember.query(on: db).filter(\.$email == email.lowercased()).first(), s.active
            else {
                throw Failure.noActiveStaff(email: email)
            }
            importer = s
        } else if !r.dryRun {
            throw Failure.importerRequired
        }
        // Without an importer (a dry run from the command line) the reference is looked for in every
        // organisation the store holds; it must name one case.
        let cases = (importer.map { db.scoped(to: $0.organisationID).query(CaseFile.self) } ?? CaseFile.query(on: db))
            .filter(\.$reference == r.caseReference)
        let found = try await cases.all()
        guard found.count == 1, let file = found.first else {
            throw found.isEmpty
                ? Failure.noSuchCase(reference: r.caseReference)
                : Failure.caseInSeveralOrganisations(reference: r.caseReference)
        }
        let caseID = try file.requireID()
        if let importer {
            let p = try await importer.principal(on: db)
            let allocation = CaseAllocation(
                organisationID: file.organisationID,
                teamID: file.teamID,
                keyWorkerID: file.keyWorkerID
            )
            guard AccessPolicy.canWrite(p, allocation) else {
                throw Failure.mayNotRecord(email: importer.email, reference: r.caseReference)
            }
        }
        let people = try await CasePerson.query(on: db).filter(\.$caseID == caseID).all()
        let staff = try await db.scoped(to: file.organisationID).query(StaffMember.self).all()
        let matcher = ParticipantMatcher(
            people: people.map {
                .init(
                    id: $0.id!,
                    name: $0.name,
                    aliases: $0.aliases.split(separator: "\n").map(String.init),
                    phone: $0.phone,
                    email: $0.email
                )
            },
            staff: staff.map { .init(id: $0.id!, name: $0.name, email: $0.email, mobile: $0.workMobile) },
            mappings: r.mappings
        )

        let settings = try await Organisation.find(file.organisationID, on: db)?.settings ?? .standard
        let zone = settings.timeZone
        let importerID = try importer?.requireID()
        let now = Date()
        let namesByPerson = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.name) })
        var sides = ImportSides(matcher: matcher, personIDs: Set(people.compactMap(\.id)), importerID: importerID)

        // The first pass checks: the summary, every problem, and whether every name is matched. It
        // keeps nothing per item, so an import's memory does not grow with the file.
        // Listed as first written; one number written two ways ("07700 900001", "+447700900001") once.
        var participants: [String] = [], seen = Set<String>(), numbers: [String: String] = [:]
        func note(_ name: String) {
            let key: String
            if let known = numbers[name] {
                key = known
            } else {
                key =
                    name.contains(where: \.isNumber) ? (try? PhoneNumber(parsing: name, field: "").e164) ?? name : name
                numbers[name] = key
            }
            if seen.insert(key).inserted { participants.append(name) }
        }
        var messages = 0, leftOut = 0, toWrite = 0
        var first: LocalDateTime?, last: LocalDateTime?
        var building = !r.dryRun && importer != nil
        var problems: [Report.Problem] = []
        let clock = ZoneClock(zone)
        let outcome: ImportReader.Outcome
        do {
            outcome = try ImportReader.read(r.format, r.reader, columns: r.columns, media: r.media) { item in
                guard let who = sides.of(item) else {
                    leftOut += 1
                    return
                }
                if item.outgoing != nil {
                    note(item.other[0])
                } else {
                    note(item.from ?? "")
                    item.to.forEach(note)
                }
                if !who.allMatched { building = false }
                messages += 1
                let (local, at) = item.times(clock: clock)
                if first.map({ local < $0 }) ?? true { first = local }
                if last.map({ local > $0 }) ?? true { last = local }
                guard building, who.staffID != nil else { return }
                let found = item.draft(who, at: at, names: namesByPerson).problems(now: now)
                if found.isEmpty {
                    toWrite += 1
                } else {
                    problems.append(.init(line: item.line, reason: found.map(\.description).joined(separator: "; ")))
                }
            }
        } catch let e as ImportError {
            return Report(
                format: r.format.rawValue,
                messages: 0,
                participants: [],
                unmatched: [],
                errors: [.init(line: e.line, reason: e.reason)]
            )
        }
        var report = Report(
            format: r.format.rawValue,
            messages: messages,
            first: first?.description,
            last: last?.description,
            participants: participants,
            unmatched: r.format.coversWholePhone ? [] : participants.filter { sides.match($0) == nil },
            errors: outcome.errors.map { .init(line: $0.line, reason: $0.reason) } + problems,
            leftOut: r.format.coversWholePhone ? leftOut : nil,
            notSent: outcome.notSent > 0 ? outcome.notSent : nil
        )
        guard building, report.isClean, let importerID else { return report }

        // Written a batch per transaction; an earlier import's rows are skipped. Before any import into
        // this case there is nothing to look up. Looked up before the second pass starts, so that
        // nothing between its start and the loop below can fail and leave its thread waiting.
        let context = AuditContext(
            organisationID: file.organisationID,
            actorID: importerID,
            source: "import",
            key: key,
            witness: witness
        )
        var earlier =
            try await CommunicationRecord.query(on: db).filter(\.$caseID == caseID).filter(
                \.$source == "import:\(r.format.rawValue)"
            )
            .first() != nil
        // The second pass reads the file again and builds the records, a batch at a time, on its own
        // thread, while this task writes the batch before: reading and building take about as long
        // as SQLite's writing, and each has a core.
        // A message the worker sent in a chat with one of the case's people was to that person.
        let chatPeople = participants.compactMap { name -> UUID? in
            if case .person(let id) = sides.match(name) { id } else { nil }
        }
        let builder = RowBuilder(
            planner: ImportPlanner(
                format: r.format,
                sides: sides,
                caseID: caseID,
                now: now,
                names: namesByPerson,
                chatPerson: r.format == .whatsapp && chatPeople.count == 1 ? chatPeople[0] : nil
            ),
            organisationID: file.organisationID,
            caseID: caseID,
            settings: settings,
            now: now
        )
        let (reader, columns, media, expected) = (r.secondReading ?? r.reader, r.columns, r.media, toWrite)
        // The scan runs on the builder's thread, beside the reading, while the batch before is written.
        var scanning: (MessageScanner, ReviewQueue.CaseFacts)?
        if let library {
            scanning = (
                library.scanner(for: settings.packs), try await ReviewQueue.CaseFacts.load(file, deviceIDs: [], on: db)
            )
        }
        let scan = scanning
        let batches = Handoff<Batch>.start(capacity: 1) { handoff in
            var builder = builder
            let clock = ZoneClock(zone)
            var batch = Batch(), built = 0
            batch.rows.reserveCapacity(batchSize)
            func flagged(_ rows: [CommunicationRow]) -> [ReviewItem] {
                guard let (scanner, facts) = scan else { return [] }
                return ReviewQueue.flags(
                    rows.lazy.map(ReviewQueue.Message.init),
                    case: facts,
                    scanner: scanner,
                    origin: .imported,
                    now: now
                )
            }
            _ = try ImportReader.read(builder.planner.format, reader, columns: columns, media: media) { item in
                guard let row = try builder.row(item, clock: clock) else { return }
                batch.rows.append(row)
                built += 1
                if batch.rows.count == batchSize {
                    batch.flags = flagged(batch.rows)
                    guard handoff.put(batch) else { throw CancellationError() }
                    batch.rows.removeAll(keepingCapacity: true)
                }
            }
            guard built == expected else { throw ImportPlanner.Changed(line: 0) }
            if !batch.rows.isEmpty {
                batch.flags = flagged(batch.rows)
                _ = handoff.put(batch)
            }
        }

        var imported = 0, written = 0, flags = 0
        do {
            while let batch = try await batches.next() {
                // Two imports of one file at once (two people, two tabs) both find nothing there, and
                // the second's batch meets the first's rows in the unique index on natural keys: it
                // fails whole, and is run again looking its rows up, so each record is written once.
                var attempt = 1
                var result: (rows: Int, flags: Int)?
                while result == nil {
                    do {
                        result = try await insertNew(
                            batch.rows,
                            flags: batch.flags,
                            lookUp: earlier,
                            context: context,
                            on: db
                        )
                    } catch  where error.isUniqueViolation && attempt < 5 {
                        earlier = true
                        attempt += 1
                    }
                }
                let (new, flagged) = result!
                imported += new
                flags += flagged
                written += batch.rows.count
            }
        } catch {
            await batches.cancel()
            // The second reading failed or differed from the first: what is written is whole batches.
            let problem: String? =
                if let changed = error as? ImportPlanner.Changed {
                    "\(changed.line > 0 ? "line \(changed.line): " : "")the file changed while it was being imported"
                } else if let e = error as? ImportError {
                    "\(e), reading the file a second time"
                } else {
                    nil
                }
            guard let problem else { throw error }
            throw Failure.stopped(problem: problem, written: written)
        }
        report.imported = imported
        report.alreadyImported = written - imported
        if library != nil { report.flagged = flags }
        return report
    }

    /// A batch of the second pass: its records, and what the scan found in them.
    struct Batch: Sendable {
        var rows: [CommunicationRow] = []
        var flags: [ReviewItem] = []
    }

    /// The second pass's records: what `ImportPlanner` plans for each item, as the row to write.
    struct RowBuilder: Sendable {
        var planner: ImportPlanner
        let organisationID: UUID, caseID: UUID
        let settings: OrganisationSettings
        let now: Date
        let source: String

        init(planner: ImportPlanner, organisationID: UUID, caseID: UUID, settings: OrganisationSettings, now: Date) {
            self.planner = planner
            self.organisationID = organisationID
            self.caseID = caseID
            self.settings = settings
            self.now = now
            source = "import:\(planner.format.rawValue)"
        }

        mutating func row(_ item: ImportItem, clock: ZoneClock) throws -> CommunicationRow? {
            guard let planned = try planner.plan(item, clock: clock) else { return nil }
            return CommunicationRepository.makeRecord(
                planned.draft,
                organisationID: organisationID,
                caseID: caseID,
                staffID: planned.staffID,
                deviceID: nil,
                personID: planned.personID,
                settings: settings,
                recordedAt: now,
                source: source,
                naturalKey: planned.naturalKey
            )
        }
    }

    /// Inserts the rows whose natural keys are not stored yet, and the review items of those rows, with
    /// their audit events, in one transaction; returns how many rows were new and how many items.
    static func insertNew(
        _ rows: [CommunicationRow],
        flags: [ReviewItem] = [],
        lookUp: Bool,
        context: AuditContext,
        on db: any Database
    ) async throws -> (rows: Int, flags: Int) {
        let keys = rows.compactMap(\.naturalKey)
        let organisationID = rows[0].organisationID
        // Looked up inside the transaction. Two imports of one file at once are kept apart by the
        // unique index on natural keys: the second's batch fails whole and `run` runs it again.
        return try await AuditLog.transaction(
            on: db,
            context,
            decide: { tx in
                let existing =
                    !lookUp
                    ? []
                    : Set(
                        try await tx.scoped(to: organisationID).query(CommunicationRecord.self).filter(
                            \.$naturalKey ~~ keys
                        )
                        .field(\.$naturalKey).all().compactMap(\.naturalKey)
                    )
                let new = existing.isEmpty ? rows : rows.filter { !existing.contains($0.naturalKey ?? "") }
                // An earlier import's message was scanned then; only the new ones' items are added.
                let ids = new.count == rows.count ? nil : Set(new.map(\.id))
                let items = ids.map { ids in flags.filter { ids.contains($0.communicationID) } } ?? flags
                return (
                    (new, items),
                    CommunicationRepository.auditEntries(for: new, action: .communicationImported)
                        + ReviewQueue.flagEntries(items)
                )
            },
            write: { tx, planned in
                let (new, items) = planned
                if !new.isEmpty { try await CommunicationRepository.createRows(new, on: tx) }
                try await ReviewItem.insert(items, on: tx)
                return (new.count, items.count)
            }
        )
    }
}
