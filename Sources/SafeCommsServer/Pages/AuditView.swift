import Foundation
import SafeCommsCore
import SafeCommsStore

/// The audit trail's search page: the form, what it found, and the ways to check and export it.
struct AuditView {
    var search: AuditPageController.Search
    var zone: TimeZone
    var staff: [StaffMember] = []
    var events: [AuditEvent] = []
    /// The sequence number to page back from, when there are older events.
    var older: Int64?
    var references: [UUID: String] = [:]
    var names: [UUID: String] = [:]

    func write(_ h: inout HTML) {
        if !search.errors.isEmpty { PageErrors.summary(search.errors, &h) }
        h.raw("<h1 class=\"heading-l\">The audit trail</h1>\n")
        h.raw("<p class=\"body\">Every view and change of a case, every sign-in and every message sent, ")
        h.raw("each sealed to the one before it so that a change or a deletion shows.</p>\n")
        h.raw(
            "<p class=\"body\"><a class=\"button button-secondary\" href=\"/audit/verify\">Check the whole trail</a></p>\n"
        )
        h.raw("<form method=\"get\" action=\"/audit\" novalidate>\n")
        group("who", "Who did it", &h) { h in
            h.raw("<select class=\"select\" id=\"who\" name=\"who\"><option value=\"\">Anyone</option>\n")
            for s in staff {
                h.raw("<option value=\"")
                h.text(s.id!.uuidString)
                h.raw(s.id!.uuidString == search.who ? "\" selected>" : "\">")
                h.text(s.name)
                h.raw("</option>\n")
            }
            h.raw("</select>\n")
        }
        group("case", "Case reference", &h) { h in
            h.raw(
                "<input class=\"input input-medium\" id=\"case\" name=\"case\" type=\"text\" spellcheck=\"false\" value=\""
            )
            h.text(search.reference)
            h.raw("\">\n")
        }
        group("action", "What was done", &h) { h in
            h.raw("<select class=\"select\" id=\"action\" name=\"action\"><option value=\"\">Anything</option>\n")
            for a in AuditAction.allCases.sorted(by: {
                Labels.auditAction($0.rawValue) < Labels.auditAction($1.rawValue)
            }) {
                h.raw("<option value=\"")
                h.text(a.rawValue)
                h.raw(a.rawValue == search.action ? "\" selected>" : "\">")
                h.text(Labels.auditAction(a.rawValue))
                h.raw("</option>\n")
            }
            h.raw("</select>\n")
        }
        group("from", "From (date)", &h) { h in
            h.raw("<input class=\"input input-medium\" id=\"from\" name=\"from\" type=\"date\" value=\"")
            h.text(search.from)
            h.raw("\">\n")
        }
        group("to", "To (date, included)", &h) { h in
            h.raw("<input class=\"input input-medium\" id=\"to\" name=\"to\" type=\"date\" value=\"")
            h.text(search.to)
            h.raw("\">\n")
        }
        h.raw("<button type=\"submit\" class=\"button\">Search</button>\n</form>\n")
        guard search.errors.isEmpty else { return }

        let query = search.query
        h.raw("<p class=\"body\">Download what this search finds, with each event's chain link: ")
        h.raw("<a href=\"/audit/export.csv")
        if !query.isEmpty {
            h.raw("?")
            h.text(query)
        }
        h.raw("\">as CSV (a spreadsheet)</a> or <a href=\"/audit/export.jsonl")
        if !query.isEmpty {
            h.raw("?")
            h.text(query)
        }
        h.raw("\">as JSON Lines</a>.</p>\n")
        h.raw("<h2 class=\"heading-m\">Events, newest first</h2>\n")
        if events.isEmpty {
            h.raw("<p class=\"body\" id=\"no-events\">No events match.</p>\n")
            return
        }
        h.raw(
            "<table class=\"table\" id=\"audit-events\">\n<caption class=\"visually-hidden\">Audit events</caption>\n"
        )
        h.raw("<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th>")
        h.raw(
            "<th scope=\"col\">Case</th><th scope=\"col\">Detail</th><th scope=\"col\">Number</th></tr></thead>\n<tbody>\n"
        )
        for e in events {
            h.raw("<tr><td>")
            h.text(WallClockText.dateTime(Date(timeIntervalSince1970: Double(e.atMillis) / 1000), zone: zone))
            h.raw("</td><td>")
            h.text(e.actorID.flatMap { names[$0] } ?? "The system")
            h.raw("</td><td>")
            h.text(Labels.auditAction(e.action))
            h.raw("</td><td>")
            h.text(e.caseID.flatMap { references[$0] } ?? "")
            h.raw("</td><td>")
            h.text(e.detail ?? "")
            h.raw("</td><td>")
            h.text(String(e.id ?? 0))
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
        if let older {
            h.raw("<nav class=\"pagination\" aria-label=\"Pages\"><a href=\"/audit?")
            if !query.isEmpty {
                h.text(query)
                h.raw("&amp;")
            }
            h.raw("before=")
            h.text(String(older))
            h.raw("\">Older events</a></nav>\n")
        }
    }

    private func group(_ id: String, _ label: String, _ h: inout HTML, field: (inout HTML) -> Void) {
        FormGroup.write(id: id, label: label, errors: search.errors, &h, field)
    }
}
