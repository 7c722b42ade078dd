import FluentKit
import Foundation

/// An e-mail waiting in the outbox, or sent (LIN-10). It carries no case or caller details: it tells
/// the officer there is something to open in SafeComms (LIN-14).
public final class Notification: Model, @unchecked Sendable {
    public static let schema = "notifications"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "staff_id") public var staffID: UUID

    // data fields
    @Field(key: "recipient") public var recipient: String
    @Field(key: "subject") public var subject: String
    @Field(key: "body") public var body: String
    @Field(key: "urgent") public var urgent: Bool
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?

    public init() {}

    public init(
        organisationID: UUID,
        staffID: UUID,
        recipient: String,
        subject: String,
        body: String,
        urgent: Bool,
        now: Date
    ) {
        self.organisationID = organisationID
        self.staffID = staffID
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.urgent = urgent
        self.attempts = 0
        self.nextAttemptAt = now
    }
}
