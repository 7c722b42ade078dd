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

    /// Newest first; `case_id`, `actor_id`, `action`, `from` and `to` (ISO 8601) narrow it, `before`
    /// pages back by sequence number.
    func events(req: Request) async throws -> [EventDTO] {
        let p = try await req.require(.readAudit)
        func id(_ name: String) throws -> UUID? {
            guard let raw: String = req.query[name] else { return nil }
            guard let id = UUID(uuidString: raw) else { throw ValidationError(field: name, reason: "is not a UUID") }
            return id
        }
        func instant(_ name: String) throws -> Date? {
            guard let raw: String = req.query[name] else { return nil }
            return try ISOInstant.parse(raw, field: name)
        }
        let filter = AuditTrail.Filter(
            actorID: try id("actor_id"),
            caseID: try id("case_id"),
            action: req.query["action"],
            from: try instant("from"),
            to: try instant("to")
        )
        var before: Int64?
        if let raw: String = req.query["before"] {
            guard let b = Int64(raw) else {
                throw ValidationError(field: "before", reason: "is not a sequence number")
            }
            before = b
        }
        let limit = min(try req.wholeNumber(query: "limit", max: 1000) ?? 100, 1000)
        return try await AuditTrail.page(filter, before: before, limit: limit, for: p, on: req.db).map {
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
        return try await Self.check(req)
    }

    /// The whole chain checked, for the API and the audit page; the caller has checked the reader.
    static func check(_ req: Request) async throws -> VerifyDTO {
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
