import Fluent
import SafeCommsStore
import Vapor

extension StaffMember: Authenticatable {}

extension StaffMember: ModelSessionAuthenticatable {}

/// Signs in a machine client by its bearer token, or refuses the request with 401: only active staff
/// with an unrevoked token pass. One future-based middleware rather than an async authenticator and a
/// guard, because every API request passes through it and each async middleware costs a task.
struct BearerTokenMiddleware: Middleware {
    static let refusal = Abort(.unauthorized, reason: "a valid bearer token is required")

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let bearer = request.headers.bearerAuthorization else {
            return request.eventLoop.makeFailedFuture(Self.refusal)
        }
        return request.application.tokenLookup.staff(forTokenHash: APITokens.hash(bearer.token), on: request.eventLoop)
            .flatMap { staff in
                guard let staff else { return request.eventLoop.makeFailedFuture(Self.refusal) }
                request.auth.login(staff)
                return next.respond(to: request)
            }
    }
}
