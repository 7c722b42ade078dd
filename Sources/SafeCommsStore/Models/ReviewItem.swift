import FluentKit
import Foundation
import SafeCommsCore

/// One clause a recorded or imported message falls foul of, for the worker's managers to look at
/// (`MessageScanner`): one per message and clause, however many things in it were found. It holds
/// no words of the message, only the kinds of thing found; the message stays on the case.
public final class ReviewItem: Model, @unchecked Sendable {
    public static let schema = "review_items"

    public enum Outcome: String, Codable, CaseIterable, Sendable {
        /// Looked at; nothing to do (a reason is given).
        case noAction = "no_action"
        /// The analysers were wrong.
        case falsePositive = "false_positive"
        /// An incident is opened about it.
        case incident
        /// The worker is told by e-mail which clause, and the message's date; never its words.
        case notifyWorker = "notify_worker"
    }

    /// How it was found: when the message was recorded, when it was imported, or by a later scan.
    public enum Origin: String, Codable, Sendable {
        case recorded, imported, scan
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "communication_id") public var communicationID: UUID
    /// The worker whose message it is (who sent it, or received it).
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "clause") public var clause: String
    /// The kinds of thing found, comma-separated (`CASE_PERSON,POSTCODE`).
    @Field(key: "finding_types") public var findingTypes: String
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "flagged_at") public var flaggedAt: Date
    @Field(key: "origin") public var origin: Origin
    @OptionalField(key: "outcome") public var outcome: Outcome?
    @OptionalField(key: "reason") var sealedReason: String?
    @OptionalField(key: "resolved_at") public var resolvedAt: Date?
    @OptionalField(key: "resolved_by_id") public var resolvedByID: UUID?
    @OptionalField(key: "incident_id") public var incidentID: UUID?

    public init() {}

    public init(
        id: UUID = UUID(),
        organisationID: UUID,
        caseID: UUID,
        communicationID: UUID,
        staffID: UUID,
        clause: String,
        findingTypes: [String],
        occurredAt: Date,
        flaggedAt: Date,
        origin: Origin
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.communicationID = communicationID
        self.staffID = staffID
        self.clause = clause
        self.findingTypes = findingTypes.joined(separator: ",")
        self.occurredAt = RowDigest.storable(occurredAt)
        self.flaggedAt = RowDigest.storable(flaggedAt)
        self.origin = origin
    }

    public var types: [String] { findingTypes.split(separator: ",").map(String.init) }
}

/// Why it was resolved as it was is the reviewer's words, sealed under the data key (`DataKeys`).
extension ReviewItem {
    static let sealedColumns = ["reason"]

    public var reason: String? {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = newValue.map(DataKeys.seal) }
    }
}

/// Sealed into the audit event that writes it (`SealedRow`), and again when resolved.
extension ReviewItem: SealedRow {
    public static let auditEntity = "review_item"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(communicationID)
        d.add(staffID)
        d.add(clause)
        d.add(findingTypes)
        d.add(occurredAt)
        d.add(flaggedAt)
        d.add(origin.rawValue)
        d.add(outcome?.rawValue)
        d.add(reason)
        d.add(resolvedAt)
        d.add(resolvedByID)
        d.add(incidentID)
        return d.hex
    }
}
