import FluentKit
import Foundation
import SafeCommsCore

/// A text or e-mail sent from a case through GOV.UK Notify: what was sent, to whom, the check it
/// passed (and the worker's reason for going ahead past a warning), the chronology record made the
/// moment it was queued, and what Notify says became of it. Written with its record in one
/// transaction and sent after commit (`MessageSender`), so nothing acknowledged is lost and a message
/// is never sent twice: before trying again it asks Notify whether it already has it (by `reference`,
/// this row's id, which says nothing about anyone).
public final class OutgoingMessage: Model, @unchecked Sendable {
    public static let schema = "outgoing_messages"

    /// Notify's statuses, and `queued` before Notify has it (`failed` when Notify refused it outright).
    public static let statuses = [
        "queued", "created", "sending", "pending", "sent", "delivered", "permanent-failure", "temporary-failure",
        "technical-failure", "failed",
    ]

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "person_id") public var personID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    /// `sms` or `email`.
    @Field(key: "channel") public var channel: String
    @Field(key: "recipient") var sealedRecipient: String
    @OptionalField(key: "subject") var sealedSubject: String?
    @Field(key: "body") var sealedBody: String
    /// The check's verdict (`allow` or `warn`) and the clauses it cited.
    @Field(key: "decision") public var decision: String
    @Field(key: "clauses") public var clauses: String
    @OptionalField(key: "proceed_reason") var sealedProceedReason: String?
    /// The chronology record made when it was queued.
    @Field(key: "record_id") public var recordID: UUID
    @Field(key: "status") public var status: String
    @OptionalField(key: "notify_id") public var notifyID: String?
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "last_error") public var lastError: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "status_at") public var statusAt: Date?

    public init() {}

    public init(
        id: UUID,
        organisationID: UUID,
        caseID: UUID,
        personID: UUID,
        staffID: UUID,
        channel: String,
        recipient: String,
        subject: String?,
        body: String,
        decision: String,
        clauses: [String],
        proceedReason: String?,
        recordID: UUID,
        now: Date
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.personID = personID
        self.staffID = staffID
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.decision = decision
        self.clauses = clauses.joined(separator: ",")
        self.proceedReason = proceedReason
        self.recordID = recordID
        self.status = "queued"
        self.attempts = 0
        self.nextAttemptAt = RowDigest.storable(now)
        self.createdAt = RowDigest.storable(now)
    }
}

/// The recipient, the words and the reason are personal data, sealed under the data key (`DataKeys`).
extension OutgoingMessage {
    static let sealedColumns = ["recipient", "subject", "body", "proceed_reason"]

    public var recipient: String {
        get { DataKeys.open(sealedRecipient) }
        set { sealedRecipient = DataKeys.seal(newValue) }
    }

    public var subject: String? {
        get { DataKeys.open(sealedSubject) }
        set { sealedSubject = newValue.map(DataKeys.seal) }
    }

    public var body: String {
        get { DataKeys.open(sealedBody) }
        set { sealedBody = DataKeys.seal(newValue) }
    }

    public var proceedReason: String? {
        get { DataKeys.open(sealedProceedReason) }
        set { sealedProceedReason = newValue.map(DataKeys.seal) }
    }
}

/// Sealed into the audit event that queues it.
extension OutgoingMessage: SealedRow {
    public static let auditEntity = "outgoing_message"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(personID)
        d.add(staffID)
        d.add(channel)
        d.add(recipient)
        d.add(subject)
        d.add(body)
        d.add(decision)
        d.add(clauses)
        d.add(proceedReason)
        d.add(recordID)
        d.add(createdAt)
        return d.hex
    }
}
