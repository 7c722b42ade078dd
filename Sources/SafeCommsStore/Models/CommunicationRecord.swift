import FluentKit
import Foundation
import SafeCommsCore

/// One entry of a child's chronology (PD-1.1, PD-1.8, WA-11). Never updated or deleted: a correction
/// is a new record whose `corrects_id` points at the one it replaces.
public final class CommunicationRecord: Model, @unchecked Sendable {
    public static let schema = "communications"

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @OptionalField(key: "device_id") public var deviceID: UUID?
    @OptionalField(key: "person_id") public var personID: UUID?
    @OptionalField(key: "corrects_id") public var correctsID: UUID?

    // data fields
    @Field(key: "channel") public var channel: String
    @Field(key: "direction") public var direction: String
    @OptionalField(key: "counterpart_name") var sealedCounterpartName: String?
    @OptionalField(key: "counterpart_role") public var counterpartRole: String?
    @OptionalField(key: "counterpart_address") var sealedCounterpartAddress: String?
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "recorded_at") public var recordedAt: Date
    @OptionalField(key: "duration_seconds") public var durationSeconds: Int?
    @OptionalField(key: "transcript") var sealedTranscript: String?
    @OptionalField(key: "summary") var sealedSummary: String?
    @Field(key: "out_of_hours") public var outOfHours: Bool
    @Field(key: "significant") public var significant: Bool
    /// `manual`, `api`, `demo`, or `import:<format>`.
    @Field(key: "source") public var source: String
    /// An importer's natural key, so a file imported twice adds nothing (unique per organisation).
    @OptionalField(key: "natural_key") public var naturalKey: String?

    public init() {}
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension CommunicationRecord {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["counterpart_name", "counterpart_address", "transcript", "summary"]

    public var counterpartName: String? {
        get { DataKeys.open(sealedCounterpartName) }
        set { sealedCounterpartName = DataKeys.seal(newValue) }
    }

    public var counterpartAddress: String? {
        get { DataKeys.open(sealedCounterpartAddress) }
        set { sealedCounterpartAddress = DataKeys.seal(newValue) }
    }

    public var transcript: String? {
        get { DataKeys.open(sealedTranscript) }
        set { sealedTranscript = DataKeys.seal(newValue) }
    }

    public var summary: String? {
        get { DataKeys.open(sealedSummary) }
        set { sealedSummary = DataKeys.seal(newValue) }
    }
}
