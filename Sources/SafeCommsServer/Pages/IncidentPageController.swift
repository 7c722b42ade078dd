import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Incidents in the plain pages: the list (open and overdue first), raising one (from a case or on its
/// own), reading it with its ladder as a task list, doing the open step, and amending it. Each handler
/// parses, calls `Incidents`, and renders; no page takes a file.
struct IncidentPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(NoFileMiddleware()).grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("incidents", use: list)
        signedIn.get("incidents", "new", use: newForm)
        signedIn.post("incidents", use: raise)
        signedIn.get("incidents", ":incidentID", use: show)
        signedIn.post("incidents", ":incidentID", "steps", ":stepID", use: complete)
        signedIn.post("incidents", ":incidentID", "amendments", use: amend)
    }

    struct Row: Encodable {
        var id: String
        var label: String
        var clause: String
        var reference: String?
        var raised: String
        var next: String
        var overdue: Bool
        var closed: Bool
    }

    struct ListContext: Encodable {
        var title = "Incidents"
        var csrf: String
        var user: String
        var canRaise: Bool
        var incidents: [Row]
    }

    func list(req: Request) async throws -> View {
        let p = try await req.principal()
        let zone = try await zone(p, req)
        let now = Date()
        var rows: [Row] = []
        for v in try await Incidents.visible(to: p, on: req.db) {
            let incident = v.incident
            let open = v.openStep
            rows.append(
                Row(
                    id: incident.id!.uuidString,
                    label: incident.kind.label,
                    clause: incident.clause,
                    reference: v.caseReference(for: p),
                    raised: WallClockText.dateTime(incident.raisedAt, zone: zone),
                    next: open.map { s in
                        "\(s.step), for \(Self.ownerWords(s.owner))"
                            + (s.dueAt.map { ", due \(WallClockText.dateTime($0, zone: zone))" } ?? "")
                    } ?? "None",
                    overdue: open?.dueAt.map { $0 < now } ?? false,
                    closed: incident.closedAt != nil
                )
            )
        }
        rows.sort { $0.overdue && !$1.overdue }
        try await req.audit(AuditEntry(action: .incidentRead, entity: "incident", detail: "\(rows.count) listed (web)"))
        return try await req.view.render(
            "incidents",
            ListContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                canRaise: !p.roles.isSubset(of: [.auditor]),
                incidents: rows
            )
        )
    }

    struct NewContext: Encodable {
        var title = "Raise an incident"
        var csrf: String
        var user: String
        var caseID: String
        var reference: String?
        var kinds: [PageController.Option]
        var clause: String
        var occurredAt: String
        var summary: String
        var sourceType: String?
        var sourceID: String?
        var sourceWords: String?
        var errors: [PageController.FieldError]
    }

    struct RaiseForm: Content {
        var kind: String?
        var caseId: String?
        var clause: String?
        var occurredAt: String?
        var summary: String?
        /// What it is raised from: a contact on a case, a message taken, a follow-up.
        var sourceType: String?
        var sourceId: String?

        enum CodingKeys: String, CodingKey {
            case kind, clause, summary
            case caseId = "case_id"
            case occurredAt = "occurred_at"
            case sourceType = "source_type"
            case sourceId = "source_id"
        }

        var source: (type: String, id: UUID)? {
            guard let type = sourceType, !type.isEmpty, let id = sourceId.flatMap(UUID.init(uuidString:)) else {
                return nil
            }
            return (type, id)
        }
    }

    func newForm(req: Request) async throws -> View {
        let p = try await req.principal()
        guard !p.roles.isSubset(of: [.auditor]) else {
            throw Abort(.forbidden, reason: "auditors read incidents but do not raise them")
        }
        var form = RaiseForm(
            kind: nil,
            caseId: req.queryText("case"),
            clause: nil,
            occurredAt: PageController.localInput(Date(), try await zone(p, req)),
            summary: nil,
            sourceType: req.queryText("source_type"),
            sourceId: req.queryText("source_id")
        )
        // Raised from a record: its case and its time, unless changed.
        if let source = form.source {
            let found = try await Incidents.source(source.type, source.id, for: p, on: req.db)
            form.caseId = found.caseID?.uuidString ?? form.caseId
            form.occurredAt = PageController.localInput(found.occurredAt, try await zone(p, req))
        }
        return try await renderNew(req, p, form, errors: [])
    }

    func raise(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(RaiseForm.self)
        var errors: [PageController.FieldError] = []
        let kind = IncidentKind(rawValue: form.kind ?? "")
        if kind == nil { errors.append(.init(field: "kind", message: "Choose what happened")) }
        let occurred = PageController.parseLocalInput(form.occurredAt ?? "", try await zone(p, req))
        if occurred == nil {
            errors.append(.init(field: "occurred_at", message: "Enter when it happened, as a date and time"))
        }
        var caseID: UUID?
        if let text = form.caseId, !text.isEmpty {
            guard let id = UUID(uuidString: text) else { throw Abort(.badRequest, reason: "case_id is not a case id") }
            caseID = id
        }
        do {
            guard errors.isEmpty, let kind, let occurred else { throw ValidationErrors([]) }
            let view = try await Incidents.raise(
                .init(
                    kind: kind,
                    caseID: caseID,
                    breachedClause: form.clause,
                    occurredAt: occurred,
                    summary: form.summary ?? "",
                    source: form.source
                ),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/incidents/\(view.incident.id!.uuidString)?done=raised")
        } catch let e as ValidationErrors {
            errors += e.errors.map { .init(field: $0.field, message: PageController.sentence($0)) }
        } catch let e as ValidationError {
            errors.append(.init(field: e.field, message: PageController.sentence(e)))
        }
        return try await renderNew(req, p, form, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
    }

    private func renderNew(
        _ req: Request,
        _ p: Principal,
        _ form: RaiseForm,
        errors: [PageController.FieldError]
    )
        async throws -> View
    {
        let caseID = form.caseId.flatMap(UUID.init(uuidString:))
        let reference = try await reference(caseID, p, req)
        var sourceWords: String?
        if let source = form.source {
            let found = try await Incidents.source(source.type, source.id, for: p, on: req.db)
            sourceWords =
                "the \(found.words) of \(WallClockText.dateTime(found.occurredAt, zone: try await zone(p, req)))"
        }
        return try await req.view.render(
            "incident-new",
            NewContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                caseID: caseID?.uuidString ?? "",
                reference: reference,
                kinds: IncidentKind.allCases.map {
                    .init(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.kind)
                },
                clause: form.clause ?? "",
                occurredAt: form.occurredAt ?? "",
                summary: form.summary ?? "",
                sourceType: form.source?.type,
                sourceID: form.source?.id.uuidString,
                sourceWords: sourceWords,
                errors: errors
            )
        )
    }

    struct StepRow: Encodable {
        var id: String
        var step: String
        var action: String
        var owner: String
        var due: String?
        var open: Bool
        var done: Bool
        var overdue: Bool
        var doneAt: String?
        var doneBy: String?
        var note: String?
        var reference: String?
        var needsReference: Bool
        var needsConfirmation: Bool
    }

    struct AmendmentRow: Encodable {
        var madeAt: String
        var madeBy: String
        var reason: String
        var summary: String
    }

    struct DetailContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var id: String
        var label: String
        var clause: String
        /// The clause on its policy's page.
        var clauseHref: String?
        var caseID: String?
        var reference: String?
        var occurred: String
        var raised: String
        var reporter: String
        var summary: String
        var closed: Bool
        var closedAt: String?
        var aboutImages: Bool
        /// What it was raised from, and where that is, when the reader may see it.
        var source: String?
        var sourceLink: String?
        /// The files the source message carried: named, sized and digested for the police, never kept.
        var sourceFiles: [String]
        var steps: [StepRow]
        var openStep: StepRow?
        var amendments: [AmendmentRow]
        var canAmend: Bool
        var done: String?
        var errors: [PageController.FieldError]
    }

    func show(req: Request) async throws -> View {
        try await renderDetail(req, try req.id("incidentID", field: "incident_id"), errors: [])
    }

    struct StepForm: Content {
        var note: String?
        var reference: String?
        var confirmed: String?
    }

    func complete(req: Request) async throws -> Response {
        let p = try await req.principal()
        let id = try req.id("incidentID", field: "incident_id")
        let form = try req.content.decode(StepForm.self)
        do {
            _ = try await Incidents.complete(
                step: try req.id("stepID", field: "step_id"),
                of: id,
                .init(note: form.note, reference: form.reference, confirmed: form.confirmed == "on"),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/incidents/\(id.uuidString)?done=step")
        } catch let e as ValidationError {
            let error = PageController.FieldError(field: e.field, message: PageController.sentence(e))
            return try await renderDetail(req, id, errors: [error]).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    struct AmendForm: Content {
        var reason: String?
        var summary: String?
    }

    func amend(req: Request) async throws -> Response {
        let p = try await req.principal()
        let id = try req.id("incidentID", field: "incident_id")
        let form = try req.content.decode(AmendForm.self)
        do {
            _ = try await Incidents.amend(
                id,
                reason: form.reason ?? "",
                summary: form.summary ?? "",
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/incidents/\(id.uuidString)?done=amended")
        } catch let e as ValidationErrors {
            // The amendment's fields are named apart from the incident's on the page.
            let errors = e.errors.map {
                PageController.FieldError(field: "amend-\($0.field)", message: PageController.sentence($0))
            }
            return try await renderDetail(req, id, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    private func renderDetail(_ req: Request, _ id: UUID, errors: [PageController.FieldError]) async throws -> View {
        let p = try await req.principal()
        let v = try await Incidents.one(id, for: p, on: req.db)
        try await req.audit(
            AuditEntry(
                action: .incidentRead,
                entity: Incident.auditEntity,
                entityID: id.uuidString,
                caseID: v.incident.caseID,
                detail: "web"
            )
        )
        let zone = try await zone(p, req)
        let names = try await staffNames(p, req)
        let now = Date()
        let open = v.openStep
        let mayDo = open.map { AccessPolicy.canComplete(p, $0.owner, of: v.allocation) } ?? false
        let steps = v.steps.map { s in
            let template = v.incident.template(of: s.step)
            return StepRow(
                id: s.id!.uuidString,
                step: s.step,
                action: template?.action ?? "",
                owner: Self.ownerWords(s.owner),
                due: s.dueAt.map { WallClockText.dateTime($0, zone: zone) },
                open: s.id == open?.id,
                done: s.doneAt != nil,
                overdue: s.doneAt == nil && (s.dueAt.map { $0 < now } ?? false),
                doneAt: s.doneAt.map { WallClockText.dateTime($0, zone: zone) },
                doneBy: s.doneByID.flatMap { names[$0] },
                note: s.note,
                reference: s.reference,
                needsReference: template?.records == .reference,
                needsConfirmation: template?.records == .confirmation
            )
        }
        var source: Incidents.Source?
        if let type = v.incident.sourceType, let sourceID = v.incident.sourceID {
            source = try? await Incidents.source(type, sourceID, for: p, on: req.db)
        }
        let done: String? =
            switch req.queryText("done") {
            case "raised": "The incident was raised. The first step is with its owner."
            case "step": "The step was recorded as done."
            case "amended": "The amendment was added."
            default: nil
            }
        return try await req.view.render(
            "incident",
            DetailContext(
                title: v.incident.kind.label,
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                id: id.uuidString,
                label: v.incident.kind.label,
                clause: v.incident.clause,
                clauseHref: req.application.policyLibrary.packID(of: v.incident.clause).map {
                    "/policies/\($0)#\(v.incident.clause)"
                },
                caseID: v.incident.caseID?.uuidString,
                reference: v.caseReference(for: p),
                occurred: WallClockText.dateTime(v.incident.occurredAt, zone: zone),
                raised: WallClockText.dateTime(v.incident.raisedAt, zone: zone),
                reporter: names[v.incident.reporterID] ?? "",
                summary: v.incident.summary,
                closed: v.incident.closedAt != nil,
                closedAt: v.incident.closedAt.map { WallClockText.dateTime($0, zone: zone) },
                aboutImages: v.incident.kind.isRestricted || v.incident.kind == .unsolicitedImage,
                source: source.map { "The \($0.words) of \(WallClockText.dateTime($0.occurredAt, zone: zone))" },
                sourceLink: source.map { $0.caseID.map { "/cases/\($0.uuidString)" } ?? "/phones" },
                sourceFiles: source?.attachments ?? [],
                steps: steps,
                openStep: mayDo ? steps.first { $0.open } : nil,
                amendments: v.amendments.map {
                    AmendmentRow(
                        madeAt: WallClockText.dateTime($0.madeAt, zone: zone),
                        madeBy: names[$0.madeByID] ?? "",
                        reason: $0.reason,
                        summary: $0.summary
                    )
                },
                canAmend: !p.roles.isSubset(of: [.auditor]),
                done: done,
                errors: errors
            )
        )
    }

    private func zone(_ p: Principal, _ req: Request) async throws -> TimeZone {
        try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
    }

    /// The case's reference, when the reader may see the case.
    private func reference(_ caseID: UUID?, _ p: Principal, _ req: Request) async throws -> String? {
        guard let caseID else { return nil }
        return try? await VisibleCases.one(caseID, .read, for: p, on: req.db).reference
    }

    private func staffNames(_ p: Principal, _ req: Request) async throws -> [UUID: String] {
        Dictionary(
            try await req.db.scoped(to: p).query(StaffMember.self).all().compactMap { s in s.id.map { ($0, s.name) } },
            uniquingKeysWith: { a, _ in a }
        )
    }

    static func ownerWords(_ owner: StepOwner) -> String {
        switch owner {
        case .reporter: "the person who raised it"
        case .lineManager: "their line manager"
        case .dsl: "the designated safeguarding lead"
        }
    }
}
