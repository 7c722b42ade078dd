import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

extension StaffMember: Authenticatable {}

extension StaffMember: ModelSessionAuthenticatable {}

/// Signs in a machine client by its bearer token, or refuses the request: 401 unless the token is
/// unrevoked, unexpired and its holder active; 403 when the request is outside the token's scope
/// (`TokenScope`). One future-based middleware rather than an async authenticator and a guard,
/// because every API request passes through it and each async middleware costs a task.
struct BearerTokenMiddleware: Middleware {
    static let refusal = Abort(.unauthorized, reason: "a valid bearer token is required")
    static let prefix = "/api/v1"
    static let london = TimeZone(identifier: "Europe/London")!

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let bearer = request.headers.bearerAuthorization else {
            return request.eventLoop.makeFailedFuture(Self.refusal)
        }
        return request.application.tokenLookup.holder(
            forTokenHash: APITokens.hash(bearer.token),
            on: request.eventLoop
        )
        .flatMap { holder in
            guard let holder else { return request.eventLoop.makeFailedFuture(Self.refusal) }
            guard holder.isCurrent(at: Date()) else {
                let day = holder.expiresAt.map { WallClockText.date($0, zone: Self.london) } ?? "an unknown day"
                return request.eventLoop.makeFailedFuture(
                    Abort(
                        .unauthorized,
                        reason: "this token expired on \(day): make a new one on the Tokens page (/tokens)"
                    )
                )
            }
            let path = request.url.path
            let below = path.hasPrefix(Self.prefix) ? String(path.dropFirst(Self.prefix.count)) : path
            guard let scope = holder.scope, scope.allows(method: request.method.rawValue, path: below) else {
                let words = holder.scope?.words ?? "nothing this server knows"
                return request.eventLoop.makeFailedFuture(
                    Abort(
                        .forbidden,
                        reason:
                            "this token is for \(words): make one with the scope this needs on the Tokens page (/tokens)"
                    )
                )
            }
            request.auth.login(holder.member())
            return next.respond(to: request)
        }
    }
}
