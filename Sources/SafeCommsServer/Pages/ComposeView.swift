import Foundation
import SafeCommsCore
import SafeCommsStore

/// The compose page of a case: who to, how, the words, and the check's answer beside them. Written
/// directly (see `HTML`), so that the answer the page shows after its Check button and the one the
/// script fetches as the worker types are the same bytes (`CheckPanel`).
struct ComposeView {
    struct Person {
        var id: String
        var label: String
    }

    var caseID: String
    var reference: String
    var csrf: String
    var people: [Person]
    var form: ComposePageController.Form
    var panel: CheckPanel?
    var errors: [PageController.FieldError]
    /// Texts and e-mails can be sent from here (GOV.UK Notify is set up).
    var canSend = false

    static let channels: [(SafeCommsCore.Channel, String)] = [
        (.sms, "Text message"), (.email, "E-mail"), (.whatsapp, "WhatsApp message"), (.phoneCall, "Phone call"),
        (.videoCall, "Video call"),
    ]

    func write(_ h: inout HTML) {
        h.raw("<a href=\"/cases/")
        h.text(caseID)
        h.raw("\" class=\"back-link\">Back to ")
        h.text(reference)
        h.raw("</a>\n")
        if !errors.isEmpty {
            h.raw("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus>\n")
            h.raw("  <h2 class=\"error-summary-title\">There is a problem</h2>\n  <ul>")
            for e in errors {
                h.raw("<li><a href=\"#")
                h.text(e.field)
                h.raw("\">")
                h.text(e.message)
                h.raw("</a></li>")
            }
            h.raw("</ul>\n</div>\n")
        }
        h.raw("<h1 class=\"heading-l\">Write to someone on ")
        h.text(reference)
        h.raw("</h1>\n<p class=\"body\">The check reads what you write against your service's policies as you type.")
        if canSend {
            h.raw(" A text or e-mail is sent from here and added to the chronology at once;")
            h.raw(" anything else, send from your work phone, then record it.</p>\n")
        } else {
            h.raw(" Send it from your work phone or e-mail, then record it.</p>\n")
        }
        h.raw("<form method=\"post\" action=\"/cases/")
        h.text(caseID)
        h.raw("/compose\" novalidate data-check-url=\"/cases/")
        h.text(caseID)
        h.raw("/check\">\n  <input type=\"hidden\" name=\"csrf\" value=\"")
        h.text(csrf)
        h.raw("\">\n  <div class=\"form-group\">\n    <label class=\"label\" for=\"person_id\">To</label>\n")
        h.raw("    <select class=\"select\" id=\"person_id\" name=\"person_id\">")
        for person in people {
            h.raw("<option value=\"")
            h.text(person.id)
            h.raw(person.id == form.personID ? "\" selected>" : "\">")
            h.text(person.label)
            h.raw("</option>")
        }
        h.raw(
            "</select>\n  </div>\n  <div class=\"form-group\">\n    <label class=\"label\" for=\"channel\">How</label>\n"
        )
        h.raw("    <select class=\"select\" id=\"channel\" name=\"channel\">")
        for (channel, label) in Self.channels {
            h.raw("<option value=\"")
            h.text(channel.rawValue)
            h.raw(channel.rawValue == form.channel ? "\" selected>" : "\">")
            h.text(label)
            h.raw("</option>")
        }
        h.raw("</select>\n  </div>\n  <div class=\"form-group\">\n")
        h.raw("    <label class=\"label\" for=\"subject\">Subject (e-mail only)</label>\n")
        h.raw("    <input class=\"input\" id=\"subject\" name=\"subject\" type=\"text\" value=\"")
        h.text(form.subject ?? "")
        h.raw("\">\n  </div>\n  <div class=\"form-group\">\n")
        h.raw("    <label class=\"label\" for=\"text\">Message (for a call: what you mean to say)</label>\n")
        h.raw("    <textarea class=\"textarea\" id=\"text\" name=\"text\" rows=\"6\">")
        h.text(form.text ?? "")
        h.raw("</textarea>\n  </div>\n")
        h.raw("  <div id=\"check-result\" aria-live=\"polite\">")
        panel?.write(&h)
        h.raw("</div>\n")
        if canSend {
            h.raw(
                "  <div class=\"form-group\">\n    <label class=\"label\" for=\"proceed_reason\">If the check warns: why it"
            )
            h.raw(
                " should go anyway</label>\n    <p class=\"hint\" id=\"proceed_reason-hint\">Kept with the message.</p>\n"
            )
            h.raw("    <textarea class=\"textarea\" id=\"proceed_reason\" name=\"proceed_reason\" rows=\"2\"")
            h.raw(" aria-describedby=\"proceed_reason-hint\">")
            h.text(form.proceedReason ?? "")
            h.raw("</textarea>\n  </div>\n")
        }
        h.raw(
            "  <button type=\"submit\" class=\"button button-secondary\" name=\"action\" value=\"check\">Check</button>\n"
        )
        if canSend {
            h.raw(
                "  <button type=\"submit\" class=\"button\" name=\"action\" value=\"send\">Send a text or e-mail</button>\n"
            )
        }
        h.raw("</form>\n<script src=\"/assets/compose.js\" defer></script>\n")
    }
}

