import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

struct ReviewResolutionInput: Content {
    var outcome: String
    var reason: String?
    var incidentKind: String?
}

/// A review item as the API shows it: the clause, what kinds of thing were found, whose message and
/// when, and how it was resolved. The message's words are not in it; they are on the case.
struct ReviewItemDTO: Content {
    var id: UUID?
    var caseId: UUID
    var communicationId: UUID
    var staffId: UUID
    var worker: String
    var clause: String
    var findingTypes: [String]
    var suggestedIncidentKind: String
    var channel: String?
    var occurredAt: Date
    var flaggedAt: Date
    var origin: String
    var outcome: String?
    var reason: String?
    var resolvedAt: Date?
    var resolvedBy: UUID?
    var incidentId: UUID?

    init(_ v: ReviewQueue.View) {
        let i = v.item
        id = i.id
        caseId = i.caseID
        communicationId = i.communicationID
        staffId = i.staffID
        worker = v.workerName
        clause = i.clause
        findingTypes = i.types
        suggestedIncidentKind = MessageScanner.suggestedKind(for: i.clause).rawValue
        channel = v.channel
        occurredAt = i.occurredAt
        flaggedAt = i.flaggedAt
        origin = i.origin.rawValue
        outcome = i.outcome?.rawValue
        reason = i.reason
        resolvedAt = i.resolvedAt
        resolvedBy = i.resolvedByID
        incidentId = i.incidentID
    }
}

extension ReviewQueue.Resolution {
    /// The resolution as asked for, each field checked.
    init(_ input: ReviewResolutionInput) throws {
        var problems: [ValidationError] = []
        let outcome = ReviewItem.Outcome(rawValue: input.outcome)
        if outcome == nil {
            problems.append(
                .init(
                    field: "outcome",
                    reason: "must be one of \(ReviewItem.Outcome.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            )
        }
        var kind: IncidentKind?
        if let text = input.incidentKind?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            do { kind = try IncidentKind.parse(text, field: "incident_kind") } catch { problems.append(error) }
        }
        try ValidationErrors(problems).throwIfAny()
        self.init(outcome: outcome!, reason: input.reason, incidentKind: kind)
    }
}
