import FluentKit
import Foundation
import SafeCommsCore

/// A child's case. Called CaseFile because `case` is a Swift keyword.
public final class CaseFile: Model, @unchecked Sendable {
    public static let schema = "cases"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @OptionalField(key: "team_id") public var teamID: UUID?
    @OptionalField(key: "key_worker_id") public var keyWorkerID: UUID?

    // data fields
    /// The organisation's own case reference, unique within it.
    @Field(key: "reference") public var reference: String
    /// How the child is named on screen (initials or a first name; the full record is a CasePerson).
    @Field(key: "display_name") var sealedDisplayName: String
    @Field(key: "status") public var status: CaseStatus
    @Field(key: "in_crisis") public var inCrisis: Bool
    @Field(key: "opened_on") public var openedOn: String

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        teamID: UUID?,
        keyWorkerID: UUID?,
        reference: String,
        displayName: String,
        status: CaseStatus,
        inCrisis: Bool = false,
        openedOn: String
    ) {
        self.id = id
        self.organisationID = organisationID
        self.teamID = teamID
        self.keyWorkerID = keyWorkerID
        self.reference = reference
        self.displayName = displayName
        self.status = status
        self.inCrisis = inCrisis
        self.openedOn = openedOn
    }
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension CaseFile {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["display_name"]

    public var displayName: String {
        get { DataKeys.open(sealedDisplayName) }
        set { sealedDisplayName = DataKeys.seal(newValue) }
    }
}
