import FluentKit
import Foundation
import SafeCommsCore

/// Staff absences: leave (LIN-8) and unexpected absence with its checklist (LIN-13).
public enum Absences {
    /// An unexpected absence, if the asker may see it (the person or their managers) or, `toChange`,
    /// record its checklist's steps (their managers: the line or team manager keeps it, LIN-13).
    public static func unexpected(
        _ id: UUID,
        by p: Principal,
        toChange: Bool,
        on db: any Database
    ) async throws -> StaffAbsence {
        guard
            let absence = try await db.scoped(to: p.organisationID).query(StaffAbsence.self).filter(\.$id == id)
                .first(),
            absence.kind == PhoneDirectory.Absence.Kind.unexpected.rawValue
        else { throw Refusal.notFound("no such unexpected absence") }
        let who = try await PhoneFollowUps.staffMember(absence.staffID, of: p, on: db).allocation
        let allowed = toChange ? AccessPolicy.manages(p, who) : AccessPolicy.isSelfOrManager(p, who)
        guard allowed else { throw Refusal.forbidden("the line or team manager keeps this checklist (LIN-13)") }
        return absence
    }
}