/// The check's answer as the compose page shows it: the verdict in plain words, each finding with its
/// clause in small print, what must follow, the words with what was found marked, and where to go next.
struct CheckPanel {
    var decision: Decision
    /// The text the spans point into.
    var text: String
    /// Each clause's summary, for the small print.
    var clauses: [String: String]
    /// Each clause's place on its policy's page.
    var clauseLinks: [String: String] = [:]
    /// Where to record the contact once sent, with the form filled in; nil when it must not be sent.
    var recordLink: String?

    func write(_ h: inout HTML) {
        switch decision.decision {
        case .allow:
            h.raw("<div class=\"check-panel check-allow\"><h2 class=\"heading-m\">You may send this</h2>\n")
        case .warn:
            h.raw("<div class=\"check-panel check-warn\"><h2 class=\"heading-m\">Check this before you send it</h2>\n")
        case .block:
            h.raw("<div class=\"check-panel check-block\"><h2 class=\"heading-m\">Do not send this</h2>\n")
        }
        let shown = decision.findings.filter { $0.severity != .info }
        if !shown.isEmpty {
            h.raw("<ul class=\"check-findings\">\n")
            for f in shown {
                h.raw(
                    f.severity == .block
                        ? "  <li><strong class=\"tag tag-red\">Not allowed</strong> "
                        : "  <li><strong class=\"tag\">Warning</strong> "
                )
                h.text(f.message)
                h.raw("<br><span class=\"hint\">")
                clause(f.clause, &h)
                if let summary = clauses[f.clause] {
                    h.raw(": ")
                    h.text(summary)
                }
                h.raw("</span></li>\n")
            }
            h.raw("</ul>\n")
        }
        let spans = decision.findings.flatMap(\.spans)
        if !spans.isEmpty {
            h.raw("<p class=\"hint\">What the check found is marked:</p>\n<p class=\"inset-text\">")
            Self.marked(text, spans, &h)
            h.raw("</p>\n")
        }
        if !decision.obligations.isEmpty {
            h.raw("<h3 class=\"heading-s\">Afterwards</h3>\n<ul>\n")
            for o in decision.obligations {
                h.raw("  <li>")
                h.text(o.action)
                h.raw(" <span class=\"hint\">(")
                clause(o.clause, &h)
                h.raw(")</span></li>\n")
            }
            h.raw("</ul>\n")
        }
        if let recordLink {
            h.raw("<p><a class=\"button button-secondary\" href=\"")
            h.text(recordLink)
            h.raw("\">Sent it? Record it on the case</a></p>\n")
        }
        h.raw("</div>")
    }

    /// The text with each found stretch in `<mark>`; overlapping stretches are marked together.
    /// A clause's id, linked to the clause on its policy's page when the pack is known.
    private func clause(_ id: String, _ h: inout HTML) {
        guard let href = clauseLinks[id] else { return h.text(id) }
        h.raw("<a href=\"")
        h.text(href)
        h.raw("\">")
        h.text(id)
        h.raw("</a>")
    }

    static func marked(_ text: String, _ spans: [Span], _ h: inout HTML) {
        let scalars = Array(text.unicodeScalars)
        let ordered = spans.filter { $0.end > $0.start }.sorted { ($0.start, -$0.end) < ($1.start, -$1.end) }
        var at = 0
        var k = 0
        while k < ordered.count {
            let start = min(max(ordered[k].start, at), scalars.count)
            var end = min(ordered[k].end, scalars.count)
            k += 1
            while k < ordered.count, ordered[k].start < end {
                end = max(end, min(ordered[k].end, scalars.count))
                k += 1
            }
            guard end > start else { continue }
            h.text(String(String.UnicodeScalarView(scalars[at..<start])))
            h.raw("<mark>")
            h.text(String(String.UnicodeScalarView(scalars[start..<end])))
            h.raw("</mark>")
            at = end
        }
        h.text(String(String.UnicodeScalarView(scalars[min(at, scalars.count)...])))
    }
}
