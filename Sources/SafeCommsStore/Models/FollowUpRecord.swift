import FluentKit
import Foundation
import SafeCommsCore

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
    @OptionalField(key: "caller_name") var sealedCallerName: String?
    @OptionalField(key: "caller_number") var sealedCallerNumber: String?
    @OptionalField(key: "summary") var sealedSummary: String?
    @Field(key: "due_at") public var dueAt: Date
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "note") var sealedNote: String?
    @OptionalField(key: "diverted_to") var sealedDivertedTo: String?

    public init() {}

    public init(
        organisationID: UUID,
        staffID: UUID,
        loggedByID: UUID,
        kind: String,
        occurredAt: Date,
        callerName: String?,
        callerNumber: String?,
        summary: String?,
        dueAt: Date
    ) {
        self.organisationID = organisationID
        self.staffID = staffID
        self.loggedByID = loggedByID
        self.kind = kind
        // Whole milliseconds, so the row reads back as it was sealed (`RowDigest.storable`).
        self.occurredAt = RowDigest.storable(occurredAt)
        self.callerName = callerName
        self.callerNumber = callerNumber
        self.summary = summary
        self.dueAt = RowDigest.storable(dueAt)
    }
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension FollowUpRecord {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["caller_name", "caller_number", "summary", "note", "diverted_to"]

    public var callerName: String? {
        get { DataKeys.open(sealedCallerName) }
        set { sealedCallerName = DataKeys.seal(newValue) }
    }

    public var callerNumber: String? {
        get { DataKeys.open(sealedCallerNumber) }
        set { sealedCallerNumber = DataKeys.seal(newValue) }
    }

    public var summary: String? {
        get { DataKeys.open(sealedSummary) }
        set { sealedSummary = DataKeys.seal(newValue) }
    }

    public var note: String? {
        get { DataKeys.open(sealedNote) }
        set { sealedNote = DataKeys.seal(newValue) }
    }

    public var divertedTo: String? {
        get { DataKeys.open(sealedDivertedTo) }
        set { sealedDivertedTo = DataKeys.seal(newValue) }
    }
}
