import FluentKit
import Foundation
import SafeCommsCore

/// Who held a work device from when (WNL-7.1): one row each time it is handed over. The device's
/// `holder_id` is the holder now; these rows are how it came to be.
public final class DeviceHolding: Model, @unchecked Sendable {
    public static let schema = "device_holdings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "device_id") public var deviceID: UUID
    /// nil: handed back, held by nobody.
    @OptionalField(key: "holder_id") public var holderID: UUID?
    @Field(key: "handed_over_by_id") public var handedOverByID: UUID
    @Field(key: "from_at") public var fromAt: Date

    public init() {}

    public init(organisationID: UUID, deviceID: UUID, holderID: UUID?, handedOverByID: UUID, fromAt: Date) {
        self.organisationID = organisationID
        self.deviceID = deviceID
        self.holderID = holderID
        self.handedOverByID = handedOverByID
        self.fromAt = fromAt
    }
}

/// A member of staff authorised to use a work device besides its holder (WNL-7.2), until revoked.
public final class DeviceAuthorisation: Model, @unchecked Sendable {
    public static let schema = "device_authorisations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "device_id") public var deviceID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "authorised_by_id") public var authorisedByID: UUID
    @Field(key: "authorised_at") public var authorisedAt: Date
    @OptionalField(key: "revoked_by_id") public var revokedByID: UUID?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(organisationID: UUID, deviceID: UUID, staffID: UUID, authorisedByID: UUID, authorisedAt: Date) {
        self.organisationID = organisationID
        self.deviceID = deviceID
        self.staffID = staffID
        self.authorisedByID = authorisedByID
        self.authorisedAt = authorisedAt
    }
}

/// A personal call or message made on a work device (WNL-7.3): allowed only in agreed circumstances
/// or an emergency, and recorded for the DSL to see.
public final class DevicePersonalUse: Model, @unchecked Sendable {
    public static let schema = "device_personal_use"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "device_id") public var deviceID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "at") public var at: Date
    @Field(key: "emergency") public var emergency: Bool
    /// Who agreed the circumstances; nil for an emergency.
    @OptionalField(key: "agreed_by_id") public var agreedByID: UUID?
    @Field(key: "reason") var sealedReason: String

    public init() {}

    public init(
        organisationID: UUID,
        deviceID: UUID,
        staffID: UUID,
        at: Date,
        emergency: Bool,
        agreedByID: UUID?,
        reason: String
    ) {
        self.organisationID = organisationID
        self.deviceID = deviceID
        self.staffID = staffID
        self.at = at
        self.emergency = emergency
        self.agreedByID = agreedByID
        self.reason = reason
    }
}

extension DevicePersonalUse {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["reason"]

    public var reason: String {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = DataKeys.seal(newValue) }
    }
}
