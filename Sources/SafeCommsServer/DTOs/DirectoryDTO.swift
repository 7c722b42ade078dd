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
}

struct DeviceDTO: Content {
    var id: UUID?
    var kind: String
    var address: String
    var holderId: UUID?
    var callerIdWithheld: Bool
    var voicemailEnabled: Bool
    var whatsappEnabled: Bool

    init(_ d: Device) {
        id = d.id
        kind = d.kind
        address = d.address
        holderId = d.holderID
        callerIdWithheld = d.callerIDWithheld
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
