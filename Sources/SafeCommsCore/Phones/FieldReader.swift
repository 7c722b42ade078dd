import Foundation

/// Reads a form's or request's fields and collects every problem, each naming its field, so that one
/// answer lists them all (a message slip, a logged voicemail, an answered call).
struct FieldReader {
    private(set) var errors: [ValidationError] = []

    mutating func fail(_ field: String, _ reason: String) {
        errors.append(ValidationError(field: field, reason: reason))
    }

    /// Trimmed text; `required` names what it is and the clause asking for it.
    mutating func text(_ value: String?, _ field: String, required: (clause: String, what: String)? = nil) -> String {
        let v = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if v.isEmpty, let required { fail(field, "is required: \(required.what) (\(required.clause))") }
        if v.count > 2_000 { fail(field, "is longer than 2,000 characters") }
        return v
    }

    /// An ISO 8601 instant, required.
    mutating func instant(_ value: String?, _ field: String, clause: String, what: String) -> Date? {
        guard let v = value, !v.isEmpty else {
            fail(field, "is required: \(what) (\(clause))")
            return nil
        }
        do throws(ValidationError) {
            return try ISOInstant.parse(v, field: field)
        } catch {
            fail(field, error.reason)
            return nil
        }
    }

    /// A phone number in E.164, or nil when none was given.
    mutating func phoneNumber(_ value: String?, _ field: String) -> String? {
        let v = text(value, field)
        guard !v.isEmpty else { return nil }
        do throws(ValidationError) { return try PhoneNumber(parsing: v, field: field).e164 } catch {
            errors.append(error)
            return nil
        }
    }

    /// A past instant: a call or message cannot have happened more than five minutes (clock drift) ahead.
    mutating func notFuture(_ instant: Date?, _ field: String, now: Date) {
        if let instant, instant > now.addingTimeInterval(300) { fail(field, "is in the future") }
    }

    func throwIfAny() throws(ValidationErrors) {
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}
