import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/tokens`: a person's own API tokens — made with a name, a scope and an expiry, shown once, listed
/// and revoked; `/admin/tokens`: every token of the organisation for administrators, never a value.
struct TokenPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("tokens", use: mine)
        signedIn.post("tokens", use: make)
        signedIn.post("tokens", ":tokenID", "revoke", use: revoke)
        signedIn.get("admin", "tokens", use: everyone)
    }

    struct Form: Content {
        var label = ""
        var scope = TokenScope.check.rawValue
        var days = String(TokenScope.defaultDays)

        init() {}

        /// A field left out is empty, so it is named rather than the form failing whole.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            label = try c.decodeIfPresent(String.self, forKey: .label) ?? ""
            scope = try c.decodeIfPresent(String.self, forKey: .scope) ?? ""
            days = try c.decodeIfPresent(String.self, forKey: .days) ?? ""
        }
    }

    func mine(req: Request) async throws -> Response {
        try await render(req, form: Form(), errors: [], made: nil, status: .ok)
    }

    func make(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(Form.self)
        var errors: [PageController.FieldError] = []
        let scope = TokenScope(rawValue: form.scope)
        if scope == nil { errors.append(.init(field: "scope_check", message: "Choose what the token may do")) }
        let days = Int(form.days.trimmingCharacters(in: .whitespaces))
        if days == nil { errors.append(.init(field: "days", message: Self.pageWords["days"]!)) }
        var token: String?
        do {
            if let scope, let days {
                token = try await APITokens.issue(
                    for: try req.staff(),
                    label: form.label,
                    scope: scope,
                    days: days,
                    context: try req.auditContext(),
                    on: req.db
                )
            } else {
                // Check the rest too, so every problem is named at once.
                try Self.checkOthers(form)
            }
        } catch let e as ValidationErrors {
            errors += e.errors.map {
                .init(field: $0.field, message: Self.pageWords[$0.field] ?? PageController.sentence($0))
            }
        }
        guard let token else {
            return try await render(req, form: form, errors: errors, made: nil, status: .unprocessableEntity, p)
        }
        let response = try await render(req, form: Form(), errors: [], made: token, status: .ok, p)
        // The token is on this page only: no cache keeps it.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The form's own words for `APITokens.issue`'s problems.
    static let pageWords = [
        "label": "Give the token a name of 1 to 100 characters",
        "days": "Enter a number of days from 1 to \(TokenScope.maxDays)",
    ]

    private static func checkOthers(_ form: Form) throws {
        let label = form.label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard label.isEmpty || label.count > 100 else { return }
        throw ValidationErrors([
            ValidationError(field: "label", reason: "give the token a name of 1 to 100 characters")
        ])
    }

    func revoke(req: Request) async throws -> Response {
        let p = try await req.principal()
        struct Back: Content { var back: String? }
        let back = (try? req.content.decode(Back.self))?.back == "/admin/tokens" ? "/admin/tokens" : "/tokens"
        _ = try await APITokenRegister.revoke(
            try req.id("tokenID", field: "token_id"),
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: back + "?done=revoked")
    }

    func everyone(req: Request) async throws -> Response {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .administer) else {
            throw Abort(.forbidden, reason: "This page is for the organisation's administrators.")
        }
        let view = TokensView(
            tokens: try await APITokenRegister.organisation(for: p, on: req.db),
            names: try await req.staffNames(p),
            organisationWide: true,
            form: Form(),
            errors: [],
            made: nil,
            revoked: req.queryText("done") == "revoked",
            zone: try await zone(req, p),
            csrf: CSRF.token(for: req)
        )
        return try PageLayout.response(req, "Everyone's API tokens", view.write)
    }

    private func render(
        _ req: Request,
        form: Form,
        errors: [PageController.FieldError],
        made: String?,
        status: HTTPStatus,
        _ principal: Principal? = nil
    ) async throws -> Response {
        let p: Principal
        if let principal { p = principal } else { p = try await req.principal() }
        let view = TokensView(
            tokens: try await APITokenRegister.mine(for: p, on: req.db),
            names: [:],
            organisationWide: false,
            form: form,
            errors: errors,
            made: made,
            revoked: req.queryText("done") == "revoked",
            zone: try await zone(req, p),
            csrf: CSRF.token(for: req)
        )
        return try PageLayout.response(req, "Your API tokens", status: status, view.write)
    }

    private func zone(_ req: Request, _ p: Principal) async throws -> TimeZone {
        try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
    }
}
