import Crypto
import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport

/// Imports a chat export into a case's chronology (PD-1.1, WA-11, WA-12): every message, timed and
/// dated in the organisation's zone, matched to the case's people and staff. Nothing is written while
/// the file has a problem or a name in it is unmatched. Each message has a natural key (case, sender,
/// time, text and how many identical ones came before it), so importing the same file again adds
/// nothing and an interrupted import can simply be run again.
public enum ChatImport {
    public enum Format: String, Sendable, CaseIterable {
        case whatsapp
    }

    public struct Request: Sendable {
        public var format: Format
        public var reader: LineReader
        public var caseReference: String
        /// The member of staff whose conversation it is (and who is importing it).
        public var asEmail: String?
        public var dryRun: Bool
        public var mappings: [String: String]

        public init(format: Format, reader: LineReader, caseReference: String, asEmail: String?, dryRun: Bool, mappings: [String: String] = [:]) {
            self.format = format
            self.reader = reader
            self.caseReference = caseReference
            self.asEmail = asEmail
            self.dryRun = dryRun
            self.mappings = mappings
        }
    }

    /// What was found, and with `--dry-run --json` all that is printed.
    public struct Report: Sendable, Encodable, Equatable {
        public struct Problem: Sendable, Encodable, Equatable {
            public var line: Int
            public var reason: String
        }

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

        enum CodingKeys: String, CodingKey {
            case format, messages, first, last, participants, unmatched, errors, imported
            case alreadyImported = "already_imported"
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
        }

        public var isClean: Bool { errors.isEmpty && unmatched.isEmpty }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var report: Report?
        public var description: String
    }

    /// Records written per transaction: an interrupted import loses at most one batch, which the next
    /// run writes.
    public static let batchSize = 10_000

