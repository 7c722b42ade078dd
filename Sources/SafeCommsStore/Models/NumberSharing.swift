import FluentKit
import Foundation
import SafeCommsCore

/// A work number shared with someone on a case, or a recorded decision not to share it (COV-3, COV-6).
public final class NumberSharing: Model, @unchecked Sendable {
    public static let schema = "number_sharing"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @OptionalField(key: "person_id") public var personID: UUID?
    @OptionalField(key: "manager_agreed_by_id") public var managerAgreedByID: UUID?
    /// PD-1.3: the worker's line manager when the number was given, told through the outbox.
    @OptionalField(key: "line_manager_id") public var lineManagerID: UUID?
    @OptionalField(key: "acknowledged_by_id") public var acknowledgedByID: UUID?
    @OptionalField(key: "acknowledged_at") public var acknowledgedAt: Date?

    // data fields
    @Field(key: "shared") public var shared: Bool
    @Field(key: "number") var sealedNumber: String
    @Field(key: "reason") var sealedReason: String
    @Field(key: "decided_on") public var decidedOn: String

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        caseID: UUID,
        staffID: UUID,
        personID: UUID?,
        managerAgreedByID: UUID?,
        shared: Bool,
        number: String,
        reason: String,
        decidedOn: String
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.staffID = staffID
        self.personID = personID
        self.managerAgreedByID = managerAgreedByID
        self.shared = shared
        self.number = number
        self.reason = reason
        self.decidedOn = decidedOn
    }
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension NumberSharing {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["number", "reason"]

    public var number: String {
        get { DataKeys.open(sealedNumber) }
        set { sealedNumber = DataKeys.seal(newValue) }
    }

    public var reason: String {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = DataKeys.seal(newValue) }
    }
}
