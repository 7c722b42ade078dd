import Fluent
import SQLKit
import Vapor

/// Liveness, readiness, metrics and the API description: no sign-in, no personal data.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz") { _ in "ok" }
        routes.get("readyz", use: ready)
        routes.get("metrics", use: metrics)
        routes.get("openapi.yaml", use: openAPI)
    }

    static let text: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]

    /// Ready when the database answers.
    func ready(req: Request) async throws -> Response {
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1").all()
            return Response(status: .ok, headers: Self.text, body: "ready")
        } catch {
            req.logger.warning("readiness check failed: database unavailable")
            return Response(status: .serviceUnavailable, headers: Self.text, body: "database unavailable")
        }
    }

    func metrics(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
        return Response(status: .ok, headers: headers, body: .init(string: Metrics.render()))
    }

    func openAPI(req: Request) async throws -> Response {
        let text = try String(contentsOfFile: Resources.openAPIPath, encoding: .utf8)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
