/// A value a client sent that cannot be accepted. It names the field (a JSON path such as
/// `people[2].phone`) and says what is wrong in words a user can act on.
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// Several problems found at once, so a form can show them all together.
public struct ValidationErrors: Error, Equatable, Sendable, CustomStringConvertible {
    public var errors: [ValidationError]

    public init(_ errors: [ValidationError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "; ") }

    /// Throws when any problem was found.
    public func throwIfAny() throws {
        if !errors.isEmpty { throw self }
    }
}

extension RawRepresentable where RawValue == String, Self: CaseIterable {
    /// Parses a wire value, or names the field and lists the values it may take.
    public static func parse(_ raw: String, field: String) throws(ValidationError) -> Self {
        guard let value = Self(rawValue: raw) else { throw unknown(raw, field: field, allowed: Array(allCases)) }
        return value
    }

    /// Parses a wire value that must be one of `allowed` (a part of the vocabulary, in the order to list).
    public static func parse(_ raw: String, field: String, among allowed: [Self]?) throws(ValidationError) -> Self {
        guard let allowed else { return try parse(raw, field: field) }
        guard let value = Self(rawValue: raw), allowed.contains(where: { $0.rawValue == raw }) else {
            throw unknown(raw, field: field, allowed: allowed)
        }
        return value
    }

    private static func unknown(_ raw: String, field: String, allowed: [Self]) -> ValidationError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return ValidationError(field: field, reason: "unknown value '\(raw)'; expected one of: \(names)")
    }
}
