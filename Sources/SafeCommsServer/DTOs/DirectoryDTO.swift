import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

struct TeamInput: Content {
    var name: String
    var managerId: UUID?
    var huntGroupNumber: String?
    var coveredLandline: String?
}

struct TeamDTO: Content {
    var id: UUID?
    var name: String
    var managerId: UUID?
    var huntGroupNumber: String?
    var coveredLandline: String?

    init(_ t: Team) {
        id = t.id
        name = t.name
        managerId = t.managerID
        huntGroupNumber = t.huntGroupNumber
        coveredLandline = t.coveredLandline
    }
}

struct StaffInput: Content {
    var name: String
    var email: String
    var password: String
    var roles: [String]
    var teamId: UUID?
    var lineManagerId: UUID?
    var jobTitle: String?
    var workMobile: String?
}

/// A member of staff as the directory shows them: never the password hash.
struct StaffDTO: Content {
    var id: UUID?
    var name: String
    var email: String
    var roles: [String]
    var teamId: UUID?
    var lineManagerId: UUID?
    var jobTitle: String?
    var workMobile: String?
    var active: Bool

    init(_ s: StaffMember) {
        id = s.id
        name = s.name
        email = s.email
        roles = s.roles.sorted().map(\.rawValue)
        teamId = s.teamID
        lineManagerId = s.lineManagerID
        jobTitle = s.jobTitle
        workMobile = s.workMobile
        active = s.active
    }
}

struct DeviceInput: Content {
    var kind: String
    var address: String
    var holderId: UUID?
    var callerIdWithheld: Bool?
    var voicemailEnabled: Bool?
    var whatsappEnabled: Bool?
    /// PD-1.11; landlines default to on at all times (WNL-10.2), everything else to office hours.
    var onOutOfHours: Bool?
}

/// What a holder, their manager or the directory's keepers may change on a device.
struct DeviceSettingsInput: Content {
    var callerIdWithheld: Bool?
    var voicemailEnabled: Bool?
    var whatsappEnabled: Bool?
    var onOutOfHours: Bool?
}

struct DeviceDTO: Content {
    var id: UUID?
    var kind: String
    var address: String
    var holderId: UUID?
    var callerIdWithheld: Bool
    var voicemailEnabled: Bool
    var whatsappEnabled: Bool
    var onOutOfHours: Bool

    init(_ d: Device) {
        id = d.id
        kind = d.kind.rawValue
        address = d.address
        holderId = d.holderID
        callerIdWithheld = d.callerIDWithheld
        onOutOfHours = d.onOutOfHours
        voicemailEnabled = d.voicemailEnabled
        whatsappEnabled = d.whatsappEnabled
    }
}

struct OrganisationDTO: Content {
    var id: UUID?
    var name: String
    var settings: OrganisationSettings
}

struct MeDTO: Content {
    var staff: StaffDTO
    var organisationId: UUID
    var managedTeamIds: [UUID]
}

/// Where a call goes now (`GET /api/v1/route`).
struct RouteDTO: Content {
    /// `worker`, `divert`, `hunt_group`, `emergency_duty_team` or `unroutable`.
    var destination: String
    var number: String?
    var staffId: UUID?
    var teamId: UUID?
    var clauses: [String]
    var reason: String
    var at: Date

    init(_ d: RouteDecision, at: Date) {
        switch d.destination {
        case .worker(let id): (destination, staffId) = ("worker", id)
        case .divert(let id): (destination, staffId) = ("divert", id)
        case .huntGroup(let id): (destination, teamId) = ("hunt_group", id)
        case .emergencyDutyTeam: destination = "emergency_duty_team"
        case .unroutable: destination = "unroutable"
        }
        number = d.number
        clauses = d.clauses
        reason = d.reason
        self.at = at
    }
}

struct PhoneStatusInput: Content {
    var deskNumber: String?
    var deskLoggedIn: Bool?
    var deskPairedToMobile: Bool?
    /// A hunt group's number; "" removes the divert; absent leaves it as it is.
    var divertTo: String?

    var change: PhoneStatusChange.Change {
        .init(
            deskNumber: deskNumber,
            deskLoggedIn: deskLoggedIn,
            deskPairedToMobile: deskPairedToMobile,
            divertTo: divertTo
        )
    }
}

struct PhoneStatusDTO: Content {
    var staffId: UUID?
    var deskNumber: String?
    var deskLoggedIn: Bool
    var deskPairedToMobile: Bool
    var divertTo: String?
    var confirmedAt: Date?

    init(_ s: PhoneStatus) {
        staffId = s.id
        deskNumber = s.deskNumber
        deskLoggedIn = s.deskLoggedIn
        deskPairedToMobile = s.deskPairedToMobile
        divertTo = s.divertTo
        confirmedAt = s.confirmedAt
    }
}

struct AbsenceInput: Content {
    var kind: String
    var startsAt: String
    var endsAt: String?
    /// LIN-8: who callers can contact instead, for leave.
    var colleagueId: UUID?
}

struct AbsenceDTO: Content {
    var id: UUID?
    var staffId: UUID
    var kind: String
    var startsAt: Date
    var endsAt: Date?
    /// LIN-13's steps, for an unexpected absence.
    var checklist: [ChecklistStepDTO]?
    /// LIN-8, for leave: the greeting to record and the out-of-office reply to set (internal and external).
    var voicemailGreeting: String?
    var outOfOffice: String?
    /// What LIN-8 asks for that is missing; the leave is recorded all the same.
    var warnings: [String]?
    /// LIN-5: devices whose voicemail was turned off because the absence outlasts the pick-up time.
    var voicemailTurnedOff: [String]?

    init(_ a: StaffAbsence) {
        id = a.id
        staffId = a.staffID
        kind = a.kind
        startsAt = a.startsAt
        endsAt = a.endsAt
    }
}

struct ChecklistStepInput: Content {
    var note: String?
}

/// One LIN-13 step and whether it is done.
struct ChecklistStepDTO: Content {
    var step: String
    var action: String
    var done: Bool
    var doneById: UUID?
    var doneAt: Date?
    var note: String?

    init(_ s: AbsenceChecklist.Step, _ record: AbsenceStep?) {
        step = s.id
        action = s.action
        done = record != nil
        doneById = record?.doneByID
        doneAt = record?.doneAt
        note = record?.note
    }
}

/// A device that differs from policy, and how (COV-6, LIN-5).
struct DeviceComplianceDTO: Content {
    struct Problem: Content {
        var clause: String
        var message: String
    }

    var device: DeviceDTO
    var problems: [Problem]
}

/// LIN-11: someone whose contact details are not confirmed recently (or ever).
struct StaleEntryDTO: Content {
    var staffId: UUID
    var name: String
    var confirmedAt: Date?
}
