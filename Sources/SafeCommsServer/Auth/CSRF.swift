import SafeCommsCore
import SafeCommsStore
import Vapor

/// Synchroniser-token CSRF protection for every page form: the session holds a random token, each form
/// carries it in a hidden `csrf` field, and a POST without the matching token is refused. (The API uses
/// bearer tokens, which a browser never sends by itself, so it needs none.)
enum CSRF {
    static let field = "csrf"

    /// The session's token, created on first use.
    static func token(for req: Request) -> String {
        if let t = req.session.data[field] { return t }
        var rng = SystemRandomNumberGenerator()
        let t = Hex.lowercase((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        req.session.data[field] = t
        return t
    }
}

struct CSRFMiddleware: Middleware {
    /// A form that sends a file sets this on its route (the most bytes it takes): its body arrives in
    /// parts and is gathered, up to that, before the token in it can be read. Any other form's body is
    /// gathered up to the application's default limit.
    static let uploadLimitKey = AnySendableHashable("csrf.uploadLimit")

    static let refusal = Abort(.forbidden, reason: "the form expired or did not come from SafeComms; reload the page and try again")

    /// Future-based, as every page passes through it; only a POST has anything to check.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .POST else { return next.respond(to: request) }
        let gathered: EventLoopFuture<Void>
        if request.body.data == nil {
            // Only a signed-in member of staff may send a large body; anyone else's is refused at the
            // default limit before it is held.
            let upload = request.auth.has(StaffMember.self) ? request.route?.userInfo[Self.uploadLimitKey] as? Int : nil
            let limit = upload ?? request.application.routes.defaultMaxBodySize.value
            gathered = request.body.collect(max: limit).map { _ in }
        } else {
            gathered = request.eventLoop.makeSucceededVoidFuture()
        }
        return gathered.flatMap {
            let sent = try? request.content.get(String.self, at: CSRF.field)
            guard let expected = request.session.data[CSRF.field], let sent, Self.constantTimeEqual(sent, expected) else {
                return request.eventLoop.makeFailedFuture(Self.refusal)
            }
            return next.respond(to: request)
        }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
