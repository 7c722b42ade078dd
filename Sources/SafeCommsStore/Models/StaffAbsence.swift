import FluentKit
import Foundation

/// Leave (LIN-8) or an unexpected absence (LIN-13): while it lasts, the router sends the member of
/// staff's calls to their team's hunt group.
public final class StaffAbsence: Model, @unchecked Sendable {
    public static let schema = "staff_absences"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "recorded_by_id") public var recordedByID: UUID

    // data fields
    /// `leave` or `unexpected`.
    @Field(key: "kind") public var kind: String
    @Field(key: "starts_at") public var startsAt: Date
    /// When they are expected back; nil: not known.
    @OptionalField(key: "ends_at") public var endsAt: Date?

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        staffID: UUID,
        recordedByID: UUID,
        kind: String,
        startsAt: Date,
        endsAt: Date?
    ) {
        self.id = id
        self.organisationID = organisationID
        self.staffID = staffID
        self.recordedByID = recordedByID
        self.kind = kind
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}
