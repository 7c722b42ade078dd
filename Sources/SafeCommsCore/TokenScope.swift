import Foundation

/// What an API token may be used for, chosen when it is made. A token is a password a machine holds,
/// so each is given no more than its job needs: a telephony or messaging system that only asks before
/// sending needs `check`; a report needs `read`.
public enum TokenScope: String, Sendable, CaseIterable {
    /// `POST /api/v1/checks` and nothing else.
    case check
    /// Reading (`GET`), and checks, which change no record.
    case read
    /// Everything the holder's roles allow.
    case readWrite = "read_write"

    /// How long a token lasts unless its maker says otherwise, and the most it may.
    public static let defaultDays = 90
    public static let maxDays = 366

    /// Whether a request with this method to this path (below `/api/v1`, e.g. `/checks`) is within
    /// the scope. The holder's roles still decide whether they may do it at all.
    public func allows(method: String, path: String) -> Bool {
        let isCheck = method == "POST" && (path == "/checks" || path == "/checks/")
        switch self {
        case .check: return isCheck
        case .read: return isCheck || method == "GET" || method == "HEAD"
        case .readWrite: return true
        }
    }

    /// In words, for pages and refusals.
    public var words: String {
        switch self {
        case .check: "checks only"
        case .read: "read only (and checks)"
        case .readWrite: "read and write"
        }
    }
}
