import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// An overdue step of an incident is chased (`IncidentEscalation`): first the reporter's line manager
/// (or their team's manager), then every DSL of the organisation, each told once by an e-mail through
/// the outbox. The e-mail names no case, person or words of the incident: only that a step is overdue,
/// its clause, and where to open it. Several servers may run this at once: a step's level is raised by
/// a conditional update, so each level is e-mailed once.
public enum IncidentEscalations {
    /// Chases every overdue step of every organisation as of `now`; returns how many e-mails it queued.
    /// - Parameter link: the server's public address, for the link to the incident.
    public static func run(
        now: Date,
        link: String,
        key: AuditKey,
        witness: AuditWitness? = nil,
        on db: any Database
    ) async throws -> Int {
        var queued = 0
        for org in try await Organisation.query(on: db).all() {
            queued += try await run(org, now: now, link: link, key: key, witness: witness, on: db)
        }
        return queued
    }

    private static func run(
        _ org: Organisation,
        now: Date,
        link: String,
        key: AuditKey,
        witness: AuditWitness?,
        on db: any Database
    ) async throws -> Int {
        let organisationID = try org.requireID()
        let open = try await db.scoped(to: organisationID).query(IncidentStep.self).filter(\.$doneAt == nil)
            .filter(\.$dueAt < now).all()
        var queued = 0
        for step in open {
            guard let opened = step.openedAt else { continue }
            let settings = org.settings
            let level = IncidentEscalation.level(opened: opened, due: step.dueAt, now: now, hours: settings.officeHours)
            guard level.rawValue > step.escalated,
                let incident = try await db.scoped(to: step.organisationID).find(Incident.self, step.incidentID)
            else { continue }
            let recipients = try await whoToTell(level, about: incident, on: db)
            let emails = recipients.map { staff in
                Notification(
                    organisationID: step.organisationID,
                    staffID: staff.id!,
                    recipient: staff.email,
                    subject: "Overdue: step \(step.step) of an incident (\(incident.clause))",
                    body: """
                        A step of an incident is overdue: \(step.step), \(level == .dsl ? "and its line manager has been told" : "for someone you manage").

                        Open it in SafeComms: \(link)/incidents/\(incident.id!.uuidString)

                        This e-mail says nothing of the incident itself; read it in SafeComms.
                        """,
                    urgent: true,
                    // Sent as soon as the outbox can: `now` decides whether a step is overdue.
                    now: Date()
                )
            }
            let rows = try emails.map { try Rewritable($0) }
            let stepID = try step.requireID()
            let context = AuditContext(
                organisationID: organisationID,
                actorID: nil,
                source: "escalation",
                key: key,
                witness: witness
            )
            let raised = try await AuditLog.transaction(on: db, context) { tx -> (Bool, [AuditEntry]) in
                let claimed = try await (tx as! any SQLDatabase).update(IncidentStep.schema)
                    .set(SQLIdentifier("escalated"), to: SQLBind(level.rawValue))
                    .where("id", .equal, SQLBind(stepID)).where("escalated", .lessThan, SQLBind(level.rawValue))
                    .returning("id").all()
                guard !claimed.isEmpty else { return (false, []) }
                for row in rows { try await row.save(on: tx) }
                return (
                    true,
                    [
                        AuditEntry(
                            action: .incidentEscalated,
                            entity: IncidentStep.auditEntity,
                            entityID: stepID.uuidString,
                            caseID: incident.caseID,
                            detail:
                                "\(step.step) to \(level == .dsl ? "the DSL" : "the line manager") (\(rows.count) e-mailed)"
                        )
                    ]
                )
            }
            if raised { queued += rows.count }
        }
        return queued
    }

    /// The line manager of the reporter (or the manager of their team); every active DSL.
    static func whoToTell(
        _ level: IncidentEscalation.Level,
        about i: Incident,
        on db: any Database
    ) async throws
        -> [StaffMember]
    {
        let scope = db.scoped(to: i.organisationID)
        switch level {
        case .none: return []
        case .dsl:
            return try await scope.query(StaffMember.self).filter(\.$active == true).all()
                .filter { $0.roles.contains(.dsl) }
        case .lineManager:
            // The line manager of the member of staff it concerns, else of whoever raised it.
            let concerned = try await Incidents.views(of: [i], on: db)[0].allocation.managed
            guard let member = try await scope.find(StaffMember.self, concerned.staffID) else { return [] }
            if let line = member.lineManagerID, let manager = try await scope.find(StaffMember.self, line),
                manager.active
            {
                return [manager]
            }
            guard let teamID = member.teamID, let team = try await scope.find(Team.self, teamID),
                let managerID = team.managerID, let manager = try await scope.find(StaffMember.self, managerID)
            else { return [] }
            return manager.active ? [manager] : []
        }
    }
}
