import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/policies`: the organisation's packs clause by clause, in their own words with our summary and
/// how SafeComms carries each out; search across clauses; each version acknowledged by each member
/// of staff (MISSION.md: guidance is "shown to staff and acknowledged"; WNL-5.2). Managers, the DSL
/// and auditors see who has not acknowledged.
struct PolicyPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("policies", use: list)
        signedIn.get("policies", "outstanding", use: outstanding)
        signedIn.get("policies", ":packID", use: pack)
        signedIn.post("policies", ":packID", "acknowledge", use: acknowledge)
    }

    struct PackRow: Encodable {
        var id: String
        var title: String
        var version: String
        var acknowledged: String?
        var guidance: Int
    }

    struct Hit: Encodable {
        var pack: String
        var packTitle: String
        var id: String
        var kind: String
        var summary: String
    }

    struct ListContext: Encodable {
        var title = "Policies"
        var csrf: String
        var user: String
        var first: Bool
        var acknowledged: String?
        var query: String
        var hits: [Hit]
        var packs: [PackRow]
        var outstanding: Int
        var oversees: Bool
    }

    func list(req: Request) async throws -> View {
        let p = try await req.principal()
        let packs = try await PolicyController.packs(req, p)
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let done = try await PolicyAcknowledgements.acknowledged(
            by: p.staffID,
            of: p.organisationID,
            packs: packs,
            on: req.db
        )
        let query = (req.queryText("q").map { $0.removingPercentEncoding ?? $0 } ?? "").replacingOccurrences(
            of: "+",
            with: " "
        ).trimmingCharacters(in: .whitespaces)
        let catalogue = req.application.policyCatalogue
        let hits = catalogue.search(query, in: packs).prefix(200).map { pack, c in
            Hit(
                pack: pack.id,
                packTitle: pack.title,
                id: c.id,
                kind: PolicyCatalogue.kindLabel(c.kind),
                summary: c.summary
            )
        }
        let acknowledgedID = req.queryText("acknowledged")
        return try await req.view.render(
            "policies",
            ListContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                first: req.queryText("first") == "1",
                acknowledged: packs.first { $0.id == acknowledgedID }?.title,
                query: query,
                hits: Array(hits),
                packs: packs.map {
                    PackRow(
                        id: $0.id,
                        title: $0.title,
                        version: $0.version,
                        acknowledged: done[$0.id].map { WallClockText.date($0, zone: zone) },
                        guidance: $0.clauses.filter { $0.kind == .guidance }.count
                    )
                },
                outstanding: packs.filter { done[$0.id] == nil }.count,
                oversees: p.roles.contains(.manager) || p.roles.contains(.dsl) || p.roles.contains(.auditor)
            )
        )
    }

    struct ClauseRow: Encodable {
        var id: String
        var kind: String
        var guidance: Bool
        var summary: String
        var paragraphs: [String]
        var how: String
        var whereLabel: String
        var whereHref: String
    }

    struct PackContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var id: String
        var version: String
        var acknowledged: String?
        var clauses: [ClauseRow]
    }

    func pack(req: Request) async throws -> View {
        let p = try await req.principal()
        let packs = try await PolicyController.packs(req, p)
        guard let pack = packs.first(where: { $0.id == req.parameters.get("packID") }) else {
            throw Abort(.notFound, reason: "Your organisation does not use that policy")
        }
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let done = try await PolicyAcknowledgements.acknowledged(
            by: p.staffID,
            of: p.organisationID,
            packs: [pack],
            on: req.db
        )
        let catalogue = req.application.policyCatalogue
        return try await req.view.render(
            "policy",
            PackContext(
                title: pack.title,
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                id: pack.id,
                version: pack.version,
                acknowledged: done[pack.id].map { WallClockText.date($0, zone: zone) },
                clauses: pack.clauses.map { c in
                    let place = PolicyCatalogue.place(of: c)
                    return ClauseRow(
                        id: c.id,
                        kind: PolicyCatalogue.kindLabel(c.kind),
                        guidance: c.kind == .guidance,
                        summary: c.summary,
                        paragraphs: catalogue.text(c.id, in: pack.id).components(separatedBy: "\n\n"),
                        how: place.how,
                        whereLabel: place.label,
                        whereHref: place.href
                    )
                }
            )
        )
    }

    struct AcknowledgeForm: Content {
        var version: String
    }

    func acknowledge(req: Request) async throws -> Response {
        let p = try await req.principal()
        let packID = req.parameters.get("packID") ?? ""
        let form = try req.content.decode(AcknowledgeForm.self)
        _ = try await PolicyAcknowledgements.acknowledge(
            packID: packID,
            version: form.version,
            packs: try await PolicyController.packs(req, p),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: "/policies?acknowledged=\(packID)")
    }

    struct OutstandingRow: Encodable {
        var name: String
        var packs: String
    }

    struct OutstandingContext: Encodable {
        var title = "Who has not acknowledged the policy"
        var csrf: String
        var user: String
        var rows: [OutstandingRow]
    }

    func outstanding(req: Request) async throws -> View {
        let p = try await req.principal()
        let rows = try await PolicyAcknowledgements.whoHasNot(
            for: p,
            packs: try await PolicyController.packs(req, p),
            on: req.db
        )
        return try await req.view.render(
            "policy-outstanding",
            OutstandingContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                rows: rows.map { OutstandingRow(name: $0.name, packs: $0.packs.map(\.title).joined(separator: "; ")) }
            )
        )
    }
}
