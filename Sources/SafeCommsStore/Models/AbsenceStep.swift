import FluentKit
import Foundation

/// One step of the LIN-13 checklist done for an unexpected absence: which, who, when.
public final class AbsenceStep: Model, @unchecked Sendable {
    public static let schema = "absence_steps"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "done_at", on: .create) public var doneAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "absence_id") public var absenceID: UUID
    @Field(key: "done_by_id") public var doneByID: UUID

    // data fields
    /// `LIN-13a` … `LIN-13d`.
    @Field(key: "step") public var step: String
    @OptionalField(key: "note") public var note: String?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, absenceID: UUID, doneByID: UUID, step: String, note: String?) {
        self.id = id
        self.organisationID = organisationID
        self.absenceID = absenceID
        self.doneByID = doneByID
        self.step = step
        self.note = note
    }
}
