import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/tokens` (your own, with the form for a new one and a new token shown once) and `/admin/tokens`
/// (everyone's, for administrators): each token's name, scope, dates and state, with a button to revoke
/// it while it works.
struct TokensView {
    var tokens: [APITokenRegister.View]
    /// Holders' names, on the organisation's list.
    var names: [UUID: String]
    var organisationWide: Bool
    var form: TokenPageController.Form
    var errors: [PageController.FieldError]
    /// A token just made: its only showing.
    var made: String?
    var revoked: Bool
    var zone: TimeZone
    var csrf: String

    static let scopes: [(TokenScope, String)] = [
        (.check, "Checks only: ask whether a message may be sent (POST /api/v1/checks), nothing else"),
        (.read, "Read only: read cases, chronologies and registers, and ask for checks"),
        (.readWrite, "Read and write: everything your roles allow"),
    ]

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/\" class=\"back-link\">Home</a>\n<h1 class=\"heading-l\">")
        h.raw(organisationWide ? "Everyone's API tokens</h1>\n" : "Your API tokens</h1>\n")
        AdminParts.notice(revoked ? "The token was revoked: it no longer works." : nil, &h)
        if let made {
            h.raw("<div class=\"notification-success\" role=\"status\" id=\"new-token\">\n")
            h.raw("<h2 class=\"heading-m\">Your new token</h2>\n<p>Copy it now: it is shown only this once.</p>\n")
            h.raw("<p><code class=\"token-value\">")
            h.text(made)
            h.raw("</code></p>\n</div>\n")
        }
        if organisationWide {
            h.raw(
                "<p class=\"body\">Every token made in the organisation. Only a token's fingerprint is kept, so nobody, here or in the database, can read a token's value.</p>\n"
            )
        } else {
            h.raw(
                "<p class=\"body\">A token lets another system (a telephony platform, a messaging system, a report) use the API as you. Give each only what its job needs, and revoke it when the job ends. A token stops working when it expires, when it is revoked, or when your account is closed.</p>\n"
            )
        }
        writeList(&h)
        if !organisationWide { writeForm(&h) }
    }

    private func writeList(_ h: inout HTML) {
        guard !tokens.isEmpty else {
            h.raw("<p class=\"body\" id=\"no-tokens\">There are no tokens.</p>\n")
            return
        }
        let now = Date()
        h.raw(
            "<table class=\"table\" id=\"tokens\">\n<caption class=\"visually-hidden\">API tokens</caption>\n<thead><tr>"
        )
        if organisationWide { h.raw("<th scope=\"col\">Whose</th>") }
        h.raw("<th scope=\"col\">Name</th><th scope=\"col\">May do</th><th scope=\"col\">Made</th>")
        h.raw("<th scope=\"col\">State</th><th scope=\"col\"><span class=\"visually-hidden\">Revoke</span></th>")
        h.raw("</tr></thead>\n<tbody>\n")
        for t in tokens {
            h.raw("<tr data-token=\"")
            h.text(t.id.uuidString)
            h.raw("\">")
            if organisationWide {
                h.raw("<td>")
                h.text(names[t.staffID] ?? "Someone no longer listed")
                h.raw("</td>")
            }
            h.raw("<td>")
            h.text(t.label)
            h.raw("</td><td>")
            h.text(t.scope?.words ?? "nothing (an unknown scope)")
            h.raw("</td><td>")
            h.text(t.createdAt.map { WallClockText.date($0, zone: zone) } ?? "")
            h.raw("</td><td>")
            let status = t.status(at: now)
            switch status {
            case .current:
                h.raw("Works until ")
                h.text(t.expiresAt.map { WallClockText.date($0, zone: zone) } ?? "")
            case .expired:
                h.raw("<strong class=\"tag tag-grey\">Expired</strong> ")
                h.text(t.expiresAt.map { WallClockText.date($0, zone: zone) } ?? "")
            case .revoked:
                h.raw("<strong class=\"tag tag-grey\">Revoked</strong> ")
                h.text(t.revokedAt.map { WallClockText.date($0, zone: zone) } ?? "")
            }
            h.raw("</td><td>")
            if status == .current {
                h.raw("<form method=\"post\" action=\"/tokens/")
                h.text(t.id.uuidString)
                h.raw("/revoke\" novalidate>")
                AdminParts.csrf(csrf, &h)
                if organisationWide { h.raw("<input type=\"hidden\" name=\"back\" value=\"/admin/tokens\">") }
                h.raw("<button type=\"submit\" class=\"button button-warning\">Revoke<span class=\"visually-hidden\"> ")
                h.text(t.label)
                h.raw("</span></button></form>")
            }
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
    }

    private func writeForm(_ h: inout HTML) {
        h.raw("<h2 class=\"heading-m\">Make a token</h2>\n<form method=\"post\" action=\"/tokens\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        FormGroup.write(
            id: "label",
            label: "Name",
            hint: "What it is for, so that you can tell it apart later (for example: duty phone system)",
            errors: errors,
            &h
        ) { AdminParts.input("label", form.label, &$0) }
        FormGroup.fieldset(id: "scope_check", legend: "What it may do", errors: errors, &h) { h in
            for (scope, label) in Self.scopes {
                h.raw("<div class=\"radio-row\"><input type=\"radio\" id=\"scope_")
                h.text(scope.rawValue)
                h.raw("\" name=\"scope\" value=\"")
                h.text(scope.rawValue)
                h.raw(form.scope == scope.rawValue ? "\" checked> <label for=\"scope_" : "\"> <label for=\"scope_")
                h.text(scope.rawValue)
                h.raw("\">")
                h.text(label)
                h.raw("</label></div>\n")
            }
        }
        FormGroup.write(
            id: "days",
            label: "Days until it expires",
            hint: "From 1 to \(TokenScope.maxDays); \(TokenScope.defaultDays) unless you need otherwise",
            errors: errors,
            &h
        ) { AdminParts.input("days", form.days, type: "text", width: "input input-small", &$0) }
        h.raw("<button type=\"submit\" class=\"button\">Make the token</button>\n</form>\n")
    }
}
