import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Tasks through the API: what the check said must follow a message (`Tasks`).
struct TaskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tasks = routes.grouped("tasks")
        tasks.get(use: list)
        tasks.post(":taskID", "done", use: done)
    }

    struct DoneInput: Content {
        var note: String?
    }

    /// The caller's open tasks, soonest due first, then the overdue ones of those they manage.
    func list(req: Request) async throws -> [TaskDTO] {
        let (mine, overdue) = try await Tasks.open(for: try await req.principal(), on: req.db)
        return (mine + overdue).map { TaskDTO($0.task, caseReference: $0.caseReference, worker: $0.worker) }
    }

    func done(req: Request) async throws -> TaskDTO {
        let p = try await req.principal()
        let input = try req.content.decode(DoneInput.self)
        let task = try await Tasks.done(
            try req.id("taskID", field: "task_id"),
            note: input.note,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return TaskDTO(task, caseReference: nil, worker: nil)
    }
}

struct TaskDTO: Content {
    var id: UUID?
    var caseId: UUID
    var caseReference: String?
    var staffId: UUID
    var worker: String?
    var clause: String
    var action: String
    var due: Date
    var overdue: Bool
    var recordId: UUID?
    var doneAt: Date?
    var doneBy: UUID?
    var note: String?

    init(_ t: CaseTask, caseReference: String?, worker: String?) {
        id = t.id
        caseId = t.caseID
        self.caseReference = caseReference
        staffId = t.staffID
        self.worker = worker
        clause = t.clause
        action = t.action
        due = t.dueAt
        overdue = t.doneAt == nil && t.dueAt < Date()
        recordId = t.recordID
        doneAt = t.doneAt
        doneBy = t.doneByID
        note = t.note
    }
}
