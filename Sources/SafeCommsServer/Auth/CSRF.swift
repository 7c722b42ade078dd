import SafeCommsCore
import SafeCommsStore
import Vapor

/// CSRF protection for every page form: each form carries a random token in a hidden `csrf` field, and
/// a POST without the matching token is refused. (The API uses bearer tokens, which a browser never
/// sends by itself, so it needs none.)
///
/// Signed in, the session holds the token. Signed out (the sign-in form), the token is held in a
/// cookie of its own (`safecomms_csrf`, HttpOnly, SameSite=Strict) and the form must repeat it: a
/// visitor who only looks at the sign-in page, or a script requesting it in a loop, leaves no session
/// row behind.
enum CSRF {
    static let field = "csrf"
    static let cookie = "safecomms_csrf"

    /// A token made for a signed-out visitor in this request, for `attachCookie`.
    struct NewCookieToken: StorageKey {
        typealias Value = String
    }

    /// The token the forms on this page must carry, created on first use.
    static func token(for req: Request) -> String {
        if req.auth.has(StaffMember.self) {
            if let t = req.session.data[field] { return t }
            let t = fresh()
            req.session.data[field] = t
            return t
        }
        if let t = signedOutToken(req) { return t }
        let t = req.storage[NewCookieToken.self] ?? fresh()
        req.storage[NewCookieToken.self] = t
        return t
    }

    /// The token a form posted in this request must carry, or nil when there is none. Signed out, the
    /// session is not touched: reading it would make a session row.
    static func expected(_ req: Request) -> String? {
        req.auth.has(StaffMember.self) ? req.session.data[field] : signedOutToken(req)
    }

    /// The signed-out visitor's token from their cookie, when it is one of ours.
    static func signedOutToken(_ req: Request) -> String? {
        guard let t = req.cookies[cookie]?.string, t.utf8.count == 64,
            t.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        return t
    }

    /// Sets the cookie for a token made in this request (a signed-out page with a form calls this).
    static func attachCookie(to response: Response, for req: Request) {
        guard let t = req.storage[NewCookieToken.self] else { return }
        response.cookies[cookie] = HTTPCookies.Value(
            string: t,
            maxAge: 8 * 3600,
            path: "/",
            isSecure: req.application.safeCommsConfig.secureCookies,
            isHTTPOnly: true,
            sameSite: .strict
        )
    }

    private static func fresh() -> String {
        var rng = SystemRandomNumberGenerator()
        return Hex.lowercase((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}

struct CSRFMiddleware: Middleware {
    /// A form that sends a file sets this on its route: its body is streamed, and its handler checks
    /// the token as the form is read (`ImportForm.read`), before any of the file is kept. Any other
    /// form's body is gathered up to the application's default limit and checked here.
    static let checkedByHandlerKey = AnySendableHashable("csrf.checkedByHandler")

    static let refusal = Abort(
        .forbidden,
        reason: "the form expired or did not come from SafeComms; reload the page and try again"
    )

    /// Future-based, as every page passes through it; only a POST has anything to check.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .POST, request.route?.userInfo[Self.checkedByHandlerKey] == nil else {
            return next.respond(to: request)
        }
        let gathered: EventLoopFuture<Void>
        if request.body.data == nil {
            gathered = request.body.collect(max: request.application.routes.defaultMaxBodySize.value).map { _ in }
        } else {
            gathered = request.eventLoop.makeSucceededVoidFuture()
        }
        return gathered.flatMap {
            let sent =
                request.headers.contentType == .urlEncodedForm
                ? request.body.data.flatMap { StrictFormContent.field(CSRF.field, in: $0) }
                : try? request.content.get(String.self, at: CSRF.field)
            guard let expected = CSRF.expected(request), let sent, Self.constantTimeEqual(sent, expected) else {
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