    public static func run(_ r: Request, on db: any Database, key: AuditKey) async throws -> Report {
        // Who and which case.
        var importer: StaffMember?
        if let email = r.asEmail {
            guard let s = try await StaffMember.query(on: db).filter(\.$email == email.lowercased()).first(), s.active else {
                throw Failure(description: "--as: no active member of staff has the e-mail address \(email)")
            }
            importer = s
        } else if !r.dryRun {
            throw Failure(description: "--as is required to import: the e-mail address of the member of staff whose conversation this is")
        }
        var cases = CaseFile.query(on: db).filter(\.$reference == r.caseReference)
        if let importer { cases = cases.filter(\.$organisationID == importer.organisationID) }
        let found = try await cases.all()
        guard found.count == 1, let file = found.first else {
            throw Failure(description: found.isEmpty ? "--case: no case has the reference \(r.caseReference)" : "--case: \(r.caseReference) is in more than one organisation; say who you are with --as")
        }
        let caseID = try file.requireID()
        if let importer {
            let p = try await importer.principal(on: db)
            let allocation = CaseAllocation(organisationID: file.organisationID, teamID: file.teamID, keyWorkerID: file.keyWorkerID)
            guard AccessPolicy.canWrite(p, allocation) else {
                throw Failure(description: "--as: \(importer.email) may not record on case \(r.caseReference)")
            }
        }
        let people = try await CasePerson.query(on: db).filter(\.$caseID == caseID).all()
        let staff = try await StaffMember.query(on: db).filter(\.$organisationID == file.organisationID).all()
        let matcher = ParticipantMatcher(
            people: people.map { .init(id: $0.id!, name: $0.name, aliases: $0.aliases.split(separator: "\n").map(String.init), phone: $0.phone) },
            staff: staff.map { .init(id: $0.id!, name: $0.name, email: $0.email, mobile: $0.workMobile) }, mappings: r.mappings)

        let settings = try await Organisation.find(file.organisationID, on: db)?.settings ?? .standard
        let zone = settings.timeZone
        let personIDs = Set(people.compactMap(\.id))
        let namesByPerson = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.name) })
        let now = Date()

        // One pass over the file (after the one that decides the date order): the summary, every
        // problem, and the rows to write, which are dropped as soon as a name turns out unmatched or
        // a message bad, since then nothing is written.
        var matches: [String: ParticipantMatcher.Match?] = [:]
        func match(_ name: String) -> ParticipantMatcher.Match? {
            if let known = matches[name] { return known }
            let m = matcher.match(name)
            matches[name] = m
            return m
        }
        var building = !r.dryRun && importer != nil
        var rows: [CommunicationRow] = []
        var problems: [Report.Problem] = []
        var occurrences: (at: LocalDateTime?, counts: [String: Int]) = (nil, [:])
        let importerID = try importer?.requireID()
        let summary: WhatsAppExport.Summary
        do {
            summary = try WhatsAppExport.read(r.reader) { m in
                guard m.kind != .system, let sender = m.sender else { return }
                guard let who = match(sender) else {
                    building = false
                    rows = []
                    return
                }
                guard building, let importerID else { return }
                guard let at = m.at.instant(in: zone) else {
                    problems.append(.init(line: m.line, reason: "\(m.at) does not exist in \(zone.identifier)"))
                    return
                }
                var personID: UUID?, staffID = importerID
                switch who {
                case .staff(let id): staffID = id
                case .person(let id): personID = personIDs.contains(id) ? id : nil
                }
                let text = m.text.isEmpty ? "(an empty message)" : m.text
                let draft = CommunicationDraft(
                    channel: .whatsapp, direction: personID == nil ? .outgoing : .incoming, occurredAt: at,
                    counterpartName: personID.flatMap { namesByPerson[$0] }, transcript: text)
                let found = draft.problems(now: now)
                guard found.isEmpty else {
                    problems.append(.init(line: m.line, reason: found.map(\.description).joined(separator: "; ")))
                    return
                }
                // Identical messages in the same minute are told apart by their order.
                if occurrences.at != m.at { occurrences = (m.at, [:]) }
                let base = "\(sender)\u{1F}\(m.at)\u{1F}\(text)"
                let n = occurrences.counts[base, default: 0]
                occurrences.counts[base] = n + 1
                let digest = SHA256.hash(data: Data("\(r.format.rawValue)\u{1F}\(caseID)\u{1F}\(base)\u{1F}\(n)".utf8))
                rows.append(CommunicationRepository.makeRecord(
                    draft, organisationID: file.organisationID, caseID: caseID, staffID: staffID, deviceID: nil, personID: personID,
                    settings: settings, recordedAt: now, source: "import:\(r.format.rawValue)", naturalKey: "\(r.format.rawValue):" + hex(digest.prefix(16))))
            }
        } catch let e as ImportError {
            return Report(format: r.format.rawValue, messages: 0, participants: [], unmatched: [], errors: [.init(line: e.line, reason: e.reason)])
        }
        var report = Report(
            format: r.format.rawValue, messages: summary.messages, first: summary.first?.description, last: summary.last?.description,
            participants: summary.participants, unmatched: summary.participants.filter { match($0) == nil },
            errors: summary.errors.map { .init(line: $0.line, reason: $0.reason) } + problems)
        guard building, report.isClean, let importerID else { return report }

        // A message the worker sent in a chat with one of the case's people was to that person.
        let chatPeople = summary.participants.compactMap { name -> UUID? in if case .person(let id) = match(name) { id } else { nil } }
        if chatPeople.count == 1 {
            for i in rows.indices where rows[i].direction == Direction.outgoing.rawValue {
                rows[i].personID = chatPeople[0]
                rows[i].counterpartName = namesByPerson[chatPeople[0]]
            }
        }
        // Written a batch per transaction; an earlier import's rows are skipped. Before any import into
        // this case there is nothing to look up.
        let context = AuditContext(organisationID: file.organisationID, actorID: importerID, source: "import", key: key)
        let earlier = try await CommunicationRecord.query(on: db).filter(\.$caseID == caseID).filter(\.$source == "import:\(r.format.rawValue)")
            .first() != nil
        var imported = 0
        for start in stride(from: 0, to: rows.count, by: batchSize) {
            imported += try await insertNew(Array(rows[start..<min(start + batchSize, rows.count)]), lookUp: earlier, context: context, on: db)
        }
        report.imported = imported
        report.alreadyImported = rows.count - imported
        return report
    }

    /// Inserts the rows whose natural keys are not stored yet, with their audit events, in one
    /// transaction; returns how many were new.
    static func insertNew(_ rows: [CommunicationRow], lookUp: Bool, context: AuditContext, on db: any Database) async throws -> Int {
        let keys = rows.compactMap(\.naturalKey)
        let organisationID = rows[0].organisationID
        // Looked up inside the transaction. Two imports of one file at once are kept apart by the
        // unique index on natural keys: the second's batch fails whole and is added by running it again.
        return try await AuditLog.transaction(on: db, context) { tx in
            let existing = !lookUp ? [] : Set(try await CommunicationRecord.query(on: tx).filter(\.$organisationID == organisationID).filter(\.$naturalKey ~~ keys)
                .field(\.$naturalKey).all().compactMap(\.naturalKey))
            let new = rows.filter { !existing.contains($0.naturalKey ?? "") }
            guard !new.isEmpty else { return (0, []) }
            try await CommunicationRepository.createRows(new, on: tx)
            return (new.count, CommunicationRepository.auditEntries(for: new, action: "communication.import"))
        }
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

}
