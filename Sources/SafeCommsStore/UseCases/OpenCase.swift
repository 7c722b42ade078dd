import FluentKit
import Foundation
import SafeCommsCore

/// Opening a case: a manager for the teams they manage, the DSL and administrators for any team
/// (`AccessPolicy.canAllocate`). The team and key worker must be the organisation's, and the reference
/// new to it. Unless given, a case opens today in the organisation's own time zone, not the server's.
public enum OpenCase {
    /// A case as the caller asked for it, its fields already checked for form.
    public struct Request: Sendable {
        public var reference: String
        public var displayName: String
        public var status: CaseStatus
        public var inCrisis: Bool
        public var teamID: UUID?
        public var keyWorkerID: UUID?
        /// `YYYY-MM-DD`; nil for today.
        public var openedOn: String?

        public init(
            reference: String,
            displayName: String,
            status: CaseStatus,
            inCrisis: Bool,
            teamID: UUID?,
            keyWorkerID: UUID?,
            openedOn: String?
        ) {
            self.reference = reference
            self.displayName = displayName
            self.status = status
            self.inCrisis = inCrisis
            self.teamID = teamID
            self.keyWorkerID = keyWorkerID
            self.openedOn = openedOn
        }
    }

    /// - Throws: `ValidationError` naming `team_id`, `key_worker_id` or `reference`; `Refusal.forbidden`
    ///   for a caller who may not open cases, or not for that team.
    public static func open(
        _ r: Request,
        for p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> CaseFile {
        guard AccessPolicy.can(p, .createCase) else { throw Refusal.forbidden("your role does not allow this") }
        let scope = db.scoped(to: p)
        if let t = r.teamID, try await scope.query(Team.self).filter(\.$id == t).first() == nil {
            throw ValidationError(field: "team_id", reason: "no team \(t) in your organisation")
        }
        guard AccessPolicy.canAllocate(p, toTeam: r.teamID) else {
            throw Refusal.forbidden("you can open cases only for the teams you manage")
        }
        if let k = r.keyWorkerID, try await scope.query(StaffMember.self).filter(\.$id == k).first() == nil {
            throw ValidationError(field: "key_worker_id", reason: "no member of staff \(k) in your organisation")
        }
        if try await scope.query(CaseFile.self).filter(\.$reference == r.reference).first() != nil {
            throw duplicateReference(r.reference)
        }
        var openedOn = r.openedOn
        if openedOn == nil {
            let settings = try await Organisation.find(p.organisationID, on: db)?.settings ?? .standard
            openedOn = settings.officeHours.localDay(of: now).description
        }
        let c = CaseFile(
            organisationID: p.organisationID,
            teamID: r.teamID,
            keyWorkerID: r.keyWorkerID,
            reference: r.reference,
            displayName: r.displayName,
            status: r.status,
            inCrisis: r.inCrisis,
            openedOn: openedOn!
        )
        c.id = UUID()
        do {
            try await AuditLog.create(
                c,
                AuditEntry(action: .caseCreated, entity: "case", entityID: c.id?.uuidString, caseID: c.id),
                audit,
                on: db
            )
        } catch  where error.isUniqueViolation {
            // Opened by someone else between the look-up above and now.
            throw duplicateReference(r.reference)
        }
        return c
    }

    static func duplicateReference(_ reference: String) -> ValidationError {
        ValidationError(field: "reference", reason: "a case with reference '\(reference)' already exists")
    }
}
