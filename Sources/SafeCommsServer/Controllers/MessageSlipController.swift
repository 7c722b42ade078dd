import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Messages taken for a colleague (LIN-9, LIN-10, LIN-7). Anyone in the organisation may take one (it
/// is business support's everyday job); it lands in the officer's list of open messages, marked
/// urgent, and stays there until they record their response. Overdue messages (past the call-back
/// time promised to the caller) show to the manager of the officer's team.
struct MessageSlipController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("staff", ":staffID", "messages", use: take)
        routes.get("staff", ":staffID", "messages", use: list)
        routes.post("messages", ":messageID", "response", use: respond)
        routes.get("messages", "overdue", use: overdue)
    }

    func take(req: Request) async throws -> Response {
        let p = try await req.principal()
        let officer = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        let input = try req.content.decode(MessageSlipInput.self)
        let record = try await PhoneFollowUps.takeMessage(
            try input.slip(now: Date()),
            for: officer,
            by: p,
            link: req.application.safeCommsConfig.publicURL + "/phones",
            audit: try req.auditContext(),
            on: req.db
        )
        return try await MessageSlipDTO(record, now: Date()).encodeResponse(status: .created, for: req)
    }

    /// The officer's messages, open ones first and the most overdue at the top (`?open=true`: only open).
    func list(req: Request) async throws -> [MessageSlipDTO] {
        let p = try await req.principal()
        let officer = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        guard AccessPolicy.canManagePhones(p, of: try officer.allocation) else {
            throw Abort(.forbidden, reason: "only they, their managers or business support may read their messages")
        }
        var q = req.db.scoped(to: p.organisationID).query(MessageSlipRecord.self).filter(
            \.$forStaffID == (try officer.requireID())
        )
        if req.query[Bool.self, at: "open"] == true { q = q.filter(\.$respondedAt == nil) }
        let now = Date()
        return try await q.sort(\.$callBackBy).all().map { MessageSlipDTO($0, now: now) }.sorted {
            ($0.respondedAt == nil ? 0 : 1) < ($1.respondedAt == nil ? 0 : 1)
        }
    }

    /// LIN-7: the officer (or a manager of theirs) records the response.
    func respond(req: Request) async throws -> MessageSlipDTO {
        let p = try await req.principal()
        let id = try req.id("messageID", field: "message_id")
        let response = try req.content.decode(MessageResponseInput.self).response
        let record = try await PhoneFollowUps.answer(
            message: id,
            response: response,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return MessageSlipDTO(record, now: Date())
    }

    /// LIN-7: unanswered messages past their promised call-back time, for the manager of each officer's
    /// team (or the DSL, for the whole organisation).
    func overdue(req: Request) async throws -> [MessageSlipDTO] {
        let now = Date()
        return try await PhoneFollowUps.overdueMessages(for: try await req.principal(), now: now, on: req.db)
            .map { MessageSlipDTO($0, now: now) }
    }
}

struct MessageSlipInput: Content {
    var takenAt: String?
    var callerName: String?
    var callerFrom: String?
    var returnNumber: String?
    var reason: String?
    var callBackBy: String?

    /// The message as LIN-9 asks for it, every missing part named.
    func slip(now: Date) throws(ValidationErrors) -> MessageSlip {
        try MessageSlip(
            takenAt: takenAt,
            callerName: callerName,
            callerFrom: callerFrom,
            returnNumber: returnNumber,
            reason: reason,
            callBackBy: callBackBy,
            now: now
        )
    }
}

struct MessageResponseInput: Content {
    var response: String
}

struct MessageSlipDTO: Content {
    var id: UUID?
    var forStaffId: UUID
    var takenById: UUID
    var takenAt: Date
    var callerName: String
    var callerFrom: String
    var returnNumber: String
    var reason: String
    var callBackBy: Date
    /// LIN-10: a message for a colleague is always urgent until answered.
    var urgent: Bool
    var overdue: Bool
    var respondedAt: Date?
    var response: String?

    init(_ r: MessageSlipRecord, now: Date) {
        id = r.id
        forStaffId = r.forStaffID
        takenById = r.takenByID
        takenAt = r.takenAt
        callerName = r.callerName
        callerFrom = r.callerFrom
        returnNumber = r.returnNumber
        reason = r.reason
        callBackBy = r.callBackBy
        urgent = r.respondedAt == nil
        overdue = r.respondedAt == nil && now > r.callBackBy
        respondedAt = r.respondedAt
        response = r.response
    }
}
