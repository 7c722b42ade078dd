import FluentKit
import Foundation
import SafeCommsCore

/// What a check says must follow a message (PD-1.6: note the reason for texting in the case record;
/// PD-1.3: tell the line manager a number was shared; PD-1.2: record an out-of-hours contact), owed by
/// the worker who sent it, by a time. Shown on their tasks; once overdue, to their line manager too.
public final class CaseTask: Model, @unchecked Sendable {
    public static let schema = "tasks"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "staff_id") public var staffID: UUID
    @Field(key: "clause") public var clause: String
    @Field(key: "action") public var action: String
    @Field(key: "due_at") public var dueAt: Date
    /// The chronology record it follows from.
    @OptionalField(key: "record_id") public var recordID: UUID?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "done_at") public var doneAt: Date?
    @OptionalField(key: "done_by_id") public var doneByID: UUID?
    @OptionalField(key: "note") var sealedNote: String?

    public init() {}

    public init(
        organisationID: UUID,
        caseID: UUID,
        staffID: UUID,
        clause: String,
        action: String,
        dueAt: Date,
        recordID: UUID?,
        now: Date
    ) {
        id = UUID()
        self.organisationID = organisationID
        self.caseID = caseID
        self.staffID = staffID
        self.clause = clause
        self.action = action
        self.dueAt = RowDigest.storable(dueAt)
        self.recordID = recordID
        createdAt = RowDigest.storable(now)
    }
}

/// What the worker wrote on doing it, sealed under the data key (`DataKeys`).
extension CaseTask {
    static let sealedColumns = ["note"]

    public var note: String? {
        get { DataKeys.open(sealedNote) }
        set { sealedNote = newValue.map(DataKeys.seal) }
    }
}

extension CaseTask: SealedRow {
    public static let auditEntity = "task"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(staffID)
        d.add(clause)
        d.add(action)
        d.add(dueAt)
        d.add(recordID)
        d.add(createdAt)
        d.add(doneAt)
        d.add(doneByID)
        d.add(note)
        return d.hex
    }
}
