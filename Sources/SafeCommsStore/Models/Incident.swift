import FluentKit
import Foundation
import SafeCommsCore

/// Something that went wrong, raised by a member of staff (PD-1.10, PD-1.13, PD-2.1–PD-2.5, PD-4.2,
/// WA-13, WNL-5.2, or a breach of any clause). Never edited or deleted: its steps are done in order
/// and amendments are new rows (`IncidentAmendment`). No image is ever stored: what came with a
/// message is named, sized and digested, never kept.
public final class Incident: Model, @unchecked Sendable {
    public static let schema = "incidents"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @OptionalField(key: "case_id") public var caseID: UUID?
    @Field(key: "reporter_id") public var reporterID: UUID
    @Field(key: "kind") public var kind: IncidentKind
    /// The kind's clause, or the clause breached.
    @Field(key: "clause") public var clause: String
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "raised_at") public var raisedAt: Date
    @Field(key: "summary") var sealedSummary: String
    /// Where it was raised from: `communication`, `message_slip`, `follow_up`, `check`; nil on its own.
    @OptionalField(key: "source_type") public var sourceType: String?
    @OptionalField(key: "source_id") public var sourceID: UUID?
    /// Set when its last step is done.
    @OptionalField(key: "closed_at") public var closedAt: Date?

    public init() {}

    public init(
        id: UUID,
        organisationID: UUID,
        caseID: UUID?,
        reporterID: UUID,
        kind: IncidentKind,
        clause: String,
        occurredAt: Date,
        raisedAt: Date,
        summary: String,
        sourceType: String?,
        sourceID: UUID?
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.reporterID = reporterID
        self.kind = kind
        self.clause = clause
        self.occurredAt = RowDigest.storable(occurredAt)
        self.raisedAt = RowDigest.storable(raisedAt)
        self.summary = summary
        self.sourceType = sourceType
        self.sourceID = sourceID
    }
}

extension Incident {
    /// What its step `id` (`PD-2.3b`) is, from its kind's ladder, with the organisation's own deadlines.
    public func template(of id: String, minutes: [String: Int] = [:]) -> IncidentStepTemplate? {
        IncidentLadder.steps(for: kind, breached: clause, repeated: true, minutes: minutes).first { $0.id == id }
    }
}

/// One step of an incident's ladder (`IncidentLadder`), opened when the one before it is done.
public final class IncidentStep: Model, @unchecked Sendable {
    public static let schema = "incident_steps"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "incident_id") public var incidentID: UUID
    /// The clause and letter: `PD-2.3b`.
    @Field(key: "step") public var step: String
    @Field(key: "position") public var position: Int
    @Field(key: "owner") public var owner: StepOwner
    @OptionalField(key: "opened_at") public var openedAt: Date?
    @OptionalField(key: "due_at") public var dueAt: Date?
    @OptionalField(key: "done_at") public var doneAt: Date?
    @OptionalField(key: "done_by_id") public var doneByID: UUID?
    @OptionalField(key: "note") var sealedNote: String?
    @OptionalField(key: "reference") var sealedReference: String?
    /// Who has been told it is overdue (`IncidentEscalation.Level`).
    @Field(key: "escalated") public var escalated: Int

    public init() {}

    public init(id: UUID, organisationID: UUID, incidentID: UUID, step: String, position: Int, owner: StepOwner) {
        self.id = id
        self.organisationID = organisationID
        self.incidentID = incidentID
        self.step = step
        self.position = position
        self.owner = owner
        self.escalated = 0
    }
}

/// A later word on an incident: why, what it now says, who and when. The incident is never changed.
public final class IncidentAmendment: Model, @unchecked Sendable {
    public static let schema = "incident_amendments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "incident_id") public var incidentID: UUID
    @Field(key: "made_by_id") public var madeByID: UUID
    @Field(key: "made_at") public var madeAt: Date
    @Field(key: "reason") var sealedReason: String
    @Field(key: "summary") var sealedSummary: String

    public init() {}

    public init(
        id: UUID,
        organisationID: UUID,
        incidentID: UUID,
        madeByID: UUID,
        madeAt: Date,
        reason: String,
        summary: String
    ) {
        self.id = id
        self.organisationID = organisationID
        self.incidentID = incidentID
        self.madeByID = madeByID
        self.madeAt = RowDigest.storable(madeAt)
        self.reason = reason
        self.summary = summary
    }
}

/// Someone an incident is about, each with their own role on it: a person on the case, or a member of
/// staff. Linking one never copies another's role.
public final class IncidentPerson: Model, @unchecked Sendable {
    public static let schema = "incident_people"

    public enum Role: String, Codable, CaseIterable, Sendable {
        case childConcerned = "child_concerned"
        case allegedToHaveCausedHarm = "alleged_to_have_caused_harm"
        case witness
        case staffMember = "staff_member"
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "incident_id") public var incidentID: UUID
    @OptionalField(key: "person_id") public var personID: UUID?
    @OptionalField(key: "staff_id") public var staffID: UUID?
    @Field(key: "role") public var role: Role

    public init() {}

    public init(id: UUID, organisationID: UUID, incidentID: UUID, personID: UUID?, staffID: UUID?, role: Role) {
        self.id = id
        self.organisationID = organisationID
        self.incidentID = incidentID
        self.personID = personID
        self.staffID = staffID
        self.role = role
    }
}

/// What people write on an incident is stored sealed under the data key (`DataKeys`).
extension Incident {
    static let sealedColumns = ["summary"]

    public var summary: String {
        get { DataKeys.open(sealedSummary) }
        set { sealedSummary = DataKeys.seal(newValue) }
    }
}

extension IncidentStep {
    static let sealedColumns = ["note", "reference"]

    public var note: String? {
        get { DataKeys.open(sealedNote) }
        set { sealedNote = newValue.map(DataKeys.seal) }
    }

    public var reference: String? {
        get { DataKeys.open(sealedReference) }
        set { sealedReference = newValue.map(DataKeys.seal) }
    }
}

extension IncidentAmendment {
    static let sealedColumns = ["reason", "summary"]

    public var reason: String {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = DataKeys.seal(newValue) }
    }

    public var summary: String {
        get { DataKeys.open(sealedSummary) }
        set { sealedSummary = DataKeys.seal(newValue) }
    }
}

/// Each row sealed into the audit event that writes it (`SealedRow`); a step is sealed again when done.
extension Incident: SealedRow {
    public static let auditEntity = "incident"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(reporterID)
        d.add(kind.rawValue)
        d.add(clause)
        d.add(occurredAt)
        d.add(raisedAt)
        d.add(summary)
        d.add(sourceType)
        d.add(sourceID)
        return d.hex
    }
}

extension IncidentStep: SealedRow {
    public static let auditEntity = "incident_step"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(incidentID)
        d.add(step)
        d.add(position)
        d.add(owner.rawValue)
        d.add(openedAt)
        d.add(dueAt)
        d.add(doneAt)
        d.add(doneByID)
        d.add(note)
        d.add(reference)
        return d.hex
    }
}

extension IncidentAmendment: SealedRow {
    public static let auditEntity = "incident_amendment"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(incidentID)
        d.add(madeByID)
        d.add(madeAt)
        d.add(reason)
        d.add(summary)
        return d.hex
    }
}
