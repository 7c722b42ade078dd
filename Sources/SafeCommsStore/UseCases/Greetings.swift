import FluentKit
import Foundation
import SafeCommsCore

/// What a voicemail greeting (COV-4, LIN-5) and a leave greeting (LIN-8) are made from: the person's
/// name and e-mail, their team's covered landline (or hunt group) as the alternative number, and the
/// organisation's office hours, emergency duty team and customer service centre.
public enum Greetings {
    /// For someone the asker may manage the phones of: themselves, their staff, or anyone for business
    /// support.
    public static func facts(of staffID: UUID, by p: Principal, on db: any Database) async throws -> Voicemail.Facts {
        let s = try await PhoneFollowUps.staffMember(staffID, of: p, on: db)
        guard AccessPolicy.canManagePhones(p, of: try s.allocation) else {
            throw Refusal.forbidden("only they, their managers or business support may see this")
        }
        return try await facts(for: s, on: db)
    }

    /// - Throws: `ValidationError` naming `covered_landline` when the team has no number to give.
    public static func facts(for s: StaffMember, on db: any Database) async throws -> Voicemail.Facts {
        guard let settings = try await Organisation.find(s.organisationID, on: db)?.settings else {
            throw Refusal.notFound("no such organisation")
        }
        var team: Team?
        if let id = s.teamID {
            team = try await db.scoped(to: s.organisationID).query(Team.self).filter(\.$id == id)
                .first()
        }
        guard let alternative = team?.coveredLandline ?? team?.huntGroupNumber else {
            throw ValidationError(
                field: "covered_landline",
                reason:
                    "\(s.name)'s team has no covered landline or hunt group number to give as the alternative number (LIN-5)"
            )
        }
        return Voicemail.Facts(
            name: s.name,
            alternativeNumber: alternative,
            email: s.email,
            officeHours: settings.officeHours,
            emergencyDutyTeamNumber: settings.emergencyDutyTeamNumber,
            customerServiceCentreNumber: settings.customerServiceCentreNumber
        )
    }
}
