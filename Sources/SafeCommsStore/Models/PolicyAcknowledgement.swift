import FluentKit
import Foundation

/// A member of staff has read one version of one pack (MISSION.md: guidance is "shown to staff and
/// acknowledged"; WNL-5.2).
public final class PolicyAcknowledgement: Model, @unchecked Sendable {
    public static let schema = "policy_acknowledgements"

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "staff_id") public var staffID: UUID

    // data fields
    @Field(key: "pack_id") public var packID: String
    @Field(key: "version") public var version: String
    @Field(key: "acknowledged_at") public var acknowledgedAt: Date

    public init() {}

    public init(organisationID: UUID, staffID: UUID, packID: String, version: String, acknowledgedAt: Date) {
        self.organisationID = organisationID
        self.staffID = staffID
        self.packID = packID
        self.version = version
        self.acknowledgedAt = acknowledgedAt
    }
}
