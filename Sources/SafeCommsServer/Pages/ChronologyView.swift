import Foundation
import SafeCommsCore
import SafeCommsStore

/// A case's chronology page: the case, what the reader may do on it, and one page of its records,
/// newest first. Written directly (see `HTML`); the page staff open most.
struct ChronologyView {
    var reference: String
    var displayName: String
    var status: String
    var caseID: String
    var canWrite: Bool
    /// Anyone who may read the case but an auditor may raise an incident on it.
    var canRaise: Bool
    var recorded: Bool
    /// Clauses the check found the contact just recorded falls foul of.
    var flagged: [String] = []
    /// A message was just sent from the case.
    var sent = false
    var page: ChronologyLines
    var zone: TimeZone
    /// The filters as asked (for the form) and as a query string (for the pages' links).
    var filters = Filters()
    var errors: [PageController.FieldError] = []

    /// The chronology's filters as the form sent them.
    struct Filters {
        var channel = ""
        var person = ""
        var outOfHours = false
        var significant = false
        var from = ""
        var to = ""

        var query: String {
            var pairs = [("channel", channel), ("person", person), ("from", from), ("to", to)].filter { !$0.1.isEmpty }
            if outOfHours { pairs.append(("out_of_hours", "1")) }
            if significant { pairs.append(("significant", "1")) }
            return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }

