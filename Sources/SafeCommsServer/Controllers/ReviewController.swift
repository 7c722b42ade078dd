import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The review queue through the API: what the scan of recorded and imported messages found, for the
/// worker's managers and the DSL to resolve (`ReviewQueue`).
struct ReviewController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // Resolving one may open an incident: like the incident routes, none takes a file.
        let items = routes.grouped(NoFileMiddleware()).grouped("review-items")
        items.get(use: list)
        items.get("summary", use: summary)
        items.post(":itemID", "resolve", use: resolve)
    }

    /// Open items by default, oldest message first; `status`, `clause`, `staff_id` and `case_id` narrow it.
    func list(req: Request) async throws -> [ReviewItemDTO] {
        let p = try await req.principal()
        let filter = try Self.filter(req)
        let views = try await ReviewQueue.visible(filter, to: p, on: req.db)
        try await req.audit(
            AuditEntry(action: .reviewRead, entity: ReviewItem.auditEntity, detail: "\(views.count) listed")
        )
        return views.map(ReviewItemDTO.init)
    }

    /// Open items per clause and per worker, with how many days the oldest of each has waited.
    func summary(req: Request) async throws -> Response {
        try .json(try await ReviewQueue.summary(for: try await req.principal(), on: req.db))
    }

    func resolve(req: Request) async throws -> ReviewItemDTO {
        let p = try await req.principal()
        let id = try req.id("itemID", field: "item_id")
        let resolution = try ReviewQueue.Resolution(try req.content.decode(ReviewResolutionInput.self))
        let view = try await ReviewQueue.resolve(
            id,
            resolution,
            by: p,
            link: req.application.safeCommsConfig.publicURL,
            audit: try req.auditContext(),
            on: req.db
        )
        return ReviewItemDTO(view)
    }

    static func filter(_ req: Request) throws -> ReviewQueue.Filter {
        var filter = ReviewQueue.Filter()
        if let status = req.queryText("status") {
            guard let s = ReviewQueue.Filter.Status(rawValue: status) else {
                throw ValidationError(field: "status", reason: "'\(status)' is not open, resolved or all")
            }
            filter.status = s
        }
        filter.clause = req.queryText("clause")?.trimmingCharacters(in: .whitespaces)
        for (field, path) in [("staff_id", \ReviewQueue.Filter.staffID), ("case_id", \ReviewQueue.Filter.caseID)] {
            guard let text = req.queryText(field), !text.isEmpty else { continue }
            guard let id = UUID(uuidString: text) else {
                throw ValidationError(field: field, reason: "'\(text)' is not an id")
            }
            filter[keyPath: path] = id
        }
        return filter
    }
}
