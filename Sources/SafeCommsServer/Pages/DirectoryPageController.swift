import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/directory`: the organisation's People Finder (LIN-11). Everyone signed in finds a colleague by
/// name or team and sees their numbers, where a call to them goes now and why, and whether they are
/// away; business support takes a message for them from their row (LIN-9, LIN-10). Entries not
/// confirmed in 90 days come first, and each member of staff confirms their own details here.
struct DirectoryPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("directory", use: list)
        signedIn.post("directory", "confirm", use: confirm)
    }

    func list(req: Request) async throws -> Response {
        let p = try await req.principal()
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let teams = try await TeamListing.all(of: p.organisationID, reader: req.application.sqliteReader, on: req.db)
        var form = DirectoryView.Form(name: req.queryText("name") ?? "", team: req.queryText("team") ?? "")
        var errors: [PageController.FieldError] = []
        var teamID: UUID?
        if !form.team.isEmpty {
            teamID = UUID(uuidString: form.team).flatMap { id in teams.contains { $0.id == id } ? id : nil }
            if teamID == nil {
                errors.append(.init(field: "team", message: "Choose a team from the list"))
                form.team = ""
            }
        }
        if form.name.count > 100 {
            errors.append(.init(field: "name", message: "Enter at most 100 characters of a name"))
            form.name = ""
        }
        let everyone = try await Directory.entries(of: p, settings: settings, on: req.db)
        let view = DirectoryView(
            entries: Directory.matching(everyone, name: form.name, teamID: teamID),
            me: everyone.first { $0.worker.id == p.staffID },
            teams: teams,
            form: form,
            errors: errors,
            canTakeMessages: AccessPolicy.canTakeMessages(p),
            zone: settings.timeZone,
            csrf: CSRF.token(for: req),
            confirmed: req.queryText("done") == "confirmed"
        )
        return try PageLayout.response(
            req,
            "Directory",
            status: errors.isEmpty ? .ok : .unprocessableEntity,
            view.write
        )
    }

    /// LIN-11: the signed-in member of staff says their details are up to date.
    func confirm(req: Request) async throws -> Response {
        let p = try await req.principal()
        _ = try await Directory.confirmDetails(of: p.staffID, for: p, audit: try req.auditContext(), on: req.db)
        return req.redirect(to: "/directory?done=confirmed")
    }
}