        var any: Bool { !query.isEmpty }
    }

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/cases\" class=\"back-link\">All cases</a>\n")
        if sent {
            h.raw("<div class=\"notification-success\" role=\"status\"><p>The message is being sent and is in the")
            h.raw(" chronology. Whether it was delivered shows beside it.</p></div>\n")
        }
        if recorded {
            h.raw("<div class=\"notification-success\" role=\"status\"><p>The contact was added to the chronology.")
            if !flagged.isEmpty {
                h.raw(" The check found that it falls foul of ")
                h.text(flagged.joined(separator: ", "))
                h.raw(": it is on your line manager's review queue.")
            }
            h.raw("</p></div>\n")
        }
        h.raw("<h1 class=\"heading-l\">")
        h.text(reference)
        h.raw(": ")
        h.text(displayName)
        h.raw("</h1>\n")
        writeSummary(&h)
        h.raw("<p class=\"body\">")
        for (path, label) in Self.registers {
            h.raw("<a href=\"/cases/")
            h.text(caseID)
            h.raw(path)
            h.raw("\">")
            h.raw(label)
            h.raw("</a> ")
        }
        h.raw("</p>\n")
        if canWrite {
            h.raw("<p><a class=\"button\" href=\"/cases/")
            h.text(caseID)
            h.raw("/record\">Record a contact</a> <a class=\"button button-secondary\" href=\"/cases/")
            h.text(caseID)
            h.raw("/import\">Import messages or calls</a> <a class=\"button button-secondary\" href=\"/cases/")
            h.text(caseID)
            h.raw("/compose\">Write to someone</a></p>\n")
        }
        if canRaise {
            h.raw("<p><a href=\"/incidents/new?case=")
            h.text(caseID)
            h.raw("\">Raise an incident on this case</a></p>\n")
        }
        if !page.agreements.isEmpty {
            h.raw("<h2 class=\"heading-m\">Agreed with the family</h2>\n<ul class=\"task-list\">\n")
            for a in page.agreements {
                h.raw("  <li>")
                h.text(a.kind.label)
                h.raw(", ")
                h.text(a.channel.map { Self.channelLabels[$0] ?? $0 } ?? "every channel")
                h.raw(", since ")
                h.text(a.givenOn)
                if let end = a.endsOn {
                    h.raw(" until ")
                    h.text(end)
                }
                h.raw("<br><span class=\"hint\">Reason agreed: ")
                h.text(a.reason)
                h.raw("</span></li>\n")
            }
            h.raw("</ul>\n")
        }
        h.raw("<h2 class=\"heading-m\">Chronology</h2>\n")
        writeFilters(&h)
        if page.lines.isEmpty {
            h.raw(
                filters.any
                    ? "<p class=\"body\">No records match these filters.</p>\n"
                    : "<p class=\"body\">Nothing has been recorded on this case yet.</p>\n"
            )
        } else {
            h.raw(
                "<table class=\"table\">\n  <caption class=\"visually-hidden\">Communications on this case, newest first</caption>\n"
            )
            h.raw("  <thead><tr><th scope=\"col\">When</th><th scope=\"col\">How</th><th scope=\"col\">With</th>")
            h.raw("<th scope=\"col\">What was said</th><th scope=\"col\">Recorded</th></tr></thead>\n  <tbody>\n")
            for line in page.lines { row(line, &h) }
            h.raw("  </tbody>\n</table>\n")
        }
        h.raw("<nav class=\"pagination\" aria-label=\"Chronology pages\">\n")
        if page.page > 1 { link(page.page - 1, "Newer", &h) }
        if page.hasMore { link(page.page + 1, "Older", &h) }
        h.raw("</nav>")
    }

    private func row(_ r: ChronologyLine, _ h: inout HTML) {
        h.raw(r.superseded ? "    <tr class=\"superseded\">\n      <td>" : "    <tr>\n      <td>")
        h.text(WallClockText.dateTime(r.occurredAt, zone: zone))
        if r.outOfHours { h.raw(" <strong class=\"tag\">Out of hours</strong>") }
        h.raw("</td>\n      <td>")
        h.text(Self.channelLabels[r.channel] ?? r.channel)
        h.raw(", ")
        h.text(r.direction)
        if r.significant { h.raw(" <strong class=\"tag tag-red\">Significant</strong>") }
        if let delivery = r.delivery {
            switch delivery {
            case "delivered": h.raw("<br>Sent from SafeComms: <strong class=\"tag tag-green\">Delivered</strong>")
            case "permanent-failure", "technical-failure", "failed":
                h.raw("<br>Sent from SafeComms: <strong class=\"tag tag-red\">Not delivered</strong>")
            // Handed to the mail relay, or to an international network: no receipt will follow.
            case "sent": h.raw("<br>Sent from SafeComms: <strong class=\"tag\">Sent</strong>")
            case "temporary-failure":
                h.raw("<br>Sent from SafeComms: <strong class=\"tag tag-red\">Not delivered yet</strong>")
            default: h.raw("<br>Sent from SafeComms: <strong class=\"tag\">Sending</strong>")
            }
        }
        h.raw("</td>\n      <td>")
        h.text(r.counterpart ?? "")
        h.raw("</td>\n      <td class=\"said\">")
        h.text(r.said ?? "")
        if r.superseded { h.raw(" <em>(corrected later)</em>") }
        if r.isCorrection { h.raw(" <em>(correction)</em>") }
        h.raw("</td>\n      <td>")
        h.text(WallClockText.dateTime(r.recordedAt, zone: zone))
        h.raw(" by ")
        h.text(r.recordedBy ?? "")
        if canRaise {
            h.raw("<br><a href=\"/incidents/new?source_type=communication&amp;source_id=")
            h.text(r.id.uuidText)
            h.raw("\">Raise an incident<span class=\"visually-hidden\"> about this contact</span></a>")
        }
        h.raw("</td>\n    </tr>\n")
    }

    /// The case's registers, each a page of its own.
    static let registers: [(StaticString, StaticString)] = [
        ("/facts", "Status and allocation"), ("/consents", "Consents and agreements"),
        ("/number-sharing", "Number sharing"), ("/phone", "Young person's phone"),
    ]

    /// "phone call" for `phone_call`, made once: Foundation's string replacement on every row cost a
    /// twentieth of the page (measured).
    static let channelLabels = Dictionary(
        uniqueKeysWithValues: Channel.allCases.map { ($0.rawValue, Labels.channel($0.rawValue)) }
    )

    private func link(_ target: Int, _ label: StaticString, _ h: inout HTML) {
        h.raw("<a href=\"/cases/")
        h.text(caseID)
        h.raw("?")
        if filters.any {
            h.text(filters.query)
            h.raw("&amp;")
        }
        h.raw("page=")
        h.text(target)
        h.raw("\">")
        h.raw(label)
        h.raw("</a>\n")
    }

    /// Who the case is with and who holds it, as a summary list.
    private func writeSummary(_ h: inout HTML) {
        let s = page.summary
        h.raw("<dl class=\"summary-list\" id=\"case-summary\">\n<dt>Status</dt><dd>")
        h.text(status)
        h.raw("</dd>\n<dt>Key worker</dt><dd>")
        h.text(s.keyWorker ?? "Not allocated")
        h.raw("</dd>\n<dt>Team</dt><dd>")
        h.text(s.team ?? "No team")
        h.raw("</dd>\n<dt>People</dt><dd>")
        if s.people.isEmpty { h.raw("None recorded") }
        for (i, person) in s.people.enumerated() {
            if i > 0 { h.raw("<br>") }
            h.text(person.name)
            h.raw(" (")
            h.text(Labels.personRole(person.role))
            h.raw(")")
        }
        h.raw("</dd>\n<dt>Numbers given to the family</dt><dd>")
        if s.shared.isEmpty { h.raw("None") }
        for (i, n) in s.shared.enumerated() {
            if i > 0 { h.raw("<br>") }
            h.text(n.number)
            h.raw(", ")
            if let name = n.personID.flatMap({ id in s.people.first { $0.id == id }?.name }) {
                h.raw("to ")
                h.text(name)
                h.raw(", ")
            }
            h.raw("on ")
            h.text(n.decidedOn)
            if let by = n.by {
                h.raw(" by ")
                h.text(by)
            }
        }
        h.raw("</dd>\n</dl>\n")
    }

    /// The chronology's filters: a plain GET form, so a filtered page can be bookmarked and shared.
    private func writeFilters(_ h: inout HTML) {
        h.raw("<form method=\"get\" action=\"/cases/")
        h.text(caseID)
        h.raw("\" class=\"filters\" novalidate>\n<div class=\"filters-row\">\n")
        field("channel", "How", &h) { h in
            h.raw("<select class=\"select\" id=\"channel\" name=\"channel\"><option value=\"\">Any way</option>\n")
            for c in Channel.allCases {
                h.raw("<option value=\"")
                h.text(c.rawValue)
                h.raw(c.rawValue == filters.channel ? "\" selected>" : "\">")
                h.text(Self.channelLabels[c.rawValue] ?? c.rawValue)
                h.raw("</option>\n")
            }
            h.raw("</select>\n")
        }
        field("person", "With", &h) { h in
            h.raw("<select class=\"select\" id=\"person\" name=\"person\"><option value=\"\">Anyone</option>\n")
            for p in page.summary.people {
                h.raw("<option value=\"")
                h.text(p.id.uuidString)
                h.raw(p.id.uuidString == filters.person ? "\" selected>" : "\">")
                h.text(p.name)
                h.raw("</option>\n")
            }
            h.raw("</select>\n")
        }
        field("from", "From (date)", &h) { h in
            h.raw("<input class=\"input input-medium\" id=\"from\" name=\"from\" type=\"date\" value=\"")
            h.text(filters.from)
            h.raw("\">\n")
        }
        field("to", "To (date, included)", &h) { h in
            h.raw("<input class=\"input input-medium\" id=\"to\" name=\"to\" type=\"date\" value=\"")
            h.text(filters.to)
            h.raw("\">\n")
        }
        h.raw(
            "</div>\n<div class=\"checkbox-row\"><input type=\"checkbox\" id=\"out_of_hours\" name=\"out_of_hours\" value=\"1\""
        )
        if filters.outOfHours { h.raw(" checked") }
        h.raw("> <label for=\"out_of_hours\">Only out of hours</label></div>\n")
        h.raw(
            "<div class=\"checkbox-row\"><input type=\"checkbox\" id=\"significant\" name=\"significant\" value=\"1\""
        )
        if filters.significant { h.raw(" checked") }
        h.raw("> <label for=\"significant\">Only significant</label></div>\n")
        h.raw("<p><button type=\"submit\" class=\"button button-secondary\">Filter the chronology</button>")
        if filters.any {
            h.raw(" <a href=\"/cases/")
            h.text(caseID)
            h.raw("\">Clear the filters</a>")
        }
        h.raw("</p>\n</form>\n")
    }

    private func field(_ id: String, _ label: String, _ h: inout HTML, _ control: (inout HTML) -> Void) {
        FormGroup.write(id: id, label: label, errors: errors, &h, control)
    }
}
