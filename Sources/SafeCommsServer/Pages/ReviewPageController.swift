import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The review queue in the plain pages, for the worker's managers, the DSL and auditors: the open
/// items with their counts per clause and per worker, and each item with the message's words (when
/// the reviewer may read the case) and the form that resolves it. Each handler parses, calls
/// `ReviewQueue`, and renders.
struct ReviewPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(NoFileMiddleware()).grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("review", use: list)
        signedIn.get("review", ":itemID", use: show)
        signedIn.post("review", ":itemID", use: resolve)
    }

    struct Row: Encodable {
        var id: String
        var clause: String
        var channel: String
        var occurred: String
        var reference: String?
        var types: String
        var worker: String
    }

    struct Count: Encodable {
        var name: String
        var open: Int
        var oldest: String
    }

    struct ListContext: Encodable {
        var title = "Review queue"
        var csrf: String
        var user: String
        var done: String?
        var open: Int
        var byClause: [Count]
        var byWorker: [Count]
        var items: [Row]
    }

    func list(req: Request) async throws -> View {
        let p = try await req.principal()
        let zone = try await zone(p, req)
        let views = try await ReviewQueue.visible(.init(), to: p, on: req.db)
        let summary = try await ReviewQueue.summary(for: p, on: req.db)
        try await req.audit(
            AuditEntry(action: .reviewRead, entity: ReviewItem.auditEntity, detail: "\(views.count) listed (web)")
        )
        func counts(_ c: [ReviewQueue.Summary.Count]) -> [Count] {
            c.map { Count(name: $0.name, open: $0.open, oldest: Self.days($0.oldestDays)) }
        }
        let done: String? =
            switch req.queryText("done") {
            case "resolved": "The item was resolved."
            case "notified": "The item was resolved. The worker will get an e-mail naming the clause and the day."
            default: nil
            }
        return try await req.view.render(
            "review",
            ListContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                done: done,
                open: summary.open,
                byClause: counts(summary.byClause),
                byWorker: counts(summary.byWorker),
                items: views.map { v in
                    Row(
                        id: v.item.id!.uuidString,
                        clause: v.item.clause,
                        channel: Self.channelWords(v.channel),
                        occurred: WallClockText.dateTime(v.item.occurredAt, zone: zone),
                        reference: v.caseReference,
                        types: Self.typeWords(v.item.types),
                        worker: v.workerName
                    )
                }
            )
        )
    }

    struct DetailContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var id: String
        var clause: String
        var clauseSummary: String
        /// The clause on its policy's page.
        var clauseHref: String?
        var caseID: String
        var reference: String?
        var channel: String
        var occurred: String
        var worker: String
        var types: String
        var flagged: String
        var origin: String
        var outcome: String?
        var resolvedAt: String?
        var resolvedBy: String?
        var reason: String?
        var incidentID: String?
        var words: String?
        var canResolve: Bool
        var outcomes: [PageController.Option]
        var kinds: [PageController.Option]
        var reasonText: String
        var errors: [PageController.FieldError]
    }

    struct ResolveForm: Content {
        var outcome: String?
        var reason: String?
        var incidentKind: String?

        enum CodingKeys: String, CodingKey {
            case outcome, reason
            case incidentKind = "incident_kind"
        }
    }

    func show(req: Request) async throws -> View {
        try await render(req, try req.id("itemID", field: "item_id"), form: nil, errors: [])
    }

    func resolve(req: Request) async throws -> Response {
        let p = try await req.principal()
        let id = try req.id("itemID", field: "item_id")
        let form = try req.content.decode(ResolveForm.self)
        do {
            guard let outcome = form.outcome, !outcome.isEmpty else {
                throw ValidationError(field: "outcome", reason: "is required: choose what you did")
            }
            let kindChosen = outcome == ReviewItem.Outcome.incident.rawValue ? form.incidentKind : nil
            let view = try await ReviewQueue.resolve(
                id,
                try ReviewQueue.Resolution(.init(outcome: outcome, reason: form.reason, incidentKind: kindChosen)),
                by: p,
                link: req.application.safeCommsConfig.publicURL,
                audit: try req.auditContext(),
                on: req.db
            )
            if let incident = view.item.incidentID {
                return req.redirect(to: "/incidents/\(incident.uuidString)?done=raised")
            }
            return req.redirect(to: "/review?done=\(view.item.outcome == .notifyWorker ? "notified" : "resolved")")
        } catch let e as ValidationError {
            return try await render(
                req,
                id,
                form: form,
                errors: [.init(field: e.field, message: PageController.sentence(e))]
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        } catch let e as ValidationErrors {
            let errors = e.errors.map {
                PageController.FieldError(field: $0.field, message: PageController.sentence($0))
            }
            return try await render(req, id, form: form, errors: errors)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    private func render(
        _ req: Request,
        _ id: UUID,
        form: ResolveForm?,
        errors: [PageController.FieldError]
    ) async throws -> View {
        let p = try await req.principal()
        let v = try await ReviewQueue.one(id, for: p, on: req.db)
        let item = v.item
        try await req.audit(
            AuditEntry(
                action: .reviewRead,
                entity: ReviewItem.auditEntity,
                entityID: id.uuidString,
                caseID: item.caseID,
                detail: "web"
            )
        )
        let zone = try await zone(p, req)
        let names = Dictionary(
            try await req.db.scoped(to: p).query(StaffMember.self).all().compactMap { s in s.id.map { ($0, s.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        let worker = try await req.db.scoped(to: p).find(StaffMember.self, item.staffID)
        let mayResolve = try worker.map { AccessPolicy.canResolveReview(p, of: try $0.allocation) } ?? false
        let canResolve = item.resolvedAt == nil && mayResolve
        let suggested = MessageScanner.suggestedKind(for: item.clause)
        let origin =
            switch item.origin {
            case .recorded: "when it was recorded"
            case .imported: "when it was imported"
            case .scan: "by a scan of stored messages"
            }
        let chosenKind = form?.incidentKind.flatMap(IncidentKind.init(rawValue:)) ?? suggested
        let outcomes: [(ReviewItem.Outcome, String)] = [
            (.noAction, "Looked at it: no action needed"),
            (.falsePositive, "It is not what the check thought (a false positive)"),
            (.incident, "Open an incident about it"),
            (.notifyWorker, "Tell the worker by e-mail which clause, and when (never the message's words)"),
        ]
        return try await req.view.render(
            "review-item",
            DetailContext(
                title: "Review: \(item.clause)",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                id: id.uuidString,
                clause: item.clause,
                clauseSummary: req.application.policyLibrary.clause(item.clause)?.summary ?? "",
                clauseHref: req.application.policyLibrary.packID(of: item.clause).map {
                    "/policies/\($0)#\(item.clause)"
                },
                caseID: item.caseID.uuidString,
                reference: v.caseReference,
                channel: Self.channelWords(v.channel),
                occurred: WallClockText.dateTime(item.occurredAt, zone: zone),
                worker: v.workerName,
                types: Self.typeWords(item.types),
                flagged: WallClockText.dateTime(item.flaggedAt, zone: zone),
                origin: origin,
                outcome: item.outcome.map { o in outcomes.first { $0.0 == o }?.1 ?? o.rawValue },
                resolvedAt: item.resolvedAt.map { WallClockText.dateTime($0, zone: zone) },
                resolvedBy: item.resolvedByID.flatMap { names[$0] },
                reason: item.reason,
                incidentID: item.incidentID?.uuidString,
                words: v.message.map { $0.transcript ?? $0.summary ?? "" },
                canResolve: canResolve,
                outcomes: outcomes.map {
                    .init(value: $0.0.rawValue, label: $0.1, selected: form?.outcome == $0.0.rawValue)
                },
                kinds: IncidentKind.allCases.map {
                    .init(
                        value: $0.rawValue,
                        label: $0 == suggested ? "\($0.label) (suggested for \(item.clause))" : $0.label,
                        selected: $0 == chosenKind
                    )
                },
                reasonText: form?.reason ?? "",
                errors: errors
            )
        )
    }

    private func zone(_ p: Principal, _ req: Request) async throws -> TimeZone {
        try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
    }

    /// "today", "1 day", "3 days".
    static func days(_ n: Int) -> String { n == 0 ? "today" : n == 1 ? "1 day" : "\(n) days" }

    /// "WhatsApp message" for `whatsapp`: how a reviewer would say it.
    static func channelWords(_ channel: String?) -> String {
        switch channel {
        case "whatsapp": "WhatsApp message"
        case "sms": "Text message"
        case "email": "E-mail"
        case nil: "Message"
        case let other?: other.prefix(1).uppercased() + other.dropFirst().replacingOccurrences(of: "_", with: " ")
        }
    }

    /// `CASE_PERSON` as "a name on the case", and so on.
    static func typeWords(_ types: [String]) -> String {
        let words: [String: String] = [
            FindingType.casePerson: "a name on the case", FindingType.dateOfBirth: "a date of birth",
            FindingType.address: "an address", FindingType.postcode: "a postcode",
            FindingType.nhsNumber: "an NHS number", FindingType.nino: "a National Insurance number",
            FindingType.reportDocument: "a report or assessment",
            FindingType.inappropriateLanguage: "abusive or inappropriate words",
            FindingType.overfamiliar: "over-familiar words", FindingType.imageRequest: "a request for an image",
            FindingType.personalContact: "personal contact details", FindingType.relay: "a message passed on",
            FindingType.textSpeak: "text speak",
        ]
        let named = types.map { words[$0] ?? $0.lowercased().replacingOccurrences(of: "_", with: " ") }
        guard let first = named.first else { return "" }
        return (first.prefix(1).uppercased() + first.dropFirst() + (named.count > 1 ? ", " : ""))
            + named.dropFirst().joined(separator: ", ")
    }
}
