import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// An import or a carrier-bill report started from a page: `/work/{id}` shows how far it has got
/// while it runs and what it found when done; `/work` lists the reader's own from the last week.
/// Only the person who started one sees it.
struct WorkPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        routes.get("work", use: list)
        routes.get("work", ":workID", use: show)
        routes.get("work", ":workID", "progress", use: progress)
    }

    func list(req: Request) async throws -> Response {
        let p = try await req.principal()
        let work = try await LongWork.recent(for: p, on: req.db)
        return PageLayout.page(
            title: "Your imports and reports",
            user: try req.staff().name,
            csrf: CSRF.token(for: req)
        ) { h in WorkView.list(work, zone: TimeZone(identifier: "Europe/London")!, &h) }.response()
    }

    func show(req: Request) async throws -> Response {
        let p = try await req.principal()
        let work = try await LongWork.one(try id(req), for: p, on: req.db)
        let user = try req.staff().name
        let csrf = CSRF.token(for: req)
        if work.status == .done {
            switch work.kind {
            case .caseImport:
                if var outcome = PageWork.outcome(work, as: ImportPageController.ImportContext.self) {
                    (outcome.page.csrf, outcome.page.user) = (csrf, user)
                    return try await req.view.render("import", outcome.page)
                        .encodeResponse(status: outcome.ok ? .ok : .unprocessableEntity, for: req)
                }
            case .reconciliation:
                if var outcome = PageWork.outcome(work, as: ImportPageController.ReconcileContext.self) {
                    (outcome.page.csrf, outcome.page.user) = (csrf, user)
                    return try await req.view.render("reconcile", outcome.page)
                        .encodeResponse(status: outcome.ok ? .ok : .unprocessableEntity, for: req)
                }
            }
        }
        let reference: String? =
            if let caseID = work.caseID {
                try await req.db.scoped(to: p).find(CaseFile.self, caseID)?.reference
            } else { nil }
        return PageLayout.page(title: WorkView.title(work, reference: reference), user: user, csrf: csrf) { h in
            WorkView.progress(work, reference: reference, &h)
        }.response()
    }

    /// How far it has got, for the page's script: `{"status", "done_bytes", "total_bytes", "pass"}`.
    func progress(req: Request) async throws -> Response {
        let work = try await LongWork.one(try id(req), for: try await req.principal(), on: req.db)
        return try Response.json(
            Progress(
                status: work.status.rawValue,
                doneBytes: work.doneBytes,
                totalBytes: work.totalBytes,
                pass: work.pass
            )
        )
    }

    struct Progress: Encodable {
        var status: String
        var doneBytes: Int
        var totalBytes: Int?
        var pass: Int

        enum CodingKeys: String, CodingKey {
            case status, pass
            case doneBytes = "done_bytes", totalBytes = "total_bytes"
        }
    }

    private func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("workID").flatMap(UUID.init(uuidString:)) else {
            throw Abort(.notFound, reason: "no such import or report")
        }
        return id
    }
}
