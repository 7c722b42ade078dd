import FluentKit
import Foundation
import SafeCommsCore

/// A work phone, desk phone or mailbox and who holds it (WNL-7.1, COV-6, COV-7).
public final class Device: Model, @unchecked Sendable {
    public static let schema = "devices"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @OptionalField(key: "holder_id") public var holderID: UUID?

    // data fields
    @Field(key: "kind") public var kind: DeviceKind
    @Field(key: "address") public var address: String
    @Field(key: "caller_id_withheld") public var callerIDWithheld: Bool
    @Field(key: "voicemail_enabled") public var voicemailEnabled: Bool
    @Field(key: "whatsapp_enabled") public var whatsappEnabled: Bool
    /// PD-1.11: whether it stays switched on outside office hours.
    @Field(key: "on_out_of_hours") public var onOutOfHours: Bool

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        holderID: UUID?,
        kind: DeviceKind,
        address: String,
        callerIDWithheld: Bool = true,
        voicemailEnabled: Bool = true,
        whatsappEnabled: Bool = false,
        onOutOfHours: Bool = false
    ) {
        self.id = id
        self.organisationID = organisationID
        self.holderID = holderID
        self.kind = kind
        self.address = address
        self.callerIDWithheld = callerIDWithheld
        self.voicemailEnabled = voicemailEnabled
        self.whatsappEnabled = whatsappEnabled
        self.onOutOfHours = onOutOfHours
    }
}
