import Foundation
import SafeCommsStore
import Vapor

/// The accessibility statement and the privacy notice, which a public body publishes (the Public
/// Sector Bodies Accessibility Regulations 2018; UK GDPR articles 13 and 14). Open to anyone, signed
/// in or not; linked from every page's footer.
struct PublicPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("accessibility", use: accessibility)
        routes.get("privacy", use: privacy)
    }

    struct Context: Encodable {
        var title: String
        var csrf: String
        var user: String?
    }

    private func context(_ req: Request, _ title: String) -> Context {
        let user = req.auth.get(StaffMember.self)?.name
        return Context(title: title, csrf: user == nil ? "" : CSRF.token(for: req), user: user)
    }

    func accessibility(req: Request) async throws -> View {
        try await req.view.render("accessibility", context(req, "Accessibility statement"))
    }

    func privacy(req: Request) async throws -> View {
        try await req.view.render("privacy", context(req, "Privacy notice"))
    }
}
