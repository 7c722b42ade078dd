import FluentKit
import Foundation
import SafeCommsCore

/// Reads what the call router needs from the store: the organisation's teams and hunt groups, its
/// active staff with their phone status and absences at the instant, and the numbers calls must never
/// be diverted to (LIN-12: individual business-support officers' phones and reception phones).
public enum PhoneDirectoryLoader {
    public static func load(
        organisationID: UUID,
        settings: OrganisationSettings,
        at instant: Date,
        on db: any Database
    ) async throws -> PhoneDirectory {
        async let teams = db.scoped(to: organisationID).query(Team.self).all()
        async let staff = db.scoped(to: organisationID).query(StaffMember.self).filter(
            \.$active == true
        ).all()
        async let statuses = db.scoped(to: organisationID).query(PhoneStatus.self).all()
        async let absences = absencesByStaff(organisationID: organisationID, startedBy: instant, on: db)
        let status = Dictionary(
            try await statuses.compactMap { s in s.id.map { ($0, s) } },
            uniquingKeysWith: { a, _ in a }
        )
        let away = try await absences
        var forbidden = Set(
            (settings.receptionNumbers ?? []).compactMap {
                try? PhoneNumber(parsing: $0, field: "reception_numbers").e164
            }
        )
        var workers: [PhoneDirectory.Worker] = []
        for s in try await staff {
            guard let id = s.id else { continue }
            let st = status[id]
            if s.roles.contains(.businessSupport) {
                forbidden.formUnion([s.workMobile, st?.deskNumber].compactMap { $0 })
            }
            workers.append(
                PhoneDirectory.Worker(
                    id: id,
                    name: s.name,
                    teamID: s.teamID,
                    deskNumber: st?.deskNumber,
                    mobileNumber: s.workMobile,
                    deskLoggedIn: st?.deskLoggedIn ?? false,
                    deskPairedToMobile: st?.deskPairedToMobile ?? false,
                    divertTo: st?.divertTo,
                    absences: away[id] ?? []
                )
            )
        }
        let teamList = try await teams.compactMap { t in
            t.id.map { PhoneDirectory.Team(id: $0, name: t.name, huntGroupNumber: t.huntGroupNumber) }
        }
        return PhoneDirectory(workers: workers, teams: teamList, forbiddenDivertNumbers: forbidden)
    }

    /// Each member of staff's absences that have started by `instant` (ended ones included: the router
    /// and the compliance report ask whether one covers the instant).
    public static func absencesByStaff(
        organisationID: UUID,
        startedBy instant: Date,
        on db: any Database
    ) async throws -> [UUID: [PhoneDirectory.Absence]] {
        var away: [UUID: [PhoneDirectory.Absence]] = [:]
        for a in try await db.scoped(to: organisationID).query(StaffAbsence.self).filter(
            \.$startsAt <= instant
        ).all() {
            guard let kind = PhoneDirectory.Absence.Kind(rawValue: a.kind) else { continue }
            away[a.staffID, default: []].append(PhoneDirectory.Absence(kind: kind, from: a.startsAt, until: a.endsAt))
        }
        return away
    }
}
