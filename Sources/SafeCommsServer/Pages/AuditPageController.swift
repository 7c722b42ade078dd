import Fluent
import Foundation
import NIOCore
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/audit`: the audit trail for auditors and the DSL. Search it by who, case, action and dates; check
/// the whole chain; take a copy away as CSV or JSON Lines with each event's chain link, which
/// `safecomms audit verify-export` checks.
struct AuditPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("audit", use: search)
        signedIn.get("audit", "verify", use: verify)
        signedIn.get("audit", "export.csv", use: exportCSV)
        signedIn.get("audit", "export.jsonl", use: exportJSONLines)
    }

    static let perPage = 50

    /// What the search form asked, as typed, and the filter it makes.
    struct Search {
        var who = ""
        var reference = ""
        var action = ""
        var from = ""
        var to = ""
        var filter = AuditTrail.Filter()
        var errors: [PageController.FieldError] = []

        /// The query string that repeats this search (for paging and the exports).
        var query: String {
            let pairs = [("who", who), ("case", reference), ("action", action), ("from", from), ("to", to)]
            return pairs.filter { !$0.1.isEmpty }.map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }.joined(separator: "&")
        }
    }

    private func readAudit(_ req: Request) async throws -> Principal {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .readAudit) else {
            throw Abort(.forbidden, reason: "The audit trail is for auditors and the designated safeguarding lead.")
        }
        return p
    }

    private func parse(_ req: Request, _ p: Principal, _ zone: TimeZone) async throws -> Search {
        var s = Search(
            who: req.queryText("who") ?? "",
            reference: (req.queryText("case") ?? "").trimmingCharacters(in: .whitespaces),
            action: req.queryText("action") ?? "",
            from: req.queryText("from") ?? "",
            to: req.queryText("to") ?? ""
        )
        if !s.who.isEmpty {
            if let id = UUID(uuidString: s.who) {
                s.filter.actorID = id
            } else {
                s.errors.append(.init(field: "who", message: "Choose a member of staff from the list"))
            }
        }
        if !s.reference.isEmpty {
            if let c = try await req.db.scoped(to: p).query(CaseFile.self).filter(\.$reference == s.reference).first() {
                s.filter.caseID = c.id
            } else {
                s.errors.append(.init(field: "case", message: "No case has the reference \(s.reference)"))
            }
        }
        if !s.action.isEmpty {
            if AuditAction(rawValue: s.action) != nil {
                s.filter.action = s.action
            } else {
                s.errors.append(.init(field: "action", message: "Choose what was done from the list"))
            }
        }
        func day(_ text: String, field: String, label: String) -> Date? {
            guard !text.isEmpty else { return nil }
            guard let d = BankHolidays.Day(parsing: text) else {
                s.errors.append(
                    .init(field: field, message: "Enter the \(label) date as a real date, such as 2026-11-02")
                )
                return nil
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day))
        }
        s.filter.from = day(s.from, field: "from", label: "from")
        // The "to" day is included: events before the next day's start.
        s.filter.to = day(s.to, field: "to", label: "to").map { $0.addingTimeInterval(86_400) }
        if let f = s.filter.from, let t = s.filter.to, f >= t {
            s.errors.append(.init(field: "to", message: "The to date must be the same as or after the from date"))
        }
        return s
    }

    func search(req: Request) async throws -> Response {
        let p = try await readAudit(req)
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let s = try await parse(req, p, zone)
        let before = (try? req.wholeNumber(query: "before", max: Int.max)).flatMap { $0 }.map(Int64.init)
        var view = AuditView(search: s, zone: zone)
        view.staff = try await req.db.scoped(to: p).query(StaffMember.self).sort(\.$name).all()
        if s.errors.isEmpty {
            let rows = try await AuditTrail.page(s.filter, before: before, limit: Self.perPage + 1, for: p, on: req.db)
            view.events = Array(rows.prefix(Self.perPage))
            view.older = rows.count > Self.perPage ? view.events.last?.id : nil
            let caseIDs = Array(Set(view.events.compactMap(\.caseID)))
            if !caseIDs.isEmpty {
                view.references = Dictionary(
                    try await req.db.scoped(to: p).query(CaseFile.self).filter(\.$id ~~ caseIDs).all()
                        .map { ($0.id!, $0.reference) },
                    uniquingKeysWith: { a, _ in a }
                )
            }
            try await req.audit(
                AuditEntry(action: .auditSearched, entity: "audit", detail: s.query.isEmpty ? "all" : s.query)
            )
        }
        view.names = Dictionary(view.staff.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return PageLayout.page(
            title: "Audit trail",
            user: try req.staff().name,
            csrf: CSRF.token(for: req),
            body: view.write
        )
        .response(status: s.errors.isEmpty ? .ok : .unprocessableEntity)
    }

    func verify(req: Request) async throws -> Response {
        _ = try await readAudit(req)
        let result = try await AuditController.check(req)
        try await req.audit(
            AuditEntry(action: .auditVerified, entity: "audit", detail: result.ok ? "intact" : "broken")
        )
        return PageLayout.page(title: "Audit trail check", user: try req.staff().name, csrf: CSRF.token(for: req)) {
            h in
            h.raw(
                "<a href=\"/audit\" class=\"back-link\">The audit trail</a>\n<h1 class=\"heading-l\">The audit trail check</h1>\n"
            )
            if result.ok {
                h.raw(
                    "<div class=\"notification-success\" role=\"status\" id=\"verify-result\"><p>The audit trail is intact: "
                )
                h.text(result.links)
                h.raw(
                    " events, each sealed to the one before it, up to the newest the witness log records.</p></div>\n"
                )
                h.raw("<p class=\"body\">The newest link's hash is <code>")
                h.text(result.head ?? "")
                h.raw("</code>. Keep it elsewhere: a later check must reach it.</p>\n")
            } else {
                h.raw("<div class=\"warning-text\" role=\"alert\" id=\"verify-result\"><p>The audit trail is broken: ")
                h.text(result.broken ?? "")
                h.raw(
                    ".</p></div>\n<p class=\"body\">Tell your information governance lead and keep a copy of the database as it is now.</p>\n"
                )
            }
        }.response(status: .ok)
    }

    func exportCSV(req: Request) async throws -> Response {
        try await export(
            req,
            contentType: "text/csv; charset=utf-8",
            name: "audit-trail.csv",
            header: AuditExport.csvHeader
        ) {
            AuditExport.csvRow($0)
        }
    }

    func exportJSONLines(req: Request) async throws -> Response {
        try await export(req, contentType: "application/jsonl; charset=utf-8", name: "audit-trail.jsonl", header: "") {
            AuditExport.jsonLine($0) + "\n"
        }
    }

    /// Streams the events the search matches, oldest first, a batch at a time.
    private func export(
        _ req: Request,
        contentType: String,
        name: String,
        header: String,
        line: @escaping @Sendable (AuditLink) -> String
    ) async throws -> Response {
        let p = try await readAudit(req)
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let s = try await parse(req, p, zone)
        guard s.errors.isEmpty else {
            throw Abort(.unprocessableEntity, reason: s.errors.map(\.message).joined(separator: "; "))
        }
        try await req.audit(
            AuditEntry(
                action: .auditExported,
                entity: "audit",
                detail: "\(name) " + (s.query.isEmpty ? "all" : s.query)
            )
        )
        let db = req.db
        let logger = req.logger
        let filter = s.filter
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        response.body = .init(asyncStream: { writer in
            do {
                if !header.isEmpty { try await writer.write(.buffer(ByteBuffer(string: header))) }
                try await AuditTrail.each(filter, for: p, on: db) { events in
                    var buffer = ByteBuffer()
                    for e in events { buffer.writeString(line(e.link)) }
                    try await writer.write(.buffer(buffer))
                }
                try await writer.write(.end)
            } catch {
                // The download ends short; the server's log says why (no personal data in it).
                logger.error("audit export stopped: \(String(reflecting: type(of: error)))")
                try await writer.write(.error(error))
            }
        })
        return response
    }
}
