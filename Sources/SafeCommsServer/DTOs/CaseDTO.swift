import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

struct CaseInput: Content {
    var reference: String
    var displayName: String
    var status: String
    var inCrisis: Bool?
    var teamId: UUID?
    var keyWorkerId: UUID?
    var openedOn: String?
}

struct CaseDTO: Content {
    var id: UUID?
    var reference: String
    var displayName: String
    var status: String
    var inCrisis: Bool
    var teamId: UUID?
    var keyWorkerId: UUID?
    var openedOn: String

    init(_ c: CaseFile) {
        id = c.id
        reference = c.reference
        displayName = c.displayName
        status = c.status.rawValue
        inCrisis = c.inCrisis
        teamId = c.teamID
        keyWorkerId = c.keyWorkerID
        openedOn = c.openedOn
    }
}

struct PersonInput: Content {
    var role: String
    var name: String
    var aliases: [String]?
    var dateOfBirth: String?
    var address: String?
    var postcode: String?
    var phone: String?
    var email: String?
}

struct PersonDTO: Content {
    var id: UUID?
    var caseId: UUID
    var role: String
    var name: String
    var aliases: [String]
    var dateOfBirth: String?
    var address: String?
    var postcode: String?
    var phone: String?
    var email: String?

    init(_ p: CasePerson) {
        id = p.id
        caseId = p.caseID
        role = p.role
        name = p.name
        aliases = p.aliases.split(separator: "\n").map(String.init)
        dateOfBirth = p.dateOfBirth
        address = p.address
        postcode = p.postcode
        phone = p.phone
        email = p.email
    }
}

struct ConsentInput: Content {
    var kind: String
    var channel: String?
    var personId: UUID?
    var givenBy: String
    var reason: String
    var givenOn: String
}

struct ConsentDTO: Content {
    var id: UUID?
    var caseId: UUID
    var personId: UUID?
    var kind: String
    var channel: String?
    var givenBy: String
    var reason: String
    var givenOn: String
    var withdrawnOn: String?
    var recordedById: UUID

    init(_ c: Consent) {
        id = c.id
        caseId = c.caseID
        personId = c.personID
        kind = c.kind.rawValue
        channel = c.channel
        givenBy = c.givenBy
        reason = c.reason
        givenOn = c.givenOn
        withdrawnOn = c.withdrawnOn
        recordedById = c.recordedByID
    }
}

struct NumberSharingInput: Content {
    var shared: Bool
    var number: String
    var personId: UUID?
    var reason: String
    var managerAgreedById: UUID?
    var decidedOn: String
}

struct NumberSharingDTO: Content {
    var id: UUID?
    var caseId: UUID
    var staffId: UUID
    var personId: UUID?
    var managerAgreedById: UUID?
    var shared: Bool
    var number: String
    var reason: String
    var decidedOn: String

    init(_ n: NumberSharing) {
        id = n.id
        caseId = n.caseID
        staffId = n.staffID
        personId = n.personID
        managerAgreedById = n.managerAgreedByID
        shared = n.shared
        number = n.number
        reason = n.reason
        decidedOn = n.decidedOn
    }
}

/// Checks a `YYYY-MM-DD` calendar date.
func validateDay(_ text: String, field: String) throws(ValidationError) {
    guard let day = BankHolidays.Day(parsing: text), (1900...2200).contains(day.year) else {
        throw ValidationError(field: field, reason: "'\(text)' is not a real calendar date written YYYY-MM-DD")
    }
}

/// A required text field must have something in it.
func requireText(_ text: String, field: String, max: Int = 500) throws(ValidationError) {
    let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if t.isEmpty { throw ValidationError(field: field, reason: "is required") }
    if t.count > max { throw ValidationError(field: field, reason: "is longer than \(max) characters") }
}
