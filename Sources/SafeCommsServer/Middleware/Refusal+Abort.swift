import SafeCommsStore
import Vapor

/// A use case's refusal answered with its status, its words as the reason.
extension Refusal: AbortError {
    public var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        }
    }

    public var reason: String { description }
}
