import Foundation

/// Who a step of an incident is for.
public enum StepOwner: String, Codable, Sendable {
    /// Whoever raised the incident.
    case reporter
    /// The reporter's line manager (or the manager of their team).
    case lineManager = "line_manager"
    /// The designated safeguarding lead.
    case dsl
}

/// When a step is due, counted from when it opens (the incident is raised for the first step; the
/// step before is done for the rest).
public enum StepDeadline: Sendable, Equatable {
    /// This many minutes of office hours: the clock stops at closing time and at weekends.
    case officeMinutes(Int)
    /// Whole working days of office hours.
    case workingDays(Int)
    /// By the close of the working day it opens on (the next one, if it opens out of hours).
    case endOfWorkingDay
    /// This many minutes, day or night: for what the clause says is immediate.
    case clockMinutes(Int)
    /// No time of its own: it waits on someone outside (the police saying an image may be deleted).
    case none

    /// The same kind of deadline, `minutes` long: office time stays office time, and what the clause
    /// says is immediate stays on the clock. A step with no time of its own keeps none.
    public func overridden(minutes: Int) -> StepDeadline {
        switch self {
        case .officeMinutes, .workingDays, .endOfWorkingDay: .officeMinutes(minutes)
        case .clockMinutes: .clockMinutes(minutes)
        case .none: .none
        }
    }

    /// When a step opening at `opened` is due; nil for `.none`.
    public func due(opened: Date, hours: OfficeHours) -> Date? {
        switch self {
        case .officeMinutes(let n): hours.adding(officeMinutes: n, to: opened)
        case .workingDays(let n): hours.adding(officeMinutes: n * hours.dayLengthMinutes, to: opened)
        case .endOfWorkingDay: hours.closeOfWorkingDay(atOrAfter: opened)
        case .clockMinutes(let n): opened.addingTimeInterval(Double(n) * 60)
        case .none: nil
        }
    }
}

/// What completing a step must record, beyond who and when.
public enum StepRecord: String, Codable, Sendable {
    /// A note in the completer's words.
    case note
    /// An outside body's reference (the police's), with who was spoken to.
    case reference
    /// The person doing it confirms it is done (an image deleted from a device).
    case confirmation
}

/// One step of an incident's ladder.
public struct IncidentStepTemplate: Sendable, Equatable {
    /// The clause and the step's letter: `PD-2.3b`.
    public var id: String
    public var clause: String
    /// What to do, in plain words.
    public var action: String
    public var owner: StepOwner
    public var deadline: StepDeadline
    public var records: StepRecord
}

