import FluentKit
import Foundation
import SafeCommsCore

/// A request to give someone the DSL's or an administrator's role, which a second administrator
/// approves or refuses: one person alone cannot give themselves, or anyone, the keys to every case
/// or to every account.
public final class RoleGrant: Model, @unchecked Sendable {
    public static let schema = "role_grants"

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "requested_by_id") public var requestedByID: UUID
    @OptionalField(key: "decided_by_id") public var decidedByID: UUID?

    // data fields
    @Field(key: "role") public var role: Role
    @Field(key: "requested_at") public var requestedAt: Date
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "approved") public var approved: Bool?

    public init() {}

    public init(organisationID: UUID, staffID: UUID, role: Role, requestedByID: UUID, requestedAt: Date) {
        self.id = UUID()
        self.organisationID = organisationID
        self.staffID = staffID
        self.role = role
        self.requestedByID = requestedByID
        self.requestedAt = requestedAt
    }
}
