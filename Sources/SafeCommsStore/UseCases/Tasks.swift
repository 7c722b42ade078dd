import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// Tasks: what a check says must follow a message (`Decision.obligations`), owed by the worker who
/// sent it. Each is done once, by the worker or their managers (or the DSL), with a note.
public enum Tasks {
    /// The tasks for a message's obligations, due when the check says.
    /// - Parameter metByRecord: whether SafeComms wrote the message's record itself (a message sent
    ///   from a case, recorded the moment it was queued). An obligation of a "recorded" clause (PD-1.1
    ///   record the call, PD-1.2 note it was out of hours, PD-1.8 transcribe it, PD-3.6 keep a copy)
    ///   is then met by that record: its task is kept, done at once, so the trail shows the obligation
    ///   and how it was met, and the worker is not asked to do what is already done.
    static func owed(
        _ obligations: [Obligation],
        on caseID: UUID,
        record: UUID,
        by p: Principal,
        metByRecord: (Obligation) -> Bool = { _ in false },
        now: Date
    ) -> [CaseTask] {
        obligations.map {
            let task = CaseTask(
                organisationID: p.organisationID,
                caseID: caseID,
                staffID: p.staffID,
                clause: $0.clause,
                action: $0.action,
                dueAt: (try? ISOInstant.parse($0.due, field: "due")) ?? now.addingTimeInterval(86_400),
                recordID: record,
                now: now
            )
            if metByRecord($0) {
                task.doneAt = RowDigest.storable(now)
                task.note = "Met by the chronology record SafeComms wrote when the message was sent."
            }
            return task
        }
    }

    static func setEntries(_ tasks: [CaseTask]) -> [AuditEntry] {
        tasks.map {
            AuditEntry(
                action: .taskSet,
                entity: CaseTask.auditEntity,
                entityID: $0.id?.uuidString,
                caseID: $0.caseID,
                detail: $0.clause,
                rowDigest: $0.digest
            )
        }
    }

    /// One task as a list shows it.
    public struct View: Sendable {
        public var task: CaseTask
        public var caseReference: String
        public var worker: String
    }

    /// The caller's open tasks, soonest due first; and, for a manager or the DSL, the overdue tasks
    /// of the people they manage (the DSL: everyone's).
    public static func open(
        for p: Principal,
        on db: any Database,
        now: Date = Date()
    ) async throws -> (
        mine: [View], overdue: [View]
    ) {
        let scope = db.scoped(to: p)
        let mine = try await scope.query(CaseTask.self).filter(\.$staffID == p.staffID).filter(\.$doneAt == nil)
            .sort(\.$dueAt).all()
        var others: [CaseTask] = []
        if AccessPolicy.overseesOthers(p) {
            let staff = try await scope.query(StaffMember.self).all()
            let managed = Set(
                staff.filter { s in
                    guard let id = s.id, id != p.staffID, let a = try? s.allocation else { return false }
                    return p.roles.contains(.dsl) || AccessPolicy.manages(p, a)
                }.compactMap(\.id)
            )
            if !managed.isEmpty {
                others = try await scope.query(CaseTask.self).filter(\.$doneAt == nil).filter(\.$dueAt < now)
                    .filter(\.$staffID ~~ Array(managed)).sort(\.$dueAt).limit(500).all()
            }
        }
        let caseIDs = Array(Set((mine + others).map(\.caseID)))
        let cases = Dictionary(
            caseIDs.isEmpty
                ? []
                : try await scope.query(CaseFile.self).filter(\.$id ~~ caseIDs).all().map { ($0.id!, $0.reference) },
            uniquingKeysWith: { a, _ in a }
        )
        let names = Dictionary(
            try await scope.query(StaffMember.self).all().compactMap { s in s.id.map { ($0, s.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        func view(_ t: CaseTask) -> View {
            View(task: t, caseReference: cases[t.caseID] ?? "", worker: names[t.staffID] ?? "")
        }
        return (mine.map(view), others.map(view))
    }

    /// Marks a task done, once: of two doing it at once, the second is told.
    /// - Throws: `Refusal.notFound` for a task not theirs or their reports'; `Refusal.conflict` when done.
    public static func done(
        _ id: UUID,
        note: String?,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> CaseTask {
        let scope = db.scoped(to: p)
        let missing = Refusal.notFound("no task \(id.uuidString) of yours or your team's")
        guard let task = try await scope.find(CaseTask.self, id),
            let worker = try await scope.find(StaffMember.self, task.staffID)
        else { throw missing }
        let allocation = try worker.allocation
        guard p.roles.contains(.dsl) || AccessPolicy.isSelfOrManager(p, allocation) else { throw missing }
        guard task.doneAt == nil else { throw Refusal.conflict("this task was already done") }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if (note?.count ?? 0) > 5000 { throw ValidationError(field: "note", reason: "is longer than 5000 characters") }
        try await AuditLog.transaction(on: db, audit) { tx in
            let claimed = try await (tx as! any SQLDatabase).update(CaseTask.schema)
                .set(SQLIdentifier("done_by_id"), to: SQLBind(p.staffID))
                .where("id", .equal, SQLBind(id)).where("done_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !claimed.isEmpty else { throw Refusal.conflict("this task was already done") }
            task.doneAt = RowDigest.storable(now)
            task.doneByID = p.staffID
            task.note = note?.isEmpty == false ? note : nil
            try await task.save(on: tx)
            return (
                (),
                [
                    AuditEntry(
                        action: .taskDone,
                        entity: CaseTask.auditEntity,
                        entityID: id.uuidString,
                        caseID: task.caseID,
                        detail: task.clause,
                        rowDigest: task.digest
                    )
                ]
            )
        }
        return task
    }
}
