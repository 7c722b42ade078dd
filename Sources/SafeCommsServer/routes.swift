import SafeCommsStore
import Vapor

/// Every route of the server. `/api/v1` takes bearer tokens; pages take the session cookie and a CSRF token.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    // The one stylesheet, read once; no inline styles so the content security policy can forbid them.
    let css = try String(contentsOfFile: Resources.root + "/Public/app.css", encoding: .utf8)
    app.get("assets", "app.css") { _ in
        Response(
            status: .ok,
            headers: ["Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600"],
            body: .init(string: css)
        )
    }

    // The compose page's script, read once: not inline, as the security policy asks.
    let composeScript = try String(contentsOfFile: Resources.root + "/Public/compose.js", encoding: .utf8)
    app.get("assets", "compose.js") { _ in
        Response(
            status: .ok,
            headers: [
                "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600",
            ],
            body: .init(string: composeScript)
        )
    }

    // The long-work page's script, likewise.
    let workScript = try String(contentsOfFile: Resources.root + "/Public/work.js", encoding: .utf8)
    app.get("assets", "work.js") { _ in
        Response(
            status: .ok,
            headers: [
                "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600",
            ],
            body: .init(string: workScript)
        )
    }

    try app.register(collection: NotifyCallbackController())

    let api = app.grouped("api", "v1")
        .grouped(BearerTokenMiddleware())
    try api.register(collection: DirectoryController())
    try api.register(collection: CaseController())
    try api.register(collection: CaseRegisterController())
    try api.register(collection: CommunicationController())
    try api.register(collection: AuditController())
    try api.register(collection: CheckController(library: app.policyLibrary))
    try api.register(collection: PhoneController())
    try api.register(collection: MessageSlipController())
    try api.register(collection: FollowUpController())
    try api.register(collection: GreetingController())
    try api.register(collection: ImportController())
    try api.register(collection: IncidentController())
    try api.register(collection: ReviewController())
    try api.register(collection: MessageController())
    try api.register(collection: TaskController())
    try api.register(collection: PolicyController())
    try api.register(collection: YoungPersonPhoneController())
    try api.register(collection: DeviceRegisterController())

    if app.safeCommsConfig.benchmarkEcho {
        app.post("bench", "echo") { req -> Response in
            struct Echo: Content {
                var id: String?
                var text: String?
            }
            return try await req.content.decode(Echo.self).encodeResponse(for: req)
        }
    }

    let pages = app.grouped(app.sessions.middleware, SessionStaffAuthenticator(), CSRFMiddleware())
    try pages.register(collection: PublicPageController())
    try pages.register(collection: PageController())
    try pages.register(collection: HomePageController())
    try pages.register(collection: AuditPageController())
    try pages.register(collection: SimulationPageController())
    try pages.register(collection: AdminPageController())
    try pages.register(collection: PhoneWorkPageController())
    try pages.register(collection: PhonePageController())
    try pages.register(collection: DirectoryPageController())
    try pages.register(collection: TokenPageController())
    try pages.register(collection: AccountPageController())
    try pages.register(collection: SecondFactorPageController())
    try pages.register(collection: SingleSignOnPageController())
    try pages.register(collection: ImportPageController())
    try pages.register(collection: WorkPageController())
    try pages.register(collection: IncidentPageController())
    try pages.register(collection: ReviewPageController())
    try pages.register(collection: ComposePageController())
    try pages.register(collection: TaskPageController())
    try pages.register(collection: PolicyPageController())
    try pages.register(collection: RegisterPageController())
    try pages.register(collection: YoungPersonPhonePageController())
    try pages.register(collection: DevicePageController())
}
