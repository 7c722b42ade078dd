import FluentKit
import Foundation

/// Where a member of staff can be reached now: logged in at the desk (LIN-3), out with the
/// desk phone paired to the mobile (LIN-4), and where their calls are diverted when they cannot answer
/// (LIN-6, LIN-12). One row per member of staff; its id is theirs.
public final class PhoneStatus: Model, @unchecked Sendable {
    public static let schema = "phone_status"

    // managed fields
    @ID(custom: .id, generatedBy: .user) public var id: UUID?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID

    // data fields
    /// E.164.
    @OptionalField(key: "desk_number") public var deskNumber: String?
    @Field(key: "desk_logged_in") public var deskLoggedIn: Bool
    @Field(key: "desk_paired_to_mobile") public var deskPairedToMobile: Bool
    /// E.164; always one of the organisation's hunt groups (LIN-12).
    @OptionalField(key: "divert_to") public var divertTo: String?
    /// LIN-11: when the member of staff last confirmed their contact details and availability.
    @OptionalField(key: "confirmed_at") public var confirmedAt: Date?

    public init() {}

    public init(
        staffID: UUID,
        organisationID: UUID,
        deskNumber: String?,
        deskLoggedIn: Bool,
        deskPairedToMobile: Bool,
        divertTo: String?
    ) {
        self.id = staffID
        self.organisationID = organisationID
        self.deskNumber = deskNumber
        self.deskLoggedIn = deskLoggedIn
        self.deskPairedToMobile = deskPairedToMobile
        self.divertTo = divertTo
    }
}
