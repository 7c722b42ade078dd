import FluentKit
import Foundation
import SafeCommsCore

/// A consent or agreement on file (COV-3, PD-1.3, PD-12.b–d, WNL-6.3.x). Withdrawal is a date, not a deletion.
public final class Consent: Model, @unchecked Sendable {
    public static let schema = "consents"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @OptionalField(key: "person_id") public var personID: UUID?
    @Field(key: "recorded_by_id") public var recordedByID: UUID

    // data fields
    @Field(key: "kind") public var kind: ConsentKind
    /// The channel the consent covers; nil covers every channel.
    @OptionalField(key: "channel") public var channel: String?
    @Field(key: "given_by") var sealedGivenBy: String
    @Field(key: "reason") var sealedReason: String
    @Field(key: "given_on") public var givenOn: String
    /// The last day of a consent given for a time; nil for one given until withdrawn.
    @OptionalField(key: "ends_on") public var endsOn: String?
    @OptionalField(key: "withdrawn_on") public var withdrawnOn: String?
    @OptionalField(key: "withdrawn_by_id") public var withdrawnByID: UUID?
    @OptionalField(key: "withdrawn_reason") var sealedWithdrawnReason: String?
    @OptionalField(key: "withdrawn_at") public var withdrawnAt: Date?

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        caseID: UUID,
        personID: UUID?,
        recordedByID: UUID,
        kind: ConsentKind,
        channel: String?,
        givenBy: String,
        reason: String,
        givenOn: String,
        endsOn: String? = nil
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.personID = personID
        self.recordedByID = recordedByID
        self.kind = kind
        self.channel = channel
        self.givenBy = givenBy
        self.reason = reason
        self.givenOn = givenOn
        self.endsOn = endsOn
    }

    /// Whether the check counts it on `day` (YYYY-MM-DD): given by then, not withdrawn, not ended.
    public func inForce(on day: String) -> Bool {
        withdrawnOn == nil && givenOn <= day && (endsOn.map { day <= $0 } ?? true)
    }
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension Consent {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["given_by", "reason", "withdrawn_reason"]

    public var givenBy: String {
        get { DataKeys.open(sealedGivenBy) }
        set { sealedGivenBy = DataKeys.seal(newValue) }
    }

    public var reason: String {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = DataKeys.seal(newValue) }
    }

    public var withdrawnReason: String? {
        get { DataKeys.open(sealedWithdrawnReason) }
        set { sealedWithdrawnReason = DataKeys.seal(newValue) }
    }
}
