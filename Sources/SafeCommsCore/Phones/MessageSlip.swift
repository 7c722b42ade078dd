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
        takenAt: String?, callerName: String?, callerFrom: String?, returnNumber: String?, reason: String?, callBackBy: String?, now: Date
    ) throws(ValidationErrors) {
        var errors: [ValidationError] = []
        func text(_ value: String?, _ field: String, _ clause: String, _ what: String) -> String {
            let v = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if v.isEmpty { errors.append(ValidationError(field: field, reason: "is required: \(what) (\(clause))")) }
            if v.count > 2_000 { errors.append(ValidationError(field: field, reason: "is longer than 2,000 characters")) }
            return v
        }
        func instant(_ value: String?, _ field: String, _ clause: String, _ what: String) -> Date? {
            guard let v = value, !v.isEmpty else {
                errors.append(ValidationError(field: field, reason: "is required: \(what) (\(clause))"))
                return nil
            }
            guard let d = try? Date(v, strategy: .iso8601) else {
                errors.append(ValidationError(field: field, reason: "'\(v)' is not an ISO 8601 date and time such as 2026-11-23T10:15:00Z"))
                return nil
            }
            return d
        }
        let taken = instant(takenAt, "taken_at", "LIN-9a", "the date and time of the call")
        self.callerName = text(callerName, "caller_name", "LIN-9b", "the caller's name")
        self.callerFrom = text(callerFrom, "caller_from", "LIN-9c", "where they are from (company, institution, or member of the public)")
        let number = text(returnNumber, "return_number", "LIN-9d", "the number to call back")
        self.reason = text(reason, "reason", "LIN-9e", "brief details of the reason for the call")
        let back = instant(callBackBy, "call_back_by", "LIN-9f", "when the caller was told they would be called back")
        var e164 = ""
        if !number.isEmpty {
            do throws(ValidationError) { e164 = try PhoneNumber(parsing: number, field: "return_number").e164 } catch { errors.append(error) }
        }
        if let taken, taken > now.addingTimeInterval(300) {
            errors.append(ValidationError(field: "taken_at", reason: "is in the future"))
        }
        if let taken, let back, back <= taken {
            errors.append(ValidationError(field: "call_back_by", reason: "must be after the call was taken"))
        }
        guard errors.isEmpty, let taken, let back else { throw ValidationErrors(errors) }
        self.takenAt = taken
        self.returnNumber = e164
        self.callBackBy = back
    }

    /// LIN-7: not answered by the time promised.
    public func isOverdue(at instant: Date, respondedAt: Date?) -> Bool {
        respondedAt == nil && instant > callBackBy
    }
}
