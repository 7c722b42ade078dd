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
    var endsOn: String?
}

struct WithdrawalInput: Content {
    var reason: String
    /// The organisation's today when absent.
    var withdrawnOn: String?
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
    var endsOn: String?
    var withdrawnOn: String?
    var withdrawnById: UUID?
    var withdrawnReason: String?
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
        endsOn = c.endsOn
        withdrawnOn = c.withdrawnOn
        withdrawnById = c.withdrawnByID
        withdrawnReason = c.withdrawnReason
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
    var lineManagerId: UUID?
    var acknowledgedById: UUID?
    var acknowledgedAt: Date?
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
        lineManagerId = n.lineManagerID
        acknowledgedById = n.acknowledgedByID
        acknowledgedAt = n.acknowledgedAt
        shared = n.shared
        number = n.number
        reason = n.reason
        decidedOn = n.decidedOn
    }
}

/// A change to a case's facts; each field left out stays as it is. An empty `key_worker_id` or
/// `team_id` takes the key worker or team off the case.
struct CaseFactsInput: Content {
    var status: String?
    var inCrisis: Bool?
    var keyWorkerId: String?
    var teamId: String?
    var reason: String

    func changes() throws -> CaseRegisters.FactChanges {
        var problems: [ValidationError] = []
        var out = CaseRegisters.FactChanges(inCrisis: inCrisis, reason: reason)
        if let status {
            do { out.status = try CaseStatus.parse(status, field: "status") } catch { problems.append(error) }
        }
        func optionalID(_ text: String?, _ field: String) -> UUID?? {
            guard let text else { return nil }
            if text.isEmpty { return .some(nil) }
            guard let id = UUID(uuidString: text) else {
                problems.append(ValidationError(field: field, reason: "'\(text)' is not an id"))
                return nil
            }
            return .some(id)
        }
        out.keyWorkerID = optionalID(keyWorkerId, "key_worker_id")
        out.teamID = optionalID(teamId, "team_id")
        if out.status == nil, inCrisis == nil, out.keyWorkerID == nil, out.teamID == nil, problems.isEmpty {
            problems.append(
                ValidationError(
                    field: "status",
                    reason: "nothing to change: give status, in_crisis, key_worker_id or team_id"
                )
            )
        }
        try ValidationErrors(problems).throwIfAny()
        return out
    }
}

struct CaseFactDTO: Content {
    var id: UUID?
    var caseId: UUID
    var fact: String
    var before: String?
    var after: String?
    var reason: String
    var changedById: UUID
    var changedAt: Date

    init(_ f: CaseFactChange) {
        id = f.id
        caseId = f.caseID
        fact = f.fact
        before = f.before
        after = f.after
        reason = f.reason
        changedById = f.changedByID
        changedAt = f.changedAt
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
