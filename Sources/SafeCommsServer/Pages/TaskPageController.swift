import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/tasks`: the caller's tasks (what the check said must follow a message they sent), each marked
/// done with a note; for managers and the DSL, the overdue tasks of those they manage.
struct TaskPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("tasks", use: list)
        signedIn.post("tasks", ":taskID", "done", use: done)
    }

    struct Row: Encodable {
        var id: String
        var action: String
        var clause: String
        var reference: String
        var worker: String
        var due: String
        var overdue: Bool
    }

    struct Context: Encodable {
        var title = "Tasks"
        var csrf: String
        var user: String
        var done: Bool
        var oversees: Bool
        var mine: [Row]
        var overdue: [Row]
    }

    func list(req: Request) async throws -> View {
        let p = try await req.principal()
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let (mine, overdue) = try await Tasks.open(for: p, on: req.db)
        let now = Date()
        func row(_ v: Tasks.View) -> Row {
            Row(
                id: v.task.id!.uuidString,
                action: v.task.action,
                clause: v.task.clause,
                reference: v.caseReference,
                worker: v.worker,
                due: WallClockText.dateTime(v.task.dueAt, zone: zone),
                overdue: v.task.dueAt < now
            )
        }
        return try await req.view.render(
            "tasks",
            Context(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                done: req.queryText("done") == "1",
                oversees: AccessPolicy.overseesOthers(p),
                mine: mine.map(row),
                overdue: overdue.map(row)
            )
        )
    }

    struct Form: Content {
        var note: String?
    }

    func done(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(Form.self)
        _ = try await Tasks.done(
            try req.id("taskID", field: "task_id"),
            note: form.note,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: "/tasks?done=1")
    }
}
