import FluentKit
import Foundation

/// A voicemail message (COV-7, LIN-5) or an unexpected out-of-hours call (COV-5) its worker must close.
public final class FollowUpRecord: Model, @unchecked Sendable {
    public static let schema = "follow_ups"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "logged_by_id") public var loggedByID: UUID
    @OptionalField(key: "closed_by_id") public var closedByID: UUID?

    // data fields
    @Field(key: "kind") public var kind: String
    @Field(key: "occurred_at") public var occurredAt: Date
    @OptionalField(key: "caller_name") public var callerName: String?
    @OptionalField(key: "caller_number") public var callerNumber: String?
    @OptionalField(key: "summary") public var summary: String?
    @Field(key: "due_at") public var dueAt: Date
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "diverted_to") public var divertedTo: String?

    public init() {}

    public init(
        organisationID: UUID, staffID: UUID, loggedByID: UUID, kind: String, occurredAt: Date, callerName: String?, callerNumber: String?,
        summary: String?, dueAt: Date
    ) {
        self.organisationID = organisationID
        self.staffID = staffID
        self.loggedByID = loggedByID
        self.kind = kind
        self.occurredAt = occurredAt
        self.callerName = callerName
        self.callerNumber = callerNumber
        self.summary = summary
        self.dueAt = dueAt
    }
}
