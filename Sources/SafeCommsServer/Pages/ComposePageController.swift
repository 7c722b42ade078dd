import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// "May I?" on the case: the compose page, its Check button (which works without script), and the
/// answer the page's script fetches as the worker types. Each asks `CaseCheck` and renders its
/// decision with `CheckPanel`; every check is in the audit trail (the decision and clauses, never
/// the words).
struct ComposePageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("cases", ":caseID", "compose", use: compose)
        signedIn.post("cases", ":caseID", "compose", use: check)
        signedIn.post("cases", ":caseID", "check", use: checkAsYouType)
    }

    struct Form: Content {
        var personID: String?
        var channel: String?
        var subject: String?
        var text: String?
        var proceedReason: String?
        /// `check` (the default) or `send`.
        var action: String?

        enum CodingKeys: String, CodingKey {
            case channel, subject, text, action
            case personID = "person_id"
            case proceedReason = "proceed_reason"
        }
    }

    func compose(req: Request) async throws -> Response {
        let (c, _) = try await CaseAccess.load(req, .write)
        return try await page(
            req,
            c,
            Form(personID: req.queryText("person"), channel: SafeCommsCore.Channel.sms.rawValue),
            panel: nil,
            errors: []
        )
    }

    /// The Check button: the page again, with the answer. The Send button: sent and recorded, then
    /// the chronology; refused with the answer when the check blocks it.
    func check(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(Form.self)
        if form.action == "send" { return try await send(req, c, p, form) }
        do {
            let panel = try await decide(req, c, p, form)
            return try await page(req, c, form, panel: panel, errors: [])
        } catch let e as ValidationError {
            return try await page(
                req,
                c,
                form,
                panel: nil,
                errors: [.init(field: e.field, message: PageController.sentence(e))],
                status: .unprocessableEntity
            )
        }
    }

    private func send(_ req: Request, _ c: CaseFile, _ p: Principal, _ form: Form) async throws -> Response {
        let channel = form.channel ?? ""
        func again(_ errors: [PageController.FieldError], panel: CheckPanel? = nil) async throws -> Response {
            try await page(req, c, form, panel: panel, errors: errors, status: .unprocessableEntity)
        }
        guard req.application.messageSender?.sends(channel) == true else {
            return try await again([
                .init(
                    field: "channel",
                    message:
                        "Only a text or an e-mail can be sent from here: send anything else from your work phone, then record it"
                )
            ])
        }
        do {
            _ = try await SendMessage.queue(
                .init(
                    personID: form.personID.flatMap(UUID.init(uuidString:)),
                    channel: channel,
                    subject: form.subject,
                    text: form.text ?? "",
                    proceedReason: form.proceedReason
                ),
                on: c,
                by: p,
                library: req.application.policyLibrary,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/cases/\(c.id!.uuidString)?sent=1")
        } catch let e as ValidationError {
            return try await again([.init(field: e.field, message: PageController.sentence(e))])
        } catch let e as ValidationErrors {
            return try await again(e.errors.map { .init(field: $0.field, message: PageController.sentence($0)) })
        } catch is SendMessage.Blocked {
            return try await again(
                [.init(field: "text", message: "The check says this must not be sent, so nothing was sent")],
                panel: try await decide(req, c, p, form)
            )
        }
    }

    /// The answer alone, for the page's script: the same panel the Check button shows.
    func checkAsYouType(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(Form.self)
        var h = HTML(capacity: 2048)
        do {
            try await decide(req, c, p, form).write(&h)
        } catch let e as ValidationError {
            h.raw("<p class=\"hint\">")
            h.text(PageController.sentence(e))
            h.raw("</p>")
        }
        return h.response()
    }

    private func decide(_ req: Request, _ c: CaseFile, _ p: Principal, _ form: Form) async throws -> CheckPanel {
        guard let channel = form.channel.flatMap(SafeCommsCore.Channel.init(rawValue:)) else {
            throw ValidationError(field: "channel", reason: "is required: choose how you will send it")
        }
        let text = form.text ?? ""
        guard text.count <= 10_000 else {
            throw ValidationError(field: "text", reason: "is longer than 10000 characters")
        }
        let personID = try form.personID.flatMap { $0.isEmpty ? nil : $0 }.map { text in
            guard let id = UUID(uuidString: text) else {
                throw ValidationError(field: "person_id", reason: "is not someone on this case")
            }
            return id
        }
        let library = req.application.policyLibrary
        let checked = try await CaseCheck.decide(
            .init(personID: personID, channel: channel, subject: form.subject, text: text),
            on: c,
            by: p,
            library: library,
            on: req.db
        )
        let decision = checked.decision
        try await req.application.auditBatcher.record(
            AuditEntry(
                action: .checked,
                entity: "case",
                entityID: c.id?.uuidString,
                caseID: c.id,
                detail:
                    "\(channel.rawValue) \(decision.decision.rawValue): \(decision.clauses.joined(separator: ", ")) (web)"
            ),
            try req.auditContext()
        )
        var clauses: [String: String] = [:]
        var links: [String: String] = [:]
        for id in decision.clauses + decision.obligations.map(\.clause) {
            clauses[id] = library.clause(id)?.summary
            links[id] = library.packID(of: id).map { "/policies/\($0)#\(id)" }
        }
        // Once sent, the record form filled in: never for what must not be sent.
        var link: String?
        if decision.decision != .block, !text.isEmpty {
            var query = URLComponents()
            query.queryItems = [
                URLQueryItem(name: "channel", value: channel.rawValue),
                URLQueryItem(name: "counterpart_name", value: checked.person?.name ?? ""),
                URLQueryItem(name: channel.isWritten ? "transcript" : "summary", value: text),
            ]
            link = "/cases/\(c.id!.uuidString)/record?\(query.percentEncodedQuery ?? "")"
        }
        return CheckPanel(
            decision: decision,
            text: checked.request.text ?? text,
            clauses: clauses,
            clauseLinks: links,
            recordLink: link
        )
    }

    private func page(
        _ req: Request,
        _ c: CaseFile,
        _ form: Form,
        panel: CheckPanel?,
        errors: [PageController.FieldError],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let caseID = try c.requireID()
        let people = try await req.db.scoped(to: c.organisationID).query(CasePerson.self)
            .filter(\.$caseID == caseID).all()
        let view = ComposeView(
            caseID: c.id!.uuidString,
            reference: c.reference,
            csrf: CSRF.token(for: req),
            people: people.map {
                // A number or address a message failed to reach for good is flagged where it is chosen.
                let failed = [$0.phoneFailedAt.map { _ in "number" }, $0.emailFailedAt.map { _ in "e-mail address" }]
                    .compactMap { $0 }
                return .init(
                    id: $0.id!.uuidString,
                    label: "\($0.name) (\($0.role.replacingOccurrences(of: "_", with: " ")))"
                        + (failed.isEmpty ? "" : ", \(failed.joined(separator: " and ")) may be wrong")
                )
            },
            form: form,
            panel: panel,
            errors: errors,
            canSend: req.application.messageSender.map { $0.sends("sms") || $0.sends("email") } ?? false
        )
        return PageLayout.page(
            title: "Write to someone on \(c.reference)",
            user: try req.staff().name,
            csrf: CSRF.token(for: req),
            body: view.write
        ).response(status: status)
    }
}
