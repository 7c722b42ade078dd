import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/api/v1/audit`: the organisation's audit events and a check of the whole chain.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let audit = routes.grouped("audit")
        audit.get("events", use: events)
        audit.get("verify", use: verify)
    }

    struct EventDTO: Content {
        var sequence: Int64
        var at: Date
        var actorId: UUID?
        var action: String
        var entity: String
        var entityId: String?
        var caseId: UUID?
        var source: String?
        var detail: String?
        var hash: String
    }

    struct VerifyDTO: Content {
        var ok: Bool
        var links: Int
        var head: String?
        var broken: String?
    }

    /// Newest first; `case_id` narrows to one case, `before` pages back by sequence number.
    func events(req: Request) async throws -> [EventDTO] {
        let p = try await req.require(.readAudit)
        let q = req.db.scoped(to: p.organisationID).auditEvents()
        if let raw: String = req.query["case_id"] {
            guard let id = UUID(uuidString: raw) else {
                throw ValidationError(field: "case_id", reason: "is not a UUID")
            }
            q.filter(\.$caseID == id)
        }
        if let raw: String = req.query["before"] {
            guard let before = Int64(raw) else {
                throw ValidationError(field: "before", reason: "is not a sequence number")
            }
            q.filter(\.$id < before)
        }
        let limit = min(try req.wholeNumber(query: "limit", max: 1000) ?? 100, 1000)
        return try await q.sort(\.$id, .descending).limit(limit).all().map {
            EventDTO(
                sequence: $0.id ?? 0,
                at: Date(timeIntervalSince1970: Double($0.atMillis) / 1000),
                actorId: $0.actorID,
                action: $0.action,
                entity: $0.entity,
                entityId: $0.entityID,
                caseId: $0.caseID,
                source: $0.source,
                detail: $0.detail,
                hash: $0.hash
            )
        }
    }

    func verify(req: Request) async throws -> VerifyDTO {
        _ = try await req.require(.readAudit)
        // The installation's own witness log too, so that deleting the newest events is seen here.
        let path = req.application.auditWitness.path
        do {
            let witnesses = try await req.application.threadPool.runIfActive {
                FileManager.default.fileExists(atPath: path) ? [try AuditWitness.read(path: path)] : []
            }
            let v = try await AuditLog.verify(on: req.db, key: req.application.auditKey, witnesses: witnesses)
            return VerifyDTO(ok: true, links: v.links, head: v.head, broken: nil)
        } catch let b as AuditChainVerifier.Break {
            return VerifyDTO(ok: false, links: 0, head: nil, broken: b.description)
        } catch let u as AuditWitnessLog.Unreadable {
            return VerifyDTO(ok: false, links: 0, head: nil, broken: u.description)
        } catch let r as AuditLog.RecordsChanged {
            return VerifyDTO(ok: false, links: 0, head: nil, broken: r.description)
        }
    }
}
