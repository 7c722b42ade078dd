import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Sign-in through the council's identity provider: `/auth/oidc/start` sends the browser to it with a
/// new state, nonce and PKCE verifier kept in this browser's session; `/auth/oidc/callback` takes the
/// answer once (whatever happens, the state cannot be answered again), and signs in the active member
/// of staff whose e-mail address the provider names. Nobody is made on the fly, and roles stay
/// SafeComms' own. The provider enforces its own second factor, so SafeComms asks for none.
struct SingleSignOnPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("auth", "oidc", "start", use: start)
        routes.get("auth", "oidc", "callback", use: callback)
    }

    static let stateKey = "oidc_state", nonceKey = "oidc_nonce", verifierKey = "oidc_verifier"
    static let startedKey = "oidc_started"
    /// How long a sign-in started here waits for the provider's answer.
    static let answerWithin: TimeInterval = 10 * 60

    func start(req: Request) async throws -> Response {
        guard let provider = req.application.oidcProvider else { throw Abort(.notFound) }
        let state = PKCE.randomToken(), nonce = PKCE.randomToken(), pkce = PKCE.make()
        let url: String
        do {
            url = try await provider.authorizationURL(state: state, nonce: nonce, pkce: pkce)
        } catch {
            return Self.refused(
                req,
                provider.settings,
                because: error.forPage(provider.settings.name),
                status: .badGateway
            )
        }
        req.session.data[Self.stateKey] = state
        req.session.data[Self.nonceKey] = nonce
        req.session.data[Self.verifierKey] = pkce.verifier
        req.session.data[Self.startedKey] = String(Int(Date().timeIntervalSince1970))
        return req.redirect(to: url, redirectType: .normal)
    }

    func callback(req: Request) async throws -> Response {
        guard let provider = req.application.oidcProvider else { throw Abort(.notFound) }
        let settings = provider.settings
        var expected: (state: String, nonce: String, verifier: String, started: Double)?
        if req.hasSession, let s = req.session.data[Self.stateKey], let n = req.session.data[Self.nonceKey],
            let v = req.session.data[Self.verifierKey], let t = req.session.data[Self.startedKey].flatMap(Double.init)
        {
            expected = (s, n, v, t)
            // Single use: whatever happens next, this sign-in cannot be answered twice.
            for key in [Self.stateKey, Self.nonceKey, Self.verifierKey, Self.startedKey] { req.session.data[key] = nil }
        }
        // Only a sign-in started in this browser is audited when it fails: anyone can ask for this
        // address, and the audit trail is not theirs to fill.
        func failed(_ why: String) async throws { if expected != nil { try await Self.failed(req, why) } }
        // The provider said no (the person cancelled, or is not allowed): often without the state.
        if let error = req.query[String.self, at: "error"] {
            try await failed("provider said \(String(error.filter { $0.isLetter || $0 == "_" }.prefix(40)))")
            return Self.refused(req, settings, because: "\(settings.name) did not sign you in", status: .unauthorized)
        }
        let given = req.query[String.self, at: "state"] ?? ""
        guard let expected, Date().timeIntervalSince1970 - expected.started < Self.answerWithin,
            Self.same(given, expected.state)
        else {
            try await failed("state")
            return Self.refused(
                req,
                settings,
                because: "the sign-in was not started in this browser, or has already been used",
                status: .unauthorized
            )
        }
        guard let code = req.query[String.self, at: "code"], !code.isEmpty else {
            try await failed("no code")
            return Self.refused(req, settings, because: "the answer had no sign-in code", status: .unauthorized)
        }
        let signedIn: OIDCProvider.SignedIn
        do {
            signedIn = try await provider.signIn(code: code, verifier: expected.verifier, nonce: expected.nonce)
        } catch {
            try await failed(error.description)
            let status: HTTPStatus = if case .unreachable = error { .badGateway } else { .unauthorized }
            return Self.refused(req, settings, because: error.forPage(settings.name), status: status)
        }
        guard
            let staff = try await ProviderGrants.member(
                email: signedIn.name,
                organisationID: settings.organisationID,
                on: req.db
            )
        else {
            try await failed("no such member of staff")
            return Self.refused(
                req,
                settings,
                because: "no one in SafeComms signs in with that account. Check you chose your work account, "
                    + "or ask your administrator to add you",
                status: .unauthorized
            )
        }
        try await ProviderGrants.signedIn(try staff.requireID(), refreshToken: signedIn.refreshToken, on: req.db)
        try await SignIn.recordSignedIn(staff, route: "identity provider", on: req)
        return req.redirect(to: try await SignIn.finish(staff, on: req), redirectType: .normal)
    }

    /// Compared in constant time: the state is a secret of this browser's.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A refused sign-in, audited without the person's details (none are known for sure).
    static func failed(_ req: Request, _ why: String) async throws {
        try await req.application.auditBatcher.record(
            AuditEntry(action: .signInFailed, entity: "session", detail: "identity provider: \(why)"),
            req.application.auditContext(organisationID: nil, source: req.clientAddress)
        )
    }

    /// The page saying nobody was signed in, why, and the ways on.
    static func refused(_ req: Request, _ settings: OIDCSettings, because why: String, status: HTTPStatus) -> Response {
        let page = PageLayout.page(title: "You are not signed in", user: nil, csrf: CSRF.token(for: req)) { h in
            h.raw("<h1 class=\"heading-l\">You are not signed in</h1>\n<p class=\"body\" id=\"why\">")
            h.text("You are not signed in: \(why).")
            h.raw("</p>\n<p class=\"body\"><a class=\"button\" href=\"/auth/oidc/start\">Sign in with ")
            h.text(settings.name)
            h.raw("</a></p>\n<p class=\"body\"><a href=\"/login\">Sign in with a SafeComms password</a></p>\n")
        }.response(status: status)
        CSRF.attachCookie(to: page, for: req)
        return page
    }
}
