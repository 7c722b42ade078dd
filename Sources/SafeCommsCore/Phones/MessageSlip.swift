import Foundation

/// A message taken for a colleague (LIN-9): everything needed to call back, and the time the caller
/// was promised. It goes to the officer as urgent (LIN-10) and is chased until answered (LIN-7).
public struct MessageSlip: Sendable, Equatable {
    /// LIN-9a.
    public var takenAt: Date
    /// LIN-9b.
    public var callerName: String
    /// LIN-9c: company, institution, or "member of the public".
    public var callerFrom: String
    /// LIN-9d, E.164.
    public var returnNumber: String
    /// LIN-9e.
    public var reason: String
    /// LIN-9f: when the caller was told they would be called back.
    public var callBackBy: Date

    /// The fields as a form or the API sends them; every problem is listed, each naming its field and
    /// the part of LIN-9 it fails.
    public init(
        takenAt: String?,
        callerName: String?,
        callerFrom: String?,
        returnNumber: String?,
        reason: String?,
        callBackBy: String?,
        now: Date
    ) throws(ValidationErrors) {
        var f = FieldReader()
        let taken = f.instant(takenAt, "taken_at", clause: "LIN-9a", what: "the date and time of the call")
        self.callerName = f.text(callerName, "caller_name", required: ("LIN-9b", "the caller's name"))
        self.callerFrom = f.text(
            callerFrom,
            "caller_from",
            required: ("LIN-9c", "where they are from (company, institution, or member of the public)")
        )
        let number = f.text(returnNumber, "return_number", required: ("LIN-9d", "the number to call back"))
        self.reason = f.text(reason, "reason", required: ("LIN-9e", "brief details of the reason for the call"))
        let back = f.instant(
            callBackBy,
            "call_back_by",
            clause: "LIN-9f",
            what: "when the caller was told they would be called back"
        )
        let e164 = number.isEmpty ? nil : f.phoneNumber(number, "return_number")
        f.notFuture(taken, "taken_at", now: now)
        if let taken, let back, back <= taken { f.fail("call_back_by", "must be after the call was taken") }
        try f.throwIfAny()
        guard let taken, let back, let e164 else { throw ValidationErrors([]) }  // unreachable: each nil was reported
        self.takenAt = taken
        self.returnNumber = e164
        self.callBackBy = back
    }

    /// LIN-7: not answered by the time promised.
    public func isOverdue(at instant: Date, respondedAt: Date?) -> Bool {
        respondedAt == nil && instant > callBackBy
    }
}
