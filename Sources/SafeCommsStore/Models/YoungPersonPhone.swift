import FluentKit
import Foundation
import SafeCommsCore

/// A young person's acceptable-use agreement for their phone (WNL-1.4): the setting whose rule
/// applies (WNL-6.3.1–WNL-6.3.4), the rule, the personal use agreed, and when it was agreed. The
/// newest is the one in force; earlier ones stay as history.
public final class PhoneAgreement: Model, @unchecked Sendable {
    public static let schema = "phone_agreements"

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "person_id") public var personID: UUID
    @Field(key: "recorded_by_id") public var recordedByID: UUID

    // data fields
    @Field(key: "setting") public var setting: PhoneSetting
    @Field(key: "rule") var sealedRule: String
    @Field(key: "personal_use") var sealedPersonalUse: String
    @Field(key: "agreed_on") public var agreedOn: String
    @Field(key: "recorded_at") public var recordedAt: Date

    public init() {}

    public init(
        organisationID: UUID,
        caseID: UUID,
        personID: UUID,
        recordedByID: UUID,
        setting: PhoneSetting,
        rule: String,
        personalUse: String,
        agreedOn: String,
        recordedAt: Date
    ) {
        self.organisationID = organisationID
        self.caseID = caseID
        self.personID = personID
        self.recordedByID = recordedByID
        self.setting = setting
        self.rule = rule
        self.personalUse = personalUse
        self.agreedOn = agreedOn
        self.recordedAt = recordedAt
    }
}

/// A young person's phone handed in and returned (WNL-6.3.3, WNL-1.4's safe storage), or, at our
/// centre, confirmed switched off (WNL-6.3.4).
public final class PhoneHandIn: Model, @unchecked Sendable {
    public static let schema = "phone_hand_ins"

    public enum Kind: String, Codable, Sendable {
        case handedIn = "handed_in"
        case switchedOff = "switched_off"
    }

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "person_id") public var personID: UUID
    @Field(key: "received_by_id") public var receivedByID: UUID
    @OptionalField(key: "returned_by_id") public var returnedByID: UUID?

    // data fields
    @Field(key: "kind") public var kind: Kind
    @Field(key: "at") public var at: Date
    /// Where it was kept; nil for a phone only switched off.
    @OptionalField(key: "kept_where") var sealedKeptWhere: String?
    @OptionalField(key: "returned_at") public var returnedAt: Date?

    public init() {}

    public init(
        organisationID: UUID,
        caseID: UUID,
        personID: UUID,
        receivedByID: UUID,
        kind: Kind,
        at: Date,
        keptWhere: String?
    ) {
        self.organisationID = organisationID
        self.caseID = caseID
        self.personID = personID
        self.receivedByID = receivedByID
        self.kind = kind
        self.at = at
        self.keptWhere = keptWhere
    }
}

/// What a young person agreed can name people and places, so it is sealed under the data key.
extension PhoneAgreement {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["rule", "personal_use"]

    public var rule: String {
        get { DataKeys.open(sealedRule) }
        set { sealedRule = DataKeys.seal(newValue) }
    }

    public var personalUse: String {
        get { DataKeys.open(sealedPersonalUse) }
        set { sealedPersonalUse = DataKeys.seal(newValue) }
    }
}

extension PhoneHandIn {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["kept_where"]

    public var keptWhere: String? {
        get { DataKeys.open(sealedKeptWhere) }
        set { sealedKeptWhere = DataKeys.seal(newValue) }
    }
}
