import Foundation

/// Calls a worker must close: a voicemail message left for them (COV-7, LIN-5), and an out-of-hours call
/// they answered that was not expected (COV-5). Each stays open until the worker records that they
/// responded, or where they diverted it.
public enum FollowUp {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// COV-7, LIN-5: responded to in a timely way, within the voicemail pick-up time.
        case voicemail
        /// COV-5: respond to the query or divert it through the most appropriate channel.
        case outOfHoursCall = "out_of_hours_call"

        public var clauses: [String] {
            switch self {
            case .voicemail: ["COV-7", "LIN-5"]
            case .outOfHoursCall: ["COV-5"]
            }
        }
    }

    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case responded, diverted
    }

    /// A call the worker must follow up: when it happened, who called (either may be unknown: a
    /// withheld number leaves no name), and by when it must be closed.
    public struct Opened: Sendable, Equatable {
        public var kind: Kind
        public var occurredAt: Date
        public var callerName: String?
        public var callerNumber: String?
        public var summary: String?
        public var dueAt: Date
    }

    /// COV-7, LIN-5: a voicemail left at `receivedAt` must be responded to within the organisation's
    /// pick-up time.
    public static func voicemail(
        receivedAt: String?,
        callerName: String?,
        callerNumber: String?,
        summary: String?,
        now: Date,
        pickupHours: Int
    ) throws(ValidationErrors) -> Opened {
        var f = FieldReader()
        let at = f.instant(receivedAt, "received_at", clause: "COV-7", what: "when the message was left")
        let caller = caller(&f, callerName, callerNumber, summary)
        f.notFuture(at, "received_at", now: now)
        try f.throwIfAny()
        guard let at else { throw ValidationErrors([]) }  // unreachable: a nil was reported
        return Opened(
            kind: .voicemail,
            occurredAt: at,
            callerName: caller.name,
            callerNumber: caller.number,
            summary: caller.summary,
            dueAt: at.addingTimeInterval(Double(pickupHours) * 3600)
        )
    }

    /// Whether an answered call needs a follow-up, and why.
    public enum Need: Sendable, Equatable {
        case followUp(Opened)
        case none(reason: String)
    }

    /// COV-5: a call answered out of office hours that was not expected must be responded to or
    /// diverted; it is due when the office next opens, so that a colleague can pick it up then. A call
    /// in office hours, or one the worker expected, needs nothing.
    public static func answeredCall(
        answeredAt: String?,
        expected: Bool?,
        callerName: String?,
        callerNumber: String?,
        summary: String?,
        now: Date,
        hours: OfficeHours
    ) throws(ValidationErrors) -> Need {
        var f = FieldReader()
        let at = f.instant(answeredAt, "answered_at", clause: "COV-5", what: "when the call was answered")
        if expected == nil { f.fail("expected", "is required: whether the call was expected (COV-5)") }
        let caller = caller(&f, callerName, callerNumber, summary)
        f.notFuture(at, "answered_at", now: now)
        try f.throwIfAny()
        guard let at, let expected else { throw ValidationErrors([]) }  // unreachable: each nil was reported
        guard hours.isOutOfHours(at) else { return .none(reason: "The call was answered in office hours.") }
        guard !expected else { return .none(reason: "The call was expected, which COV-5 allows out of hours.") }
        return .followUp(
            Opened(
                kind: .outOfHoursCall,
                occurredAt: at,
                callerName: caller.name,
                callerNumber: caller.number,
                summary: caller.summary,
                dueAt: hours.nextOpening(atOrAfter: at)
            )
        )
    }

    private static func caller(
        _ f: inout FieldReader,
        _ name: String?,
        _ number: String?,
        _ summary: String?
    ) -> (name: String?, number: String?, summary: String?) {
        let n = f.text(name, "caller_name")
        let e164 = f.phoneNumber(number, "caller_number")
        let s = f.text(summary, "summary")
        return (n.isEmpty ? nil : n, e164, s.isEmpty ? nil : s)
    }

    /// How a follow-up was closed: what was done, and where it went when diverted.
    public struct Closure: Sendable, Equatable {
        public var outcome: Outcome
        public var note: String
        public var divertedTo: String?
    }

    public static func close(outcome: String?, note: String?, divertedTo: String?) throws(ValidationErrors) -> Closure {
        var f = FieldReader()
        let o = Outcome(rawValue: outcome ?? "")
        if o == nil {
            f.fail(
                "outcome",
                outcome == nil ? "is required: responded or diverted" : "'\(outcome!)' is not responded or diverted"
            )
        }
        let n = f.text(note, "note", required: ("COV-5", "what was done"))
        let to = f.text(divertedTo, "diverted_to")
        if o == .diverted, to.isEmpty {
            f.fail(
                "diverted_to",
                "is required when the call was diverted: the team, service or number it went to (COV-5)"
            )
        }
        try f.throwIfAny()
        guard let o else { throw ValidationErrors([]) }  // unreachable: a nil was reported
        return Closure(outcome: o, note: n, divertedTo: o == .diverted ? to : nil)
    }
}
