import Fluent
import SafeCommsStore
import Vapor

extension StaffMember: Authenticatable {}

extension StaffMember: ModelSessionAuthenticatable {}

/// Signs in a machine client by its bearer token. Only active staff with an unrevoked token pass.
struct TokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard let staff = try await StaffMember.forToken(hash: APITokens.hash(bearer.token), on: request.db) else { return }
        request.auth.login(staff)
    }
}

/// Ends a page session whose member of staff was deactivated, or that is older than the session
/// lifetime (the cookie's max-age alone would leave the server-side session valid).
struct ActiveStaffMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let staff = request.auth.get(StaffMember.self) {
            let signedInAt = request.session.data[SignIn.signedInAtKey].flatMap(Double.init) ?? 0
            if !staff.active || Date().timeIntervalSince1970 - signedInAt > SignIn.sessionLifetime {
                request.auth.logout(StaffMember.self)
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}
