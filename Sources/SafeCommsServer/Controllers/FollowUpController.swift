import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Calls a worker must close (COV-5, COV-7, LIN-5): voicemail messages, logged by the worker, a manager,
/// business support or the telephony platform's account; and unexpected out-of-hours calls the worker
/// answered. Each stays open until the worker (or a manager) records that they responded or where it
/// was diverted; overdue ones show to the manager of the worker's team.
struct FollowUpController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("staff", ":staffID", "voicemails", use: logVoicemail)
        routes.post("staff", ":staffID", "out-of-hours-calls", use: logAnsweredCall)
        routes.get("staff", ":staffID", "follow-ups", use: list)
        routes.post("follow-ups", ":followUpID", "close", use: close)
        routes.get("follow-ups", "overdue", use: overdue)
    }

    func logVoicemail(req: Request) async throws -> Response {
        let p = try await req.principal()
        let worker = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        guard AccessPolicy.canManagePhones(p, of: try worker.allocation) else {
            throw Abort(.forbidden, reason: "only they, their managers or business support log their voicemail")
        }
        let input = try req.content.decode(FollowUpInput.self)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let opened = try FollowUp.voicemail(
            receivedAt: input.receivedAt,
            callerName: input.callerName,
            callerNumber: input.callerNumber,
            summary: input.summary,
            now: Date(),
            pickupHours: settings.voicemailPickupHours
        )
        return try await save(opened, for: worker, p, req)
    }

    /// COV-5: answers 201 with the follow-up when one is needed, or 200 with the reason none is.
    func logAnsweredCall(req: Request) async throws -> Response {
        let p = try await req.principal()
        let worker = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        guard AccessPolicy.isSelfOrManager(p, try worker.allocation) else {
            throw Abort(.forbidden, reason: "only they or their managers log calls they answered")
        }
        let input = try req.content.decode(FollowUpInput.self)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let need = try FollowUp.answeredCall(
            answeredAt: input.answeredAt,
            expected: input.expected,
            callerName: input.callerName,
            callerNumber: input.callerNumber,
            summary: input.summary,
            now: Date(),
            hours: settings.officeHours
        )
        switch need {
        case .followUp(let opened): return try await save(opened, for: worker, p, req)
        case .none(let reason):
            return try await NoFollowUpDTO(followUpNeeded: false, reason: reason).encodeResponse(status: .ok, for: req)
        }
    }

    private func save(
        _ o: FollowUp.Opened,
        for worker: StaffMember,
        _ p: Principal,
        _ req: Request
    ) async throws -> Response {
        let record = try await PhoneFollowUps.log(o, for: worker, by: p, audit: try req.auditContext(), on: req.db)
        return try await FollowUpDTO(record, now: Date()).encodeResponse(status: .created, for: req)
    }

    /// The worker's follow-ups, open ones first and the most overdue at the top (`?open=true`: only open).
    func list(req: Request) async throws -> [FollowUpDTO] {
        let p = try await req.principal()
        let worker = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        guard AccessPolicy.canManagePhones(p, of: try worker.allocation) else {
            throw Abort(.forbidden, reason: "only they, their managers or business support may read their follow-ups")
        }
        var q = req.db.scoped(to: p.organisationID).query(FollowUpRecord.self).filter(
            \.$staffID == (try worker.requireID())
        )
        if req.query[Bool.self, at: "open"] == true { q = q.filter(\.$closedAt == nil) }
        let now = Date()
        return try await q.sort(\.$dueAt).all().map { FollowUpDTO($0, now: now) }.sorted {
            ($0.closedAt == nil ? 0 : 1) < ($1.closedAt == nil ? 0 : 1)
        }
    }

    func close(req: Request) async throws -> FollowUpDTO {
        let p = try await req.principal()
        let id = try req.id("followUpID", field: "follow_up_id")
        let input = try req.content.decode(FollowUpCloseInput.self)
        let closure = try FollowUp.close(outcome: input.outcome, note: input.note, divertedTo: input.divertedTo)
        let record = try await PhoneFollowUps.close(
            followUp: id,
            closure,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return FollowUpDTO(record, now: Date())
    }

    /// Open follow-ups past due, for the manager of each worker's team (or the DSL, for all).
    func overdue(req: Request) async throws -> [FollowUpDTO] {
        let now = Date()
        return try await PhoneFollowUps.overdueFollowUps(for: try await req.principal(), now: now, on: req.db)
            .map { FollowUpDTO($0, now: now) }
    }
}

struct FollowUpInput: Content {
    var receivedAt: String?
    var answeredAt: String?
    var expected: Bool?
    var callerName: String?
    var callerNumber: String?
    var summary: String?
}

struct FollowUpCloseInput: Content {
    var outcome: String?
    var note: String?
    var divertedTo: String?
}

struct NoFollowUpDTO: Content {
    var followUpNeeded: Bool
    var reason: String
}

struct FollowUpDTO: Content {
    var id: UUID?
    var staffId: UUID
    var kind: String
    var clauses: [String]
    var occurredAt: Date
    var callerName: String?
    var callerNumber: String?
    var summary: String?
    var dueAt: Date
    var overdue: Bool
    var closedAt: Date?
    var outcome: String?
    var note: String?
    var divertedTo: String?

    init(_ r: FollowUpRecord, now: Date) {
        id = r.id
        staffId = r.staffID
        kind = r.kind
        clauses = FollowUp.Kind(rawValue: r.kind)?.clauses ?? []
        occurredAt = r.occurredAt
        callerName = r.callerName
        callerNumber = r.callerNumber
        summary = r.summary
        dueAt = r.dueAt
        overdue = r.closedAt == nil && now > r.dueAt
        closedAt = r.closedAt
        outcome = r.outcome
        note = r.note
        divertedTo = r.divertedTo
    }
}
