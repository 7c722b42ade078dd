import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The organisation's policy packs, clause by clause, and staff's acknowledgement of each version
/// (MISSION.md: guidance is "shown to staff and acknowledged"; WNL-5.2).
struct PolicyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("policies", use: list)
        routes.post("policies", ":packID", "acknowledge", use: acknowledge)
        routes.get("policies", "outstanding", use: outstanding)
    }

    struct ClauseDTO: Content {
        var id: String
        var kind: String
        var summary: String
        var text: String
        var how: String
        var `where`: String
    }

    struct PackDTO: Content {
        var id: String
        var title: String
        var version: String
        var acknowledgedAt: Date?
        var clauses: [ClauseDTO]
    }

    func list(req: Request) async throws -> [PackDTO] {
        let p = try await req.principal()
        let catalogue = req.application.policyCatalogue
        let packs = try await Self.packs(req, p)
        let done = try await PolicyAcknowledgements.acknowledged(
            by: p.staffID,
            of: p.organisationID,
            packs: packs,
            on: req.db
        )
        return packs.map { pack in
            PackDTO(
                id: pack.id,
                title: pack.title,
                version: pack.version,
                acknowledgedAt: done[pack.id],
                clauses: pack.clauses.map {
                    let place = PolicyCatalogue.place(of: $0)
                    return ClauseDTO(
                        id: $0.id,
                        kind: $0.kind.rawValue,
                        summary: $0.summary,
                        text: catalogue.text($0.id, in: pack.id),
                        how: place.how,
                        where: place.href
                    )
                }
            )
        }
    }

    struct AcknowledgeInput: Content {
        var version: String
    }

    struct AcknowledgedDTO: Content {
        var pack: String
        var version: String
        var acknowledgedAt: Date
    }

    func acknowledge(req: Request) async throws -> AcknowledgedDTO {
        let p = try await req.principal()
        let packID = req.parameters.get("packID") ?? ""
        let input = try req.content.decode(AcknowledgeInput.self)
        let at = try await PolicyAcknowledgements.acknowledge(
            packID: packID,
            version: input.version,
            packs: try await Self.packs(req, p),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return AcknowledgedDTO(pack: packID, version: input.version, acknowledgedAt: at)
    }

    struct OutstandingDTO: Content {
        var staffId: UUID
        var name: String
        var packs: [String]
    }

    func outstanding(req: Request) async throws -> [OutstandingDTO] {
        let p = try await req.principal()
        return try await PolicyAcknowledgements.whoHasNot(for: p, packs: try await Self.packs(req, p), on: req.db).map {
            OutstandingDTO(staffId: $0.staffID, name: $0.name, packs: $0.packs.map(\.id))
        }
    }

    /// The packs the caller's organisation uses.
    static func packs(_ req: Request, _ p: Principal) async throws -> [PolicyPack] {
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        return req.application.policyCatalogue.packs(chosen: settings.packs)
    }
}
