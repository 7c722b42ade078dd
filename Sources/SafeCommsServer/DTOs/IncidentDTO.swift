import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

struct IncidentInput: Content {
    struct Source: Content {
        var type: String
        var id: UUID
    }

    struct Person: Content {
        var personId: UUID?
        var staffId: UUID?
        var role: String
    }

    var kind: String
    var caseId: UUID?
    /// For a policy breach: the clause breached.
    var clause: String?
    var source: Source?
    var occurredAt: String
    var summary: String
    var people: [Person]?
}

struct StepCompletionInput: Content {
    var note: String?
    var reference: String?
    var confirmed: Bool?
}

struct AmendmentInput: Content {
    var reason: String
    var summary: String
}

/// An incident as the API shows it: its ladder with each step's owner and deadline, its amendments in
/// order, and its people with their own roles.
struct IncidentDTO: Content {
    struct Step: Content {
        var id: UUID?
        var step: String
        var clause: String
        var action: String
        var ownerRole: String
        var ownerId: UUID?
        var openedAt: Date?
        var due: Date?
        var doneAt: Date?
        var doneBy: UUID?
        var note: String?
        var reference: String?
        var overdue: Bool
    }

    struct Amendment: Content {
        var id: UUID?
        var reason: String
        var summary: String
        var madeBy: UUID
        var madeAt: Date
    }

    struct Person: Content {
        var id: UUID?
        var personId: UUID?
        var staffId: UUID?
        var role: String
    }

    struct Source: Content {
        var type: String
        var id: UUID
    }

    var id: UUID?
    var kind: String
    var label: String
    var clauses: [String]
    var status: String
    var caseId: UUID?
    var reporterId: UUID
    var occurredAt: Date
    var raisedAt: Date
    var closedAt: Date?
    var summary: String
    var source: Source?
    var overdue: Bool
    var steps: [Step]
    var amendments: [Amendment]
    var people: [Person]

    init(_ v: Incidents.View, now: Date = Date()) {
        let i = v.incident
        id = i.id
        kind = i.kind.rawValue
        label = i.kind.label
        clauses = [i.clause]
        status = i.closedAt == nil ? "open" : "closed"
        caseId = i.caseID
        reporterId = i.reporterID
        occurredAt = i.occurredAt
        raisedAt = i.raisedAt
        closedAt = i.closedAt
        summary = i.summary
        source = zip(i.sourceType, i.sourceID).map { Source(type: $0, id: $1) }
        steps = v.steps.map { s in
            Step(
                id: s.id,
                step: s.step,
                clause: i.template(of: s.step)?.clause ?? i.clause,
                action: i.template(of: s.step)?.action ?? "",
                ownerRole: s.owner.rawValue,
                ownerId: v.ownerID(s.owner),
                openedAt: s.openedAt,
                due: s.dueAt,
                doneAt: s.doneAt,
                doneBy: s.doneByID,
                note: s.note,
                reference: s.reference,
                overdue: s.doneAt == nil && (s.dueAt.map { $0 < now } ?? false)
            )
        }
        overdue = steps.contains(where: \.overdue)
        amendments = v.amendments.map {
            Amendment(id: $0.id, reason: $0.reason, summary: $0.summary, madeBy: $0.madeByID, madeAt: $0.madeAt)
        }
        people = v.people.map { Person(id: $0.id, personId: $0.personID, staffId: $0.staffID, role: $0.role.rawValue) }
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
