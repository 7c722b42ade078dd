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
        let worker = try await PhoneController.staffMember(
            try PhoneController.uuid(req.parameters.get("staffID") ?? "", field: "staff_id"),
            p,
            req
        )
        guard AccessPolicy.canManagePhones(p, of: worker.allocation) else {
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
        let worker = try await PhoneController.staffMember(
            try PhoneController.uuid(req.parameters.get("staffID") ?? "", field: "staff_id"),
            p,
            req
        )
        guard AccessPolicy.isSelfOrManager(p, worker.allocation) else {
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
        let record = FollowUpRecord(
            organisationID: p.organisationID,
            staffID: try worker.requireID(),
            loggedByID: p.staffID,
            kind: o.kind.rawValue,
            occurredAt: o.occurredAt,
            callerName: o.callerName,
            callerNumber: o.callerNumber,
            summary: o.summary,
            dueAt: o.dueAt
        )
        let row = try Rewritable(record), digest = record.digest
        try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
            try await row.save(on: tx)
            return (
                (),
                [
                    AuditEntry(
                        action: "follow_up.open",
                        entity: FollowUpRecord.auditEntity,
                        entityID: record.id?.uuidString,
                        detail: o.kind.rawValue,
                        rowDigest: digest
                    )
                ]
            )
        }
        return try await FollowUpDTO(record, now: Date()).encodeResponse(status: .created, for: req)
    }

    /// The worker's follow-ups, open ones first and the most overdue at the top (`?open=true`: only open).
    func list(req: Request) async throws -> [FollowUpDTO] {
        let p = try await req.principal()
        let worker = try await PhoneController.staffMember(
            try PhoneController.uuid(req.parameters.get("staffID") ?? "", field: "staff_id"),
            p,
            req
        )
        guard AccessPolicy.canManagePhones(p, of: worker.allocation) else {
            throw Abort(.forbidden, reason: "only they, their managers or business support may read their follow-ups")
        }
        var q = FollowUpRecord.query(on: req.db).filter(\.$organisationID == p.organisationID).filter(
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
        let id = try PhoneController.uuid(req.parameters.get("followUpID") ?? "", field: "follow_up_id")
        return FollowUpDTO(
            try await Self.close(id, try req.content.decode(FollowUpCloseInput.self), p, req),
            now: Date()
        )
    }

    /// Shared by the API and the phones page.
    static func close(
        _ id: UUID,
        _ input: FollowUpCloseInput,
        _ p: Principal,
        _ req: Request
    ) async throws -> FollowUpRecord {
        guard
            let record = try await FollowUpRecord.query(on: req.db).filter(\.$id == id).filter(
                \.$organisationID == p.organisationID
            ).first()
        else {
            throw Abort(.notFound, reason: "no such follow-up")
        }
        let worker = try await PhoneController.staffMember(record.staffID, p, req)
        guard AccessPolicy.canAnswerMessages(p, for: worker.allocation) else {
            throw Abort(.forbidden, reason: "only the worker or their managers close it")
        }
        let closure = try FollowUp.close(outcome: input.outcome, note: input.note, divertedTo: input.divertedTo)
        let closer = p.staffID
        // Read again inside the transaction: of two people closing it at once, the second is told.
        return try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
            guard let record = try await FollowUpRecord.find(id, on: tx), record.closedAt == nil else {
                throw Abort(.conflict, reason: "this follow-up was already closed")
            }
            record.closedAt = RowDigest.storable(Date())
            record.closedByID = closer
            record.outcome = closure.outcome.rawValue
            record.note = closure.note
            record.divertedTo = closure.divertedTo
            try await record.save(on: tx)
            return (
                record,
                [
                    AuditEntry(
                        action: "follow_up.close",
                        entity: FollowUpRecord.auditEntity,
                        entityID: record.id?.uuidString,
                        detail: closure.outcome.rawValue,
                        rowDigest: record.digest
                    )
                ]
            )
        }
    }

    /// Open follow-ups past due, for the manager of each worker's team (or the DSL, for all).
    func overdue(req: Request) async throws -> [FollowUpDTO] {
        let now = Date()
        return try await Self.overdue(try await req.principal(), now: now, req).map { FollowUpDTO($0, now: now) }
    }

    /// Shared by the API and the phones page.
    static func overdue(_ p: Principal, now: Date, _ req: Request) async throws -> [FollowUpRecord] {
        let managed = try await ManagedStaff.ids(p, req)
        return try await FollowUpRecord.query(on: req.db).filter(\.$organisationID == p.organisationID).filter(
            \.$closedAt == nil
        )
        .filter(\.$dueAt < now).sort(\.$dueAt).all().filter { managed?.contains($0.staffID) ?? true }
    }
}

/// Whose overdue work a manager sees: the staff of teams they manage and their line reports; the DSL
/// sees everyone's (nil). Anyone else is refused.
enum ManagedStaff {
    static func ids(_ p: Principal, _ req: Request) async throws -> Set<UUID>? {
        guard p.roles.contains(.manager) || p.roles.contains(.dsl) else {
            throw Abort(.forbidden, reason: "for team managers and the DSL")
        }
        guard !p.roles.contains(.dsl) else { return nil }
        let staff = try await StaffMember.query(on: req.db).filter(\.$organisationID == p.organisationID).all()
        return Set(
            staff.filter { s in s.teamID.map(p.managedTeamIDs.contains) == true || s.lineManagerID == p.staffID }
                .compactMap(\.id)
        )
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
