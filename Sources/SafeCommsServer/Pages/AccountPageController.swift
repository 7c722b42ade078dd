import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/account`: who you are signed in as, when this session ends, how many sessions you have open, and
/// signing out everywhere (every browser and device at once: a lost phone, a shared PC left signed in).
/// API tokens have their own page, linked from here.
struct AccountPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("account", use: show)
        signedIn.post("account", "sign-out-everywhere", use: signOutEverywhere)
    }

    func show(req: Request) async throws -> Response {
        let me = try req.staff()
        let zone = try await req.application.organisationSettings.settings(for: me.organisationID, on: req.db)
            .timeZone
        let now = Date().timeIntervalSince1970
        let open = try await SignedInSession.sessions(of: try me.requireID(), on: req.db)
            .filter { !SignIn.hasEnded(SessionData(initialData: $0), now: now) }.count
        let data = req.session.data
        let signedInAt = data[SignIn.signedInAtKey].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        let limitHours = data[SignIn.limitHoursKey].flatMap(Int.init) ?? OrganisationSettings.standard.sessionLimit
        let idle = data[SignIn.idleMinutesKey].flatMap(Int.init) ?? OrganisationSettings.standard.sessionIdle
        let factor = try await SecondFactors.summary(of: try me.requireID(), on: req.db)
        let csrf = CSRF.token(for: req)
        return try PageLayout.response(req, "Your account") { h in
            h.raw("<a href=\"/\" class=\"back-link\">Home</a>\n<h1 class=\"heading-l\">Your account</h1>\n")
            h.raw("<dl class=\"summary-list\" id=\"account\">\n<dt>Name</dt><dd>")
            h.text(me.name)
            h.raw("</dd>\n<dt>E-mail address</dt><dd>")
            h.text(me.email)
            h.raw("</dd>\n<dt>Roles</dt><dd>")
            h.text(me.roles.sorted { $0.rawValue < $1.rawValue }.map(Labels.role).joined(separator: ", "))
            h.raw("</dd>\n</dl>\n<h2 class=\"heading-m\">Signing in</h2>\n<p class=\"body\" id=\"this-session\">")
            if let signedInAt {
                h.raw("You signed in at ")
                h.text(WallClockText.dateTime(signedInAt, zone: zone))
                h.raw(". You will be signed out at ")
                h.text(WallClockText.dateTime(signedInAt.addingTimeInterval(Double(limitHours) * 3600), zone: zone))
                h.raw(", or sooner after ")
                h.text(idle)
                h.raw(" minutes without using SafeComms.")
            }
            h.raw("</p>\n<p class=\"body\" id=\"open-sessions\">")
            h.text(open == 1 ? "You are signed in in 1 place: here." : "You are signed in in \(open) places.")
            h.raw(
                " If you left yourself signed in on a shared computer, or lost a phone, sign out everywhere: every session ends at once, this one too.</p>\n"
            )
            h.raw("<form method=\"post\" action=\"/account/sign-out-everywhere\" novalidate>\n")
            AdminParts.csrf(csrf, &h)
            h.raw("<button type=\"submit\" class=\"button button-warning\">Sign out everywhere</button>\n</form>\n")
            h.raw("<h2 class=\"heading-m\">Authenticator</h2>\n<p class=\"body\" id=\"authenticator\">")
            if let at = factor.enrolledAt {
                h.raw("You set up an authenticator on ")
                h.text(WallClockText.date(at, zone: zone))
                h.raw(": you enter its code after your password. ")
                h.text(
                    factor.recoveryCodesLeft == 1
                        ? "1 recovery code is left." : "\(factor.recoveryCodesLeft) recovery codes are left."
                )
                h.raw(" If you lose it, sign in with a recovery code and ask an administrator to reset it.</p>\n")
            } else {
                h.raw("You sign in with a password alone. <a href=\"/account/authenticator\">Set up an ")
                h.raw("authenticator</a> so that a password alone cannot open your account.</p>\n")
            }
            h.raw("<h2 class=\"heading-m\">Other systems</h2>\n<p class=\"body\"><a href=\"/tokens\">API tokens</a>: ")
            h.raw("let another system use the API as you, for a purpose and a time you choose.</p>\n")
        }
    }

    func signOutEverywhere(req: Request) async throws -> Response {
        let me = try req.staff()
        try await SignedInSession.endAll(of: try me.requireID(), audit: try req.auditContext(), on: req.db)
        req.auth.logout(StaffMember.self)
        req.session.destroy()
        return req.redirect(to: "/login?signed_out=everywhere")
    }
}
