import FluentKit
import Foundation
import SafeCommsCore

/// The calls someone must get back to: messages taken for them (LIN-7, LIN-9, LIN-10) and follow-ups
/// of voicemail and out-of-hours calls (COV-5, COV-7, LIN-5). Answering, closing and the overdue lists,
/// for the API and the phones page alike: each takes the database, who is asking and what they ask.
public enum PhoneFollowUps {
    /// A member of staff of the asker's organisation.
    public static func staffMember(_ id: UUID, of p: Principal, on db: any Database) async throws -> StaffMember {
        guard
            let s = try await db.scoped(to: p.organisationID).query(StaffMember.self).filter(\.$id == id)
                .first()
        else { throw Refusal.notFound("no such member of staff") }
        return s
    }

    /// Whose overdue work the asker oversees: their teams' staff and their line reports; everyone's
    /// (nil) for the DSL.
    public static func overseen(by p: Principal, on db: any Database) async throws -> Set<UUID>? {
        guard AccessPolicy.overseesOthers(p) else { throw Refusal.forbidden("for team managers and the DSL") }
        guard !p.roles.contains(.dsl) else { return nil }
        let staff = try await db.scoped(to: p.organisationID).query(StaffMember.self).all()
        return Set(
            staff.filter { s in s.teamID.map(p.managedTeamIDs.contains) == true || s.lineManagerID == p.staffID }
                .compactMap(\.id)
        )
    }

    /// LIN-9, LIN-10: a message taken for a colleague, with the urgent e-mail telling them, queued in the
    /// same transaction so that a message taken is never left without its notification.
    /// - Parameter link: where the e-mail sends them (the phones page).
    public static func takeMessage(
        _ slip: MessageSlip,
        for officer: StaffMember,
        by p: Principal,
        link: String,
        audit: AuditContext,
        on db: any Database
    ) async throws -> MessageSlipRecord {
        guard AccessPolicy.canTakeMessages(p) else { throw Refusal.forbidden("auditors change nothing") }
        guard officer.organisationID == p.organisationID else { throw Refusal.notFound("no such member of staff") }
        let record = MessageSlipRecord(
            organisationID: p.organisationID,
            forStaffID: try officer.requireID(),
            takenByID: p.staffID,
            takenAt: slip.takenAt,
            callerName: slip.callerName,
            callerFrom: slip.callerFrom,
            returnNumber: slip.returnNumber,
            reason: slip.reason,
            callBackBy: slip.callBackBy
        )
        let taker = try await staffMember(p.staffID, of: p, on: db)
        guard let org = try await Organisation.find(p.organisationID, on: db) else {
            throw Refusal.notFound("no such organisation")
        }
        let notice = MessageNotice(
            officerName: officer.name,
            takenByName: taker.name,
            takenAt: slip.takenAt,
            callBackBy: slip.callBackBy,
            link: link,
            timeZone: org.settings.officeHours.timeZone
        )
        let email = Notification(
            organisationID: p.organisationID,
            staffID: try officer.requireID(),
            recipient: officer.email,
            subject: notice.subject,
            body: notice.body,
            urgent: true,
            now: Date()
        )
        let slipRow = try Rewritable(record), notification = try Rewritable(email), digest = record.digest
        try await AuditLog.transaction(on: db, audit) { tx in
            try await slipRow.save(on: tx)
            try await notification.save(on: tx)
            let events = [
                AuditEntry(
                    action: .messageTaken,
                    entity: MessageSlipRecord.auditEntity,
                    entityID: record.id?.uuidString,
                    rowDigest: digest
                ),
                AuditEntry(
                    action: .notificationQueued,
                    entity: "notification",
                    entityID: email.id?.uuidString,
                    detail: "LIN-10"
                ),
            ]
            return ((), events)
        }
        return record
    }

    /// LIN-7: unanswered messages past their promised call-back time, most overdue first.
    public static func overdueMessages(
        for p: Principal,
        now: Date,
        on db: any Database
    ) async throws
        -> [MessageSlipRecord]
    {
        let overseen = try await overseen(by: p, on: db)
        return try await db.scoped(to: p.organisationID).query(MessageSlipRecord.self)
            .filter(\.$respondedAt == nil).filter(\.$callBackBy < now).sort(\.$callBackBy).all()
            .filter { overseen?.contains($0.forStaffID) ?? true }
    }