/// Each kind's ladder of steps, from its clause. Steps are done in order: a step opens when the one
/// before it is done. Police and LADO steps are recorded (who, when, reference), never sent.
public enum IncidentLadder {
    /// The steps for an incident of `kind` (for a policy breach, of the clause breached), with the DSL's
    /// review added when the same member of staff has breached the same clause before.
    /// - Parameter minutes: the organisation's own deadlines, by `kind:letter` (`image_received:a`), in
    ///   place of the clause's (`OrganisationSettings.incidentStepMinutes`).
    public static func steps(
        for kind: IncidentKind,
        breached: String? = nil,
        repeated: Bool = false,
        minutes: [String: Int] = [:]
    )
        -> [IncidentStepTemplate]
    {
        let clause = kind.clause ?? breached ?? "policy"
        func step(
            _ letter: String,
            _ owner: StepOwner,
            _ deadline: StepDeadline,
            _ records: StepRecord,
            _ action: String
        )
            -> IncidentStepTemplate
        {
            IncidentStepTemplate(
                id: clause + letter,
                clause: clause,
                action: action,
                owner: owner,
                deadline: minutes[key(kind, letter)].map { deadline.overridden(minutes: $0) } ?? deadline,
                records: records
            )
        }
        switch kind {
        case .abusiveContact:
            return [
                step(
                    "a",
                    .reporter,
                    .endOfWorkingDay,
                    .note,
                    "Record the call or message on the case, as it happened."
                ),
                step(
                    "b",
                    .lineManager,
                    .endOfWorkingDay,
                    .note,
                    "Read the report: you are the line manager told of it."
                ),
                step(
                    "c",
                    .lineManager,
                    .workingDays(1),
                    .note,
                    "Decide whether to report it to the police, and record the decision (and their reference if reported)."
                ),
            ]
        case .inappropriateMessage:
            return [
                step(
                    "a",
                    .lineManager,
                    .officeMinutes(60),
                    .note,
                    "Read the report as a priority: you are the manager told of it."
                ),
                step("b", .lineManager, .workingDays(1), .note, "Decide what happens next and record it."),
            ]
        case .unsolicitedImage:
            return [
                step(
                    "a",
                    .lineManager,
                    .endOfWorkingDay,
                    .note,
                    "Read the report: you are the line manager told of it."
                ),
                step(
                    "b",
                    .reporter,
                    .endOfWorkingDay,
                    .confirmation,
                    "Delete the image from the device, without opening, copying or forwarding it, and confirm it is deleted."
                ),
            ]
        case .imageReceived:
            return [
                step(
                    "a",
                    .lineManager,
                    .clockMinutes(60),
                    .note,
                    "Read the report now: a manager must know the image was received."
                ),
                step(
                    "b",
                    .lineManager,
                    .workingDays(1),
                    .reference,
                    "Contact the police so that they can view the image if they need to; record who, when and their reference."
                ),
                step(
                    "c",
                    .reporter,
                    .none,
                    .confirmation,
                    "When the police say so, delete the image and confirm it is deleted."
                ),
            ]
        case .imagesVolunteered:
            return [
                step(
                    "a",
                    .reporter,
                    .clockMinutes(60),
                    .note,
                    "Ask the young person's permission to hold on to the phone, without viewing the images; record their answer."
                ),
                step(
                    "b",
                    .reporter,
                    .workingDays(1),
                    .reference,
                    "Contact the police to see if they want to view the images; record who, when and their reference."
                ),
                step("c", .reporter, .endOfWorkingDay, .note, "Record who holds the phone now."),
            ]
        case .phoneRefused:
            return [
                step(
                    "a",
                    .reporter,
                    .endOfWorkingDay,
                    .note,
                    "Advise the young person to delete the material, and record that you did and what they said."
                ),
                step("b", .lineManager, .workingDays(1), .note, "Read the record kept on the case file."),
            ]
        case .imageRequestByStaff:
            return [
                step(
                    "a",
                    .dsl,
                    .clockMinutes(60),
                    .note,
                    "Read the report: a member of staff asked a young person to forward material, which asks them to distribute an indecent image."
                ),
                step(
                    "b",
                    .dsl,
                    .workingDays(1),
                    .reference,
                    "Decide on referral (the police, the LADO) and record who was contacted, when, and their reference."
                ),
            ]
        case .doubtfulContent:
            return [
                step(
                    "a",
                    .reporter,
                    .clockMinutes(60),
                    .reference,
                    "Never download it. Contact the police safeguarding referral unit, or the DSL; record who and when."
                ),
                step("b", .dsl, .endOfWorkingDay, .note, "Read the report and record what happens next."),
            ]
        case .socialNetworkConcern:
            return [
                step(
                    "a",
                    .reporter,
                    .endOfWorkingDay,
                    .note,
                    "Record what you found and where, in words: never a copy or a screenshot of it."
                ),
                step(
                    "b",
                    .lineManager,
                    .endOfWorkingDay,
                    .note,
                    "Read the record: you are the line manager told of it."
                ),
            ]
        case .conductConcern:
            return [
                step("a", .dsl, .endOfWorkingDay, .note, "Read the concern about a member of staff's conduct."),
                step(
                    "b",
                    .dsl,
                    .workingDays(1),
                    .reference,
                    "Decide what happens next (the LADO, HR, no further action) and record who was contacted and their reference."
                ),
            ]
        case .policyBreach:
            var steps = [
                step(
                    "a",
                    .lineManager,
                    .workingDays(2),
                    .note,
                    "Review the breach with the member of staff and record the outcome."
                )
            ]
            if repeated {
                steps.append(
                    step(
                        "b",
                        .dsl,
                        .workingDays(2),
                        .note,
                        "Review: the same member of staff has breached this clause before."
                    )
                )
            }
            return steps
        }
    }
}

/// Who is told of an overdue step, and when: the owner's line manager once it is past due, then the DSL
/// once it has been overdue for as long again as it had (at least a working day; an hour for a step
/// due within the hour).
public enum IncidentEscalation {
    public enum Level: Int, Sendable, Comparable {
        case none = 0
        case lineManager = 1
        case dsl = 2

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public static func level(opened: Date, due: Date?, now: Date, hours: OfficeHours) -> Level {
        guard let due, now > due else { return .none }
        let allowed = due.timeIntervalSince(opened)
        let second =
            allowed <= 3600
            ? due.addingTimeInterval(3600)
            : max(
                due.addingTimeInterval(allowed),
                hours.adding(officeMinutes: hours.dayLengthMinutes, to: due)
            )
        return now >= second ? .dsl : .lineManager
    }
}

extension IncidentLadder {
    /// How an organisation names a step in its settings: `image_received:a`.
    public static func key(_ kind: IncidentKind, _ letter: String) -> String { "\(kind.rawValue):\(letter)" }

    /// Every step an organisation may set its own deadline for, by key, with the clause's own.
    public static var settable: [String: StepDeadline] {
        var out: [String: StepDeadline] = [:]
        for kind in IncidentKind.allCases {
            let clause = kind.clause ?? "X-1"
            for t in steps(for: kind, breached: clause, repeated: true) where t.deadline != .none {
                out[key(kind, String(t.id.dropFirst(clause.count)))] = t.deadline
            }
        }
        return out
    }
}
