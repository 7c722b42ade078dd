/// Why a use case would not do what was asked, in words for the person who asked. The server answers
/// each kind with its status (404, 403, 409); a bad value is a `ValidationError` instead.
public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not there, or not in the asker's organisation (which to them is the same).
    case notFound(String)
    /// There, but the asker's roles do not allow it.
    case forbidden(String)
    /// Someone else did it first.
    case conflict(String)

    public var description: String {
        switch self {
        case .notFound(let s), .forbidden(let s), .conflict(let s): s
        }
    }
}
