import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The second factor at sign-in: `/login/code` asks someone who has set up an authenticator for its
/// code (or a recovery code) after their password; `/login/authenticator` has someone who must use one
/// (`SecondFactorRule`) and has none set one up before they are signed in; `/account/authenticator` is
/// where anyone else sets one up. Recovery codes are shown once. Codes are throttled as passwords are.
struct SecondFactorPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", "code", use: codeForm)
        routes.post("login", "code", use: code)
        routes.get("login", "authenticator", use: firstSetUpForm)
        routes.post("login", "authenticator", use: firstSetUp)
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("account", "authenticator", use: setUpForm)
        signedIn.post("account", "authenticator", use: setUp)
    }

    static let codeHint = "The 6 digits your authenticator app shows now, or a recovery code such as abcde-23456"

    func codeForm(req: Request) async throws -> Response {
        guard try await SignIn.pendingStaff(req) != nil else { return req.redirect(to: "/login") }
        return try Self.codePage(req, errors: [], status: .ok)
    }

    func code(req: Request) async throws -> Response {
        guard let staff = try await SignIn.pendingStaff(req), let staffID = staff.id else {
            return req.redirect(to: "/login")
        }
        let typed = (try? req.content.get(String.self, at: "code")) ?? ""
        guard !typed.trimmingCharacters(in: .whitespaces).isEmpty else {
            return try Self.codePage(
                req,
                errors: [.init(field: "code", message: "Enter the code")],
                status: .unprocessableEntity
            )
        }
        if let refused = try await Self.throttled(
            staffID,
            req,
            page: { try Self.codePage(req, errors: $0, status: $1) }
        ) {
            return refused
        }
        let audit = req.application.auditContext(
            organisationID: staff.organisationID,
            actorID: staffID,
            source: req.clientAddress
        )
        let outcome = try await SecondFactors.verify(staffID: staffID, typed: typed, audit: audit, on: req.db)
        switch outcome {
        case .accepted, .acceptedRecoveryCode:
            await req.application.loginThrottle.forgive(Self.throttleKey(staffID))
            return req.redirect(to: try await SignIn.finish(staff, on: req), redirectType: .normal)
        case .reused, .wrong:
            let message =
                outcome == .reused
                ? "That code has already been used. Enter the next code your app shows"
                : "Enter the code your authenticator app shows now, or a recovery code"
            return try Self.codePage(
                req,
                errors: [.init(field: "code", message: message)],
                status: .unprocessableEntity
            )
        }
    }

    static func throttleKey(_ staffID: UUID) -> String { "code:" + staffID.uuidString }

    /// The page refusing a code because too many were wrong (with `Retry-After`), or nil and the code
    /// counted as a failure until it is found right: counted before the check, so a burst of parallel
    /// guesses cannot all slip under the limit.
    static func throttled(
        _ staffID: UUID,
        _ req: Request,
        page: ([PageController.FieldError], HTTPStatus) async throws -> Response
    ) async throws -> Response? {
        let throttle = req.application.loginThrottle, key = throttleKey(staffID)
        if let wait = await throttle.retryAfter(keys: [key]) {
            let refused = try await page(
                [.init(field: "code", message: "Too many wrong codes. Try again in \(wait / 60 + 1) minutes")],
                .tooManyRequests
            )
            refused.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            return refused
        }
        await throttle.fail(keys: [key])
        return nil
    }

    /// The code form, on a page for someone not yet signed in.
    static func codePage(_ req: Request, errors: [PageController.FieldError], status: HTTPStatus) throws -> Response {
        signingInPage(req, title: "Enter your code", errors: errors, status: status) { csrf, h in
            h.raw("<h1 class=\"heading-l\">Enter your authenticator code</h1>\n<p class=\"body\">")
            h.raw("Open the authenticator app you set up for SafeComms and enter the code it shows. ")
            h.raw("If you no longer have it, enter one of your recovery codes.</p>\n")
            h.raw("<form method=\"post\" action=\"/login/code\" novalidate>\n")
            AdminParts.csrf(csrf, &h)
            Self.codeField(label: "Code", hint: codeHint, errors: errors, &h)
            h.raw("<button type=\"submit\" class=\"button\">Continue</button>\n</form>\n")
        }
    }

    /// A page for someone half-way through signing in: its errors first, a way out last, and the CSRF
    /// cookie its form needs (the session is not yet signed in).
    static func signingInPage(
        _ req: Request,
        title: String,
        errors: [PageController.FieldError],
        status: HTTPStatus,
        _ body: (String, inout HTML) -> Void
    ) -> Response {
        let csrf = CSRF.token(for: req)
        let page = PageLayout.page(title: title, user: nil, csrf: csrf) { h in
            if !errors.isEmpty { PageErrors.summary(errors, &h) }
            body(csrf, &h)
            h.raw("<p class=\"body\"><a href=\"/login\">Sign in as someone else</a></p>\n")
        }.response(status: status)
        CSRF.attachCookie(to: page, for: req)
        return page
    }

    /// A one-time code's field: its own error above it, and the browser told what it is for.
    static func codeField(label: String, hint: String, errors: [PageController.FieldError], _ h: inout HTML) {
        let failed = errors.contains { $0.field == "code" }
        FormGroup.write(id: "code", label: label, hint: hint, errors: errors, &h) { h in
            h.raw("<input class=\"input input-code\" id=\"code\" name=\"code\" type=\"text\" ")
            h.raw(failed ? "aria-describedby=\"code-hint code-error\" " : "aria-describedby=\"code-hint\" ")
            h.raw("autocomplete=\"one-time-code\" spellcheck=\"false\" autocapitalize=\"none\">\n")
        }
    }

    func setUpForm(req: Request) async throws -> Response {
        try await setUpPage(req, errors: [], status: .ok)
    }

    func setUp(req: Request) async throws -> Response {
        let me = try req.staff()
        let typed = (try? req.content.get(String.self, at: "code")) ?? ""
        let codes = try await SecondFactors.confirm(
            staffID: try me.requireID(),
            code: typed,
            audit: try req.auditContext(),
            on: req.db
        )
        guard let codes else {
            return try await setUpPage(req, errors: [Self.wrongSetUpCode], status: .unprocessableEntity)
        }
        return try Self.recoveryCodesPage(req, codes, next: "/account", nextLabel: "Back to your account")
    }

    static let wrongSetUpCode = PageController.FieldError(
        field: "code",
        message: "Enter the 6-digit code your authenticator app shows now"
    )

    /// The recovery codes, once, signed in; then on to `next`.
    static func recoveryCodesPage(_ req: Request, _ codes: [String], next: String, nextLabel: String) throws -> Response
    {
        let response = try PageLayout.response(req, "Your recovery codes") { h in
            h.raw("<div class=\"notification-success\" role=\"status\"><p>Your authenticator is set up. ")
            h.raw("From now on you will enter its code after your password.</p></div>\n")
            h.raw("<h1 class=\"heading-l\">Your recovery codes</h1>\n<p class=\"body\">")
            h.raw("Each code signs you in once if you no longer have your authenticator. Keep them somewhere safe, ")
            h.raw(
                "away from your phone: they will not be shown again.</p>\n<ul class=\"list\" id=\"recovery-codes\">\n"
            )
            for c in codes {
                h.raw("<li><code>")
                h.text(c)
                h.raw("</code></li>\n")
            }
            h.raw("</ul>\n<p class=\"body\"><a id=\"continue\" href=\"")
            h.text(next)
            h.raw("\">")
            h.text(nextLabel)
            h.raw("</a></p>\n")
        }
        // Shown once: never kept by the browser or a proxy.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// What setting up says and asks, on the account page or at first sign-in: the key to type into
    /// the app (or the link to open on the phone), and the code field posting to `action`.
    static func setUpSteps(
        _ totp: SafeCommsCore.TOTP,
        account: String,
        action: String,
        csrf: String,
        errors: [PageController.FieldError],
        _ h: inout HTML
    ) {
        let key = Base32.encode(totp.secret)
        let grouped = stride(from: 0, to: key.count, by: 4).map { i in
            String(key.dropFirst(i).prefix(4))
        }.joined(separator: " ")
        h.raw("<ol class=\"list list-number\">\n")
        h.raw("<li>Install an authenticator app on your work phone, if it has none (for example Microsoft ")
        h.raw("Authenticator or Google Authenticator).</li>\n")
        h.raw("<li>In the app, add an account with this key (time-based): <code id=\"secret\">")
        h.text(grouped)
        h.raw("</code>. On the phone itself you can instead <a id=\"otpauth\" href=\"")
        h.text(totp.address(issuer: "SafeComms", account: account))
        h.raw("\">add SafeComms to your authenticator app</a>.</li>\n")
        h.raw("<li>Enter the 6-digit code the app shows.</li>\n</ol>\n")
        h.raw("<form method=\"post\" action=\"")
        h.text(action)
        h.raw("\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        codeField(label: "Code from the app", hint: "For example, 123456", errors: errors, &h)
        h.raw("<button type=\"submit\" class=\"button\">Set up</button>\n</form>\n")
    }

    /// Setting up from the account page. Someone who already has one is told how to replace it.
    private func setUpPage(
        _ req: Request,
        errors: [PageController.FieldError],
        status: HTTPStatus
    ) async throws -> Response {
        let me = try req.staff()
        let id = try me.requireID()
        if try await SecondFactors.state(of: id, on: req.db) == .enrolled {
            return try PageLayout.response(req, "Your authenticator", status: status) { h in
                h.raw("<a href=\"/account\" class=\"back-link\">Your account</a>\n")
                h.raw("<h1 class=\"heading-l\">Your authenticator</h1>\n<p class=\"body\">")
                h.raw("You already have an authenticator set up. To change it, ask an administrator to reset it; ")
                h.raw("you then set up a new one when you next sign in.</p>\n")
            }
        }
        let totp = try await SecondFactors.setUp(for: id, organisationID: me.organisationID, on: req.db)
        let csrf = CSRF.token(for: req)
        let response = try PageLayout.response(req, "Set up an authenticator", status: status) { h in
            if !errors.isEmpty { PageErrors.summary(errors, &h) }
            h.raw("<a href=\"/account\" class=\"back-link\">Your account</a>\n")
            h.raw("<h1 class=\"heading-l\">Set up an authenticator</h1>\n<p class=\"body\">")
            h.raw("After your password, SafeComms will ask for a code from an authenticator app, so that a ")
            h.raw("password alone cannot open children's records.</p>\n")
            Self.setUpSteps(totp, account: me.email, action: "/account/authenticator", csrf: csrf, errors: errors, &h)
        }
        // The key is a secret: never kept by the browser or a proxy.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: Setting up at first sign-in

    /// Someone who must use a second factor and has none, after their password: not signed in until
    /// the app's first code proves it is set up.
    func firstSetUpForm(req: Request) async throws -> Response {
        guard let staff = try await SignIn.pendingStaff(req, within: SignIn.settingUpFor) else {
            return req.redirect(to: "/login")
        }
        return try await Self.firstSetUpPage(req, staff, errors: [], status: .ok)
    }

    func firstSetUp(req: Request) async throws -> Response {
        guard let staff = try await SignIn.pendingStaff(req, within: SignIn.settingUpFor), let staffID = staff.id
        else {
            return req.redirect(to: "/login")
        }
        if let refused = try await Self.throttled(
            staffID,
            req,
            page: { try await Self.firstSetUpPage(req, staff, errors: $0, status: $1) }
        ) {
            return refused
        }
        let typed = (try? req.content.get(String.self, at: "code")) ?? ""
        let audit = req.application.auditContext(
            organisationID: staff.organisationID,
            actorID: staffID,
            source: req.clientAddress
        )
        let codes: [String]?
        do {
            codes = try await SecondFactors.confirm(
                staffID: staffID,
                code: typed,
                signingIn: true,
                audit: audit,
                on: req.db
            )
        } catch is Refusal {
            // Set up meanwhile in another window (or reset): sign in as things now stand.
            return req.redirect(to: try await SignIn.secondFactorStep(for: staff, on: req) ?? "/login")
        }
        guard let codes else {
            return try await Self.firstSetUpPage(
                req,
                staff,
                errors: [Self.wrongSetUpCode],
                status: .unprocessableEntity
            )
        }
        await req.application.loginThrottle.forgive(Self.throttleKey(staffID))
        let next = try await SignIn.finish(staff, on: req)
        return try Self.recoveryCodesPage(req, codes, next: next, nextLabel: "Continue")
    }

    private static func firstSetUpPage(
        _ req: Request,
        _ staff: StaffMember,
        errors: [PageController.FieldError],
        status: HTTPStatus
    ) async throws -> Response {
        let id = try staff.requireID()
        if try await SecondFactors.state(of: id, on: req.db) == .enrolled {
            return req.redirect(to: "/login/code")
        }
        let totp = try await SecondFactors.setUp(for: id, organisationID: staff.organisationID, on: req.db)
        let page = signingInPage(req, title: "Set up an authenticator", errors: errors, status: status) { csrf, h in
            h.raw("<h1 class=\"heading-l\">Set up an authenticator</h1>\n<p class=\"body\">")
            h.raw("You can read children's case history, so SafeComms asks for a code from an authenticator app ")
            h.raw("after your password: a password alone cannot open children's records. Set one up now; ")
            h.raw("it takes a couple of minutes.</p>\n")
            setUpSteps(totp, account: staff.email, action: "/login/authenticator", csrf: csrf, errors: errors, &h)
        }
        // The key is a secret: never kept by the browser or a proxy.
        page.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return page
    }
}
