import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/directory`: your own entry with its confirmation (LIN-11), a search by name and team, and a row
/// for each colleague: numbers, where a call goes now, whether they are away, when they last
/// confirmed, and a link to take a message for them.
struct DirectoryView {
    struct Form {
        var name: String
        var team: String
    }

    var entries: [Directory.Entry]
    var me: Directory.Entry?
    var teams: [TeamListing]
    var form: Form
    var errors: [PageController.FieldError]
    var canTakeMessages: Bool
    var zone: TimeZone
    var csrf: String
    var confirmed: Bool

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/\" class=\"back-link\">Home</a>\n<h1 class=\"heading-l\">Directory</h1>\n")
        AdminParts.notice(confirmed ? "Thank you: your details are confirmed as up to date." : nil, &h)
        writeMine(&h)
        writeSearch(&h)
        h.raw("<p class=\"body\" id=\"directory-count\" role=\"status\">")
        h.text(entries.count == 1 ? "1 person" : "\(entries.count) people")
        h.raw(
            entries.count == 0
                ? ".</p>\n" : ". Those whose details are not confirmed in 90 days come first (LIN-11).</p>\n"
        )
        guard !entries.isEmpty else { return }
        h.raw("<table class=\"table\" id=\"directory\">\n<caption class=\"visually-hidden\">The directory</caption>\n")
        h.raw("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Numbers</th>")
        h.raw("<th scope=\"col\">A call to them now</th><th scope=\"col\">Details confirmed</th>")
        if canTakeMessages { h.raw("<th scope=\"col\"><span class=\"visually-hidden\">Message</span></th>") }
        h.raw("</tr></thead>\n<tbody>\n")
        for e in entries { writeRow(e, &h) }
        h.raw("</tbody>\n</table>\n")
    }

    private func writeMine(_ h: inout HTML) {
        guard let me else { return }
        h.raw("<h2 class=\"heading-m\">Your details</h2>\n<p class=\"body\" id=\"my-confirmation\">")
        if let at = me.confirmedAt {
            h.raw("You last confirmed your details on ")
            h.text(WallClockText.dateTime(at, zone: zone))
            h.raw(me.stale ? ", more than 90 days ago." : ".")
        } else {
            h.raw("You have not confirmed your details yet.")
        }
        h.raw(
            " Keep your numbers and where your calls go up to date on <a href=\"/phones\">Phones</a>, then confirm them here (LIN-11).</p>\n"
        )
        h.raw("<form method=\"post\" action=\"/directory/confirm\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        h.raw("<button type=\"submit\" class=\"button button-secondary\">My details are up to date</button>\n</form>\n")
    }

    private func writeSearch(_ h: inout HTML) {
        h.raw("<h2 class=\"heading-m\">Find a colleague</h2>\n")
        h.raw("<form method=\"get\" action=\"/directory\" class=\"filters\" role=\"search\" novalidate>\n")
        h.raw("<div class=\"filters-row\">\n")
        FormGroup.write(id: "name", label: "Name", errors: errors, &h) {
            AdminParts.input("name", form.name, type: "search", width: "input input-medium", &$0)
        }
        FormGroup.write(id: "team", label: "Team", errors: errors, &h) {
            AdminParts.select(
                "team",
                none: "Any team",
                teams.map { ($0.id.uuidString, $0.name) },
                chosen: form.team,
                &$0
            )
        }
        h.raw("</div>\n<p><button type=\"submit\" class=\"button button-secondary\">Search</button>")
        if !form.name.isEmpty || !form.team.isEmpty { h.raw(" <a href=\"/directory\">Clear the search</a>") }
        h.raw("</p>\n</form>\n")
    }

    private func writeRow(_ e: Directory.Entry, _ h: inout HTML) {
        let w = e.worker
        h.raw("<tr data-staff=\"")
        h.text(w.id.uuidString)
        h.raw("\"><td>")
        h.text(w.name)
        if let team = e.team {
            h.raw("<br><span class=\"hint\">")
            h.text(team)
            h.raw("</span>")
        }
        h.raw("</td><td>")
        let numbers = [w.mobileNumber.map { "Mobile \($0)" }, w.deskNumber.map { "Desk \($0)" }].compactMap { $0 }
        if numbers.isEmpty { h.raw("None given") }
        for (i, n) in numbers.enumerated() {
            if i > 0 { h.raw("<br>") }
            h.text(n)
        }
        h.raw("</td><td>")
        if let away = e.away {
            h.raw("<strong>")
            h.text(Self.away(away, zone: zone))
            h.raw("</strong><br>")
        }
        h.text(Self.callNow(e.route))
        h.raw(" <span class=\"hint\">")
        h.text(e.route.clauses.joined(separator: ", "))
        h.raw("</span></td><td>")
        h.text(e.confirmedAt.map { WallClockText.date($0, zone: zone) } ?? "Never")
        if e.stale { h.raw(" <strong class=\"tag tag-red\">Not in 90 days</strong>") }
        h.raw("</td>")
        if canTakeMessages {
            h.raw("<td>")
            if w.id != me?.worker.id {
                h.raw("<a href=\"/phones/message?for=")
                h.text(w.id.uuidString)
                h.raw("\">Take a message<span class=\"visually-hidden\"> for ")
                h.text(w.name)
                h.raw("</span></a>")
            }
            h.raw("</td>")
        }
        h.raw("</tr>\n")
    }

    /// Where a call to the person goes now, in a colleague's words.
    static func callNow(_ r: RouteDecision) -> String {
        switch r.destination {
        case .worker: "Comes to them, on \(r.number ?? "their desk")."
        case .divert: "Diverted to \(r.number ?? "a hunt group")."
        case .huntGroup: "Goes to their team's hunt group, \(r.number ?? "")."
        case .emergencyDutyTeam: "Out of office hours: goes to the emergency duty team, \(r.number ?? "")."
        case .unroutable: "Cannot be put through now."
        }
    }

    static func away(_ a: PhoneDirectory.Absence, zone: TimeZone) -> String {
        let what = a.kind == .leave ? "On leave" : "Unexpectedly absent"
        guard let until = a.until else { return what + "." }
        return what + " until " + WallClockText.dateTime(until, zone: zone) + "."
    }
}
