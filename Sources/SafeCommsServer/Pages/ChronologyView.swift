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

    func write(_ h: inout HTML) {
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
        h.raw("</h1>\n<p class=\"body\">")
        h.text(status)
        h.raw("</p>\n<p class=\"body\">")
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
        if page.lines.isEmpty {
            h.raw("<p class=\"body\">Nothing has been recorded on this case yet.</p>\n")
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
        h.raw("</td>\n      <td>")
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
        h.raw("?page=")
        h.text(target)
        h.raw("\">")
        h.raw(label)
        h.raw("</a>\n")
    }
}
