import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Incidents through the API (PD-1.10, PD-1.13, PD-2.1–PD-2.5, PD-4.2, WA-13, WNL-5.2): raised, read,
/// their steps done in order, amended. No route takes a file: an image is never stored.
struct IncidentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let incidents = routes.grouped(NoFileMiddleware()).grouped("incidents")
        incidents.post(use: raise)
        incidents.get(use: list)
        incidents.get(":incidentID", use: show)
        incidents.post(":incidentID", "steps", ":stepID", "complete", use: complete)
        incidents.post(":incidentID", "amendments", use: amend)
    }

    func raise(req: Request) async throws -> Response {
        let p = try await req.principal()
        let input = try req.content.decode(IncidentInput.self)
        var problems: [ValidationError] = []
        var kind = IncidentKind.policyBreach
        do { kind = try IncidentKind.parse(input.kind, field: "kind") } catch { problems.append(error) }
        var occurredAt = Date()
        do { occurredAt = try ISOInstant.parse(input.occurredAt, field: "occurred_at") } catch {
            problems.append(error)
        }
        var people: [Incidents.Raise.Person] = []
        for (i, person) in (input.people ?? []).enumerated() {
            guard let role = IncidentPerson.Role(rawValue: person.role) else {
                problems.append(
                    .init(
                        field: "people[\(i)].role",
                        reason: "must be one of \(IncidentPerson.Role.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                )
                continue
            }
            people.append(.init(personID: person.personId, staffID: person.staffId, role: role))
        }
        try ValidationErrors(problems).throwIfAny()
        let view = try await Incidents.raise(
            .init(
                kind: kind,
                caseID: input.caseId,
                breachedClause: input.clause,
                occurredAt: occurredAt,
                summary: input.summary,
                source: input.source.map { ($0.type, $0.id) },
                people: people
            ),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await IncidentDTO(view).encodeResponse(status: .created, for: req)
    }

    /// The incidents the caller may see, open ones first; `status`, `kind`, `case_id` and `overdue` narrow it.
    func list(req: Request) async throws -> [IncidentDTO] {
        let p = try await req.principal()
        let status = req.queryText("status")
        if let status, !["open", "closed"].contains(status) {
            throw ValidationError(field: "status", reason: "'\(status)' is not open or closed")
        }
        let kind = try req.queryText("kind").map { try IncidentKind.parse($0, field: "kind") }
        let caseID = try req.queryText("case_id").map { text in
            guard let id = UUID(uuidString: text) else {
                throw ValidationError(field: "case_id", reason: "'\(text)' is not an id")
            }
            return id
        }
        let overdue = try req.flag(query: "overdue")
        var shown: [IncidentDTO] = []
        for view in try await Incidents.visible(to: p, on: req.db) {
            let incident = view.incident
            if let status, (incident.closedAt == nil) != (status == "open") { continue }
            if let kind, incident.kind != kind { continue }
            if let caseID, incident.caseID != caseID { continue }
            let dto = IncidentDTO(view)
            if let overdue, dto.overdue != overdue { continue }
            shown.append(dto)
        }
        try await req.audit(AuditEntry(action: .incidentRead, entity: "incident", detail: "\(shown.count) listed"))
        return shown
    }

    func show(req: Request) async throws -> IncidentDTO {
        let p = try await req.principal()
        let view = try await Incidents.one(try req.id("incidentID", field: "incident_id"), for: p, on: req.db)
        try await req.audit(
            AuditEntry(
                action: .incidentRead,
                entity: Incident.auditEntity,
                entityID: view.incident.id?.uuidString,
                caseID: view.incident.caseID
            )
        )
        return IncidentDTO(view)
    }

    func complete(req: Request) async throws -> IncidentDTO {
        let p = try await req.principal()
        let incidentID = try req.id("incidentID", field: "incident_id")
        let stepID = try req.id("stepID", field: "step_id")
        let input = try req.content.decode(StepCompletionInput.self)
        let view = try await Incidents.complete(
            step: stepID,
            of: incidentID,
            .init(note: input.note, reference: input.reference, confirmed: input.confirmed ?? false),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return IncidentDTO(view)
    }

    func amend(req: Request) async throws -> Response {
        let p = try await req.principal()
        let input = try req.content.decode(AmendmentInput.self)
        let view = try await Incidents.amend(
            try req.id("incidentID", field: "incident_id"),
            reason: input.reason,
            summary: input.summary,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await IncidentDTO(view).encodeResponse(status: .created, for: req)
    }
}

/// Refuses any request carrying a file, naming the form field it came in: an incident about an image
/// holds words about it, never the image (PD-2.1, PD-2.5 and the UKCIS guidance: do not view, copy,
/// screenshot, forward or upload it).
struct NoFileMiddleware: AsyncMiddleware {
    static let reason =
        "an incident never takes a file: do not view, copy, screenshot, forward or upload an image; describe it in words"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let type = request.headers.contentType, type.type == "multipart" || type == .binary {
            throw ValidationError(field: Self.fileField(in: request) ?? "file", reason: Self.reason)
        }
        return try await next.respond(to: request)
    }

    /// The name of the first part of a multipart body that carries a file, when the body is at hand.
    static func fileField(in request: Request) -> String? {
        guard let body = request.body.string else { return nil }
        for line in body.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            guard line.contains("filename") else { continue }
            if let start = line.range(of: "name=\"") {
                let rest = line[start.upperBound...]
                if let end = rest.firstIndex(of: "\"") { return String(rest[..<end]) }
            }
        }
        return nil
    }
}
