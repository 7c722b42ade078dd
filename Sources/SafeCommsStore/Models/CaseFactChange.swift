import FluentKit
import Foundation
import SafeCommsCore

/// One change to a case's facts (its status, crisis flag, key worker or team): who, when, from what
/// to what and why. COV-3 and PD-12.d decide on the current facts; this is how they came to be.
public final class CaseFactChange: Model, @unchecked Sendable {
    public static let schema = "case_fact_changes"

    /// The facts that change, as stored in `fact`.
    public enum Fact: String, Sendable, CaseIterable {
        case status
        case inCrisis = "in_crisis"
        case keyWorker = "key_worker_id"
        case team = "team_id"
    }

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "changed_by_id") public var changedByID: UUID

    // data fields
    @Field(key: "changed_at") public var changedAt: Date
    @Field(key: "fact") public var fact: String
    /// Codes and ids, never personal data: a status, "true"/"false", a staff or team id.
    @OptionalField(key: "before") public var before: String?
    @OptionalField(key: "after") public var after: String?
    @Field(key: "reason") var sealedReason: String

    public init() {}

    public init(
        organisationID: UUID,
        caseID: UUID,
        changedByID: UUID,
        changedAt: Date,
        fact: Fact,
        before: String?,
        after: String?,
        reason: String
    ) {
        self.organisationID = organisationID
        self.caseID = caseID
        self.changedByID = changedByID
        self.changedAt = changedAt
        self.fact = fact.rawValue
        self.before = before
        self.after = after
        self.reason = reason
    }
}

/// The reason can name people, so it is sealed under the data key (`DataKeys`).
extension CaseFactChange {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["reason"]

    public var reason: String {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = DataKeys.seal(newValue) }
    }
}