    /// COV-5, COV-7: open follow-ups past due, most overdue first.
    public static func overdueFollowUps(
        for p: Principal,
        now: Date,
        on db: any Database
    ) async throws
        -> [FollowUpRecord]
    {
        let overseen = try await overseen(by: p, on: db)
        return try await db.scoped(to: p.organisationID).query(FollowUpRecord.self)
            .filter(\.$closedAt == nil).filter(\.$dueAt < now).sort(\.$dueAt).all()
            .filter { overseen?.contains($0.staffID) ?? true }
    }

    /// LIN-7: the officer, or a manager of theirs, records what was done about a message.
    public static func answer(
        message id: UUID,
        response text: String,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> MessageSlipRecord {
        guard
            let record = try await db.scoped(to: p.organisationID).query(MessageSlipRecord.self).filter(\.$id == id)
                .first()
        else { throw Refusal.notFound("no such message") }
        let officer = try await staffMember(record.forStaffID, of: p, on: db)
        guard AccessPolicy.canAnswerMessages(p, for: try officer.allocation) else {
            throw Refusal.forbidden("only the officer or their managers record the response")
        }
        let response = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !response.isEmpty else {
            throw ValidationError(field: "response", reason: "is required: what was done (LIN-7)")
        }
        let responder = p.staffID
        // Read again inside the transaction: of two people answering at once, the second is told.
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let record = try await tx.scoped(to: p).find(MessageSlipRecord.self, id), record.respondedAt == nil
            else {
                throw Refusal.conflict("this message was already answered")
            }
            record.respondedAt = RowDigest.storable(Date())
            record.respondedByID = responder
            record.response = String(response.prefix(2_000))
            try await record.save(on: tx)
            let event = AuditEntry(
                action: .messageAnswered,
                entity: MessageSlipRecord.auditEntity,
                entityID: record.id?.uuidString,
                rowDigest: record.digest
            )
            return (record, [event])
        }
    }

    /// COV-5, COV-7: the worker, or a manager of theirs, closes a follow-up: responded, or diverted
    /// (and where to).
    public static func close(
        followUp id: UUID,
        _ closure: FollowUp.Closure,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> FollowUpRecord {
        guard
            let record = try await db.scoped(to: p.organisationID).query(FollowUpRecord.self).filter(\.$id == id)
                .first()
        else { throw Refusal.notFound("no such follow-up") }
        let worker = try await staffMember(record.staffID, of: p, on: db)
        guard AccessPolicy.canAnswerMessages(p, for: try worker.allocation) else {
            throw Refusal.forbidden("only the worker or their managers close it")
        }
        let closer = p.staffID
        // Read again inside the transaction: of two people closing it at once, the second is told.
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let record = try await tx.scoped(to: p).find(FollowUpRecord.self, id), record.closedAt == nil else {
                throw Refusal.conflict("this follow-up was already closed")
            }
            record.closedAt = RowDigest.storable(Date())
            record.closedByID = closer
            record.outcome = closure.outcome.rawValue
            record.note = closure.note
            record.divertedTo = closure.divertedTo
            try await record.save(on: tx)
            let event = AuditEntry(
                action: .followUpClosed,
                entity: FollowUpRecord.auditEntity,
                entityID: record.id?.uuidString,
                detail: closure.outcome.rawValue,
                rowDigest: record.digest
            )
            return (record, [event])
        }
    }

    /// COV-5, COV-7, LIN-5: a follow-up opened for a voicemail or a call answered out of hours, with its
    /// audit event.
    public static func log(
        _ o: FollowUp.Opened,
        for worker: StaffMember,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> FollowUpRecord {
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
        try await AuditLog.transaction(on: db, audit) { tx in
            try await row.save(on: tx)
            return (
                (),
                [
                    AuditEntry(
                        action: .followUpOpened,
                        entity: FollowUpRecord.auditEntity,
                        entityID: record.id?.uuidString,
                        detail: o.kind.rawValue,
                        rowDigest: digest
                    )
                ]
            )
        }
        return record
    }
}
