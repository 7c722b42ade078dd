import Foundation
import SafeCommsCore
import SafeCommsPolicies
import SafeCommsStore
import Vapor

/// `/policies/simulate`: an administrator pastes a changed pack (or a new version) and sees what it
/// would have warned about or stopped in the organisation's recorded contact of the last days, per
/// clause and per team, before switching it on. Nothing changes until they do.
struct SimulationPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("policies", "simulate", use: form)
        signedIn.post("policies", "simulate", use: simulate)
    }

    struct Form: Content {
        var pack: String
        var days: String

        enum CodingKeys: String, CodingKey { case pack, days }

        init(pack: String, days: String) {
            self.pack = pack
            self.days = days
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pack = try c.decodeIfPresent(String.self, forKey: .pack) ?? ""
            days = try c.decodeIfPresent(String.self, forKey: .days) ?? ""
        }
    }

    private func administrator(_ req: Request) async throws -> Principal {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .administer) else {
            throw Abort(.forbidden, reason: "Only an administrator tries a changed policy against past contact.")
        }
        return p
    }

    func form(req: Request) async throws -> Response {
        _ = try await administrator(req)
        let start = req.queryText("from") ?? BundledPolicies.ids[0]
        let view = SimulationView(
            form: Form(pack: BundledPolicies.yaml(of: start) ?? "", days: "28"),
            csrf: CSRF.token(for: req),
            start: start
        )
        return PageLayout.page(
            title: "Try a changed policy",
            user: try req.staff().name,
            csrf: CSRF.token(for: req),
            body: view.write
        )
        .response()
    }

    func simulate(req: Request) async throws -> Response {
        let p = try await administrator(req)
        let form = try req.content.decode(Form.self)
        var view = SimulationView(form: form, csrf: CSRF.token(for: req), start: "")
        var candidate: PolicyPack?
        do {
            candidate = try PolicyPack.load(yaml: form.pack, file: "the changed pack")
        } catch let e as PolicyPackError {
            view.errors.append(.init(field: "pack", message: "The changed pack cannot be read: \(e.description)"))
        }
        let days = Int(form.days.trimmingCharacters(in: .whitespaces))
        if days == nil || !(1...366).contains(days!) {
            view.errors.append(.init(field: "days", message: "Enter a number of days between 1 and 366"))
        }
        if let candidate, let days, view.errors.isEmpty {
            view.report = try await PolicySimulations.run(
                candidate,
                days: days,
                packs: try await PolicyController.packs(req, p),
                for: p,
                audit: try req.auditContext(),
                on: req.db
            )
            view.candidate = candidate
        }
        return PageLayout.page(
            title: "Try a changed policy",
            user: try req.staff().name,
            csrf: CSRF.token(for: req),
            body: view.write
        )
        .response(status: view.errors.isEmpty ? .ok : .unprocessableEntity)
    }
}

