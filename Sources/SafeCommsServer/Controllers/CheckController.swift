import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `POST /api/v1/checks`: "may I?" through the API. The same decision as `safecomms check`; with a
/// `case_id`, the case's status, people and consents come from the store, so a caller cannot claim a
/// consent that is not on file. Every check is in the audit trail (the decision and clauses, never
/// the message).
struct CheckController: RouteCollection {
    let library: PolicyLibrary

    func boot(routes: any RoutesBuilder) throws {
        routes.post("checks", use: check)
    }

    func check(req: Request) async throws -> Response {
        // The organisation comes from the signed-in member of staff; the case rules (which need their
        // teams) are only worked out when a case is named.
        let staff = try req.staff()
        guard let body = req.body.data else {
            throw ValidationError(field: "request", reason: "a JSON body is required")
        }
        let input = try body.withUnsafeReadableBytes { raw throws(ValidationError) in try CheckInput(json: raw) }
        var request = input.request
        if let id = input.deviceID {
            let d = try await WorkDevices.forCheck(id, by: try await req.principal(), on: req.db)
            request.device = CheckRequest.Device(kind: d.kind, whatsappEnabled: d.whatsappEnabled)
        }
        let settings = try await req.application.organisationSettings.settings(for: staff.organisationID, on: req.db)
        if let id = input.caseID {
            let (c, _) = try await CaseAccess.load(req, .read, id: id)
            request = try await request.filled(
                from: c,
                by: staff.id,
                day: settings.officeHours.localDay(of: request.at ?? Date()).description,
                on: req.db
            )
        }
        // The request's own packs, else the organisation's choice, else every pack.
        let decision = try library.evaluator(for: request.packs ?? settings.packs, field: "packs").evaluate(
            request,
            settings: settings
        )
        try await req.application.auditBatcher.record(
            AuditEntry(
                action: .checked,
                entity: input.caseID == nil ? "check" : "case",
                entityID: input.caseID?.uuidString,
                caseID: input.caseID,
                detail:
                    "\(request.channel.rawValue) \(decision.decision.rawValue): \(decision.clauses.joined(separator: ", "))"
            ),
            try req.auditContext()
        )
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: decision.json)))
    }
}
