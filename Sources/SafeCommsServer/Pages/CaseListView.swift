import Foundation
import SafeCommsCore
import SafeCommsStore

/// The case list: a search form (reference or name, status, team, key worker) and one page of the
/// cases found, written straight into bytes (see `HTML`).
struct CaseListView {
    struct Form {
        var text = ""
        var status = ""
        var team = ""
        var keyWorker = ""

        var query: String {
            [("q", text), ("status", status), ("team", team), ("key_worker", keyWorker)].filter { !$0.1.isEmpty }
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
    }

    var form: Form
    var errors: [PageController.FieldError]
    var result: CaseSearch.Result
    var teams: [TeamListing]
    var staff: [StaffListing]
    var canReconcile: Bool

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<h1 class=\"heading-l\">Cases</h1>\n")
        if canReconcile {
            h.raw(
                "<p class=\"body\"><a href=\"/reconciliation\">Check a carrier's bill for contact nobody recorded</a></p>\n"
            )
        }
        let names = Dictionary(staff.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let teamNames = Dictionary(teams.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        h.raw(
            "<form method=\"get\" action=\"/cases\" class=\"filters\" role=\"search\" novalidate>\n<div class=\"filters-row\">\n"
        )
        h.raw("<div class=\"form-group\"><label class=\"label\" for=\"q\">Reference or child's name</label>\n")
        h.raw("<input class=\"input input-medium\" id=\"q\" name=\"q\" type=\"search\" spellcheck=\"false\" value=\"")
        h.text(form.text)
        h.raw("\"></div>\n")
        select(
            "status",
            "Status",
            "Any status",
            CaseStatus.allCases.map { ($0.rawValue, PageController.statusLabel($0)) },
            form.status,
            &h
        )
        select("team", "Team", "Any team", teams.map { ($0.id.uuidString, $0.name) }, form.team, &h)
        select(
            "key_worker",
            "Key worker",
            "Anyone",
            staff.filter { !$0.roles.isDisjoint(with: [.practitioner, .manager, .dsl]) }.map {
                ($0.id.uuidString, $0.name)
            },
            form.keyWorker,
            &h
        )
        h.raw("</div>\n<p><button type=\"submit\" class=\"button button-secondary\">Search</button>")
        if !form.query.isEmpty { h.raw(" <a href=\"/cases\">Clear the search</a>") }
        h.raw("</p>\n</form>\n")

        h.raw("<p class=\"body\" id=\"case-count\" role=\"status\">")
        h.text(result.total)
        h.raw(result.total == 1 ? " case" : " cases")
        if result.pages > 1 {
            h.raw(", page ")
            h.text(result.page)
            h.raw(" of ")
            h.text(result.pages)
        }
        h.raw("</p>\n")
        guard !result.cases.isEmpty else {
            h.raw(
                form.query.isEmpty
                    ? "<p class=\"body\">No cases are allocated to you.</p>\n"
                    : "<p class=\"body\">No cases match.</p>\n"
            )
            return
        }
        h.raw("<table class=\"table\">\n<caption class=\"visually-hidden\">Cases you can see</caption>\n")
        h.raw("<thead><tr><th scope=\"col\">Reference</th><th scope=\"col\">Child</th><th scope=\"col\">Status</th>")
        h.raw("<th scope=\"col\">Team</th><th scope=\"col\">Key worker</th></tr></thead>\n<tbody>\n")
        for c in result.cases {
            h.raw("<tr><td><a href=\"/cases/")
            h.text(c.id.uuidString)
            h.raw("\">")
            h.text(c.reference)
            h.raw("</a></td><td>")
            h.text(c.displayName)
            if c.inCrisis { h.raw(" <strong class=\"tag tag-red\">In crisis</strong>") }
            h.raw("</td><td>")
            h.text(PageController.statusLabel(c.status))
            h.raw("</td><td>")
            h.text(c.teamID.flatMap { teamNames[$0] } ?? "No team")
            h.raw("</td><td>")
            h.text(c.keyWorkerID.flatMap { names[$0] } ?? "Not allocated")
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
        if result.pages > 1 {
            h.raw("<nav class=\"pagination\" aria-label=\"Pages of cases\">\n")
            if result.page > 1 { pageLink(result.page - 1, "Previous page", &h) }
            if result.page < result.pages { pageLink(result.page + 1, "Next page", &h) }
            h.raw("</nav>\n")
        }
    }

    private func select(
        _ id: StaticString,
        _ label: StaticString,
        _ any: StaticString,
        _ options: [(String, String)],
        _ chosen: String,
        _ h: inout HTML
    ) {
        h.raw("<div class=\"form-group\"><label class=\"label\" for=\"")
        h.raw(id)
        h.raw("\">")
        h.raw(label)
        h.raw("</label>\n<select class=\"select\" id=\"")
        h.raw(id)
        h.raw("\" name=\"")
        h.raw(id)
        h.raw("\"><option value=\"\">")
        h.raw(any)
        h.raw("</option>\n")
        for (value, text) in options {
            h.raw("<option value=\"")
            h.text(value)
            h.raw(value == chosen ? "\" selected>" : "\">")
            h.text(text)
            h.raw("</option>\n")
        }
        h.raw("</select></div>\n")
    }

    private func pageLink(_ page: Int, _ label: StaticString, _ h: inout HTML) {
        h.raw("<a href=\"/cases?")
        if !form.query.isEmpty {
            h.text(form.query)
            h.raw("&amp;")
        }
        h.raw("page=")
        h.text(page)
        h.raw("\">")
        h.raw(label)
        h.raw("</a>\n")
    }
}