/// The simulation page: the form, and what the change would have done.
struct SimulationView {
    var form: SimulationPageController.Form
    var csrf: String
    /// The bundled pack the form was started from.
    var start: String
    var errors: [PageController.FieldError] = []
    var report: PolicySimulation.Report?
    var candidate: PolicyPack?

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/policies\" class=\"back-link\">The policies</a>\n")
        h.raw("<h1 class=\"heading-l\">Try a changed policy against past contact</h1>\n")
        h.raw(
            "<p class=\"body\">Paste a changed pack, or a new version of one. Every message recorded in the days you choose is "
        )
        h.raw(
            "checked by the policies in use and again with the change, and the two answers are counted. Nothing changes "
        )
        h.raw("until the pack is installed and chosen in the organisation's settings.</p>\n")
        if let report, let candidate { write(report, candidate, &h) }
        h.raw("<form method=\"get\" action=\"/policies/simulate\" class=\"filters\">\n<div class=\"form-group\">")
        h.raw(
            "<label class=\"label\" for=\"from\">Start from the pack</label>\n<select class=\"select\" id=\"from\" name=\"from\">\n"
        )
        for id in BundledPolicies.ids {
            h.raw("<option value=\"")
            h.text(id)
            h.raw(id == start ? "\" selected>" : "\">")
            h.text(id)
            h.raw("</option>\n")
        }
        h.raw(
            "</select></div>\n<button type=\"submit\" class=\"button button-secondary\">Load it into the form</button>\n</form>\n"
        )
        h.raw(
            "<form method=\"post\" action=\"/policies/simulate\" novalidate>\n<input type=\"hidden\" name=\"csrf\" value=\""
        )
        h.text(csrf)
        h.raw("\">\n")
        field("pack", "The changed pack (YAML)", "The whole pack, as its file reads.", &h) { h in
            h.raw(
                "<textarea class=\"textarea textarea-code\" id=\"pack\" name=\"pack\" rows=\"18\" spellcheck=\"false\">"
            )
            h.text(form.pack)
            h.raw("</textarea>\n")
        }
        field("days", "How many days back", "Up to 366.", &h) { h in
            h.raw(
                "<input class=\"input input-short\" id=\"days\" name=\"days\" type=\"text\" inputmode=\"numeric\" value=\""
            )
            h.text(form.days)
            h.raw("\">\n")
        }
        h.raw("<button type=\"submit\" class=\"button\">Try it</button>\n</form>\n")
    }

    private func write(_ r: PolicySimulation.Report, _ pack: PolicyPack, _ h: inout HTML) {
        h.raw("<div class=\"notification-success\" role=\"status\" id=\"simulation-result\"><p>")
        h.text(pack.title)
        h.raw(" (version ")
        h.text(pack.version)
        h.raw("): of ")
        h.text(r.messages)
        h.raw(r.messages == 1 ? " message, " : " messages, ")
        h.text(r.changed)
        h.raw(
            r.changed == 1
                ? " would have been decided differently.</p></div>\n"
                : " would have been decided differently.</p></div>\n"
        )
        table("By clause", "simulation-clauses", "Clause", r.byClause, &h)
        table("By team (messages by their decision)", "simulation-teams", "Team", r.byTeam, &h)
    }

    private func table(
        _ title: StaticString,
        _ id: StaticString,
        _ heading: StaticString,
        _ rows: [PolicySimulation.Counts],
        _ h: inout HTML
    ) {
        h.raw("<h2 class=\"heading-m\">")
        h.raw(title)
        h.raw("</h2>\n")
        guard !rows.isEmpty else {
            h.raw("<p class=\"body\">Nothing warned or stopped either way.</p>\n")
            return
        }
        h.raw("<table class=\"table\" id=\"")
        h.raw(id)
        h.raw("\">\n<caption class=\"visually-hidden\">")
        h.raw(title)
        h.raw("</caption>\n<thead><tr><th scope=\"col\">")
        h.raw(heading)
        h.raw("</th><th scope=\"col\">Warned now</th><th scope=\"col\">Stopped now</th>")
        h.raw(
            "<th scope=\"col\">Warned with the change</th><th scope=\"col\">Stopped with the change</th></tr></thead>\n<tbody>\n"
        )
        for c in rows {
            h.raw(c.changed ? "<tr class=\"changed\"><th scope=\"row\">" : "<tr><th scope=\"row\">")
            h.text(c.name)
            if c.changed { h.raw(" <strong class=\"tag\">Changes</strong>") }
            h.raw("</th><td>")
            h.text(c.warnBefore)
            h.raw("</td><td>")
            h.text(c.blockBefore)
            h.raw("</td><td>")
            h.text(c.warnAfter)
            h.raw("</td><td>")
            h.text(c.blockAfter)
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
    }

    private func field(
        _ id: String,
        _ label: String,
        _ hint: String,
        _ h: inout HTML,
        _ control: (inout HTML) -> Void
    ) {
        FormGroup.write(id: id, label: label, hint: hint, errors: errors, &h, control)
    }
}
