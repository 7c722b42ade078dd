import FluentKit
import Foundation
import SafeCommsCore

/// A text or e-mail to someone on a case, sent through GOV.UK Notify: checked as the compose page
/// checks it, refused when the check blocks it, sent past a warning only with the worker's reason, and
/// recorded in the chronology the moment it is queued (its recording delay is nothing). The message,
/// its record and their audit events commit together; `MessageSender` sends it after commit.
public enum SendMessage {
    public struct Draft: Sendable {
        public var personID: UUID?
        /// `sms` or `email`.
        public var channel: String
        public var subject: String?
        public var text: String
        public var proceedReason: String?

        public init(personID: UUID?, channel: String, subject: String?, text: String, proceedReason: String?) {
            self.personID = personID
            self.channel = channel
            self.subject = subject
            self.text = text
            self.proceedReason = proceedReason
        }
    }

    /// The check blocked it: nothing was written or sent.
    public struct Blocked: Error, Sendable {
        public var decision: Decision
    }

    /// Notify's own limit on a text message.
    public static let maxTextCharacters = 918

    /// - Throws: `ValidationError` by field (`channel`, `person_id`, `subject`, `text`,
    ///   `proceed_reason`); `Blocked` with the decision.
    public static func queue(
        _ d: Draft,
        on c: CaseFile,
        by p: Principal,
        library: PolicyLibrary,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> (message: OutgoingMessage, decision: Decision) {
        guard let channel = Channel(rawValue: d.channel), channel == .sms || channel == .email else {
            throw ValidationError(
                field: "channel",
                reason: "must be sms or email: send anything else from your work phone"
            )
        }
        let text = d.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let subject = d.subject?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var problems: [ValidationError] = []
        if text.isEmpty { problems.append(.init(field: "text", reason: "is required: write the message")) }
        if channel == .sms, text.count > maxTextCharacters {
            problems.append(
                .init(field: "text", reason: "is longer than a text message can be (\(maxTextCharacters) characters)")
            )
        }
        if text.count > 10_000 { problems.append(.init(field: "text", reason: "is longer than 10000 characters")) }
        if channel == .email, subject.isEmpty {
            problems.append(.init(field: "subject", reason: "is required for an e-mail"))
        }
        if d.personID == nil { problems.append(.init(field: "person_id", reason: "is required: choose who it is to")) }
        try ValidationErrors(problems).throwIfAny()
        let checked = try await CaseCheck.decide(
            .init(personID: d.personID, channel: channel, subject: subject, text: text),
            on: c,
            by: p,
            library: library,
            on: db,
            now: now
        )
        guard let person = checked.person, let personID = person.id else {
            throw ValidationError(field: "person_id", reason: "is not someone on this case")
        }
        let recipient = channel == .sms ? person.phone : person.email
        guard let recipient, !recipient.isEmpty else {
            throw ValidationError(
                field: "person_id",
                reason: channel == .sms
                    ? "has no phone number on the case: add it to the case first"
                    : "has no e-mail address on the case: add it to the case first"
            )
        }
        let decision = checked.decision
        if decision.decision == .block { throw Blocked(decision: decision) }
        let reason = d.proceedReason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if decision.decision == .warn, reason?.isEmpty ?? true {
            throw ValidationError(
                field: "proceed_reason",
                reason:
                    "is required: the check warned (\(decision.clauses.joined(separator: ", "))); say why it should go anyway"
            )
        }
        let settings = try await Organisation.find(p.organisationID, on: db)?.settings ?? .standard
        let record = CommunicationRepository.makeRecord(
            CommunicationDraft(
                channel: channel,
                direction: .outgoing,
                occurredAt: now,
                counterpartName: person.name,
                counterpartRole: PersonRole(rawValue: person.role),
                counterpartAddress: recipient,
                transcript: subject.isEmpty ? text : "Subject: \(subject)\n\n\(text)"
            ),
            organisationID: p.organisationID,
            caseID: try c.requireID(),
            staffID: p.staffID,
            deviceID: nil,
            personID: personID,
            settings: settings,
            recordedAt: now,
            source: "sent"
        )
        let message = OutgoingMessage(
            id: UUID(),
            organisationID: p.organisationID,
            caseID: try c.requireID(),
            personID: personID,
            staffID: p.staffID,
            channel: channel.rawValue,
            recipient: recipient,
            subject: subject.isEmpty ? nil : subject,
            body: text,
            decision: decision.decision.rawValue,
            clauses: decision.clauses,
            proceedReason: reason?.isEmpty == false ? reason : nil,
            recordID: record.id,
            now: now
        )
        // What the check says must follow becomes the worker's tasks, with the message.
        let tasks = Tasks.owed(
            decision.obligations,
            on: try c.requireID(),
            record: record.id,
            by: p,
            metByRecord: { library.clause($0.clause)?.kind == .recorded },
            now: now
        )
        try await AuditLog.transaction(on: db, audit) { tx in
            try await CommunicationRepository.createRows([record], on: tx)
            try await message.create(on: tx)
            for t in tasks { try await t.create(on: tx) }
            return (
                (),
                CommunicationRepository.auditEntries(for: [record], action: .communicationRecorded)
                    + Tasks.setEntries(tasks) + [
                        AuditEntry(
                            action: .messageQueued,
                            entity: OutgoingMessage.auditEntity,
                            entityID: message.id?.uuidString,
                            caseID: message.caseID,
                            detail: "\(channel.rawValue) \(decision.decision.rawValue)",
                            rowDigest: message.digest
                        )
                    ]
            )
        }
        return (message, decision)
    }

    /// A message of a case, for someone who may read the case.
    public static func one(_ id: UUID, on c: CaseFile, on db: any Database) async throws -> OutgoingMessage {
        guard
            let m = try await db.scoped(to: c.organisationID).query(OutgoingMessage.self).filter(\.$id == id)
                .filter(\.$caseID == c.requireID()).first()
        else { throw Refusal.notFound("no message \(id.uuidString) on this case") }
        return m
    }
}
