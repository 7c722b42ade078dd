import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/api/v1/cases/:caseID/communications`: the chronology, recording a contact, and correcting one.
struct CommunicationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let comms = routes.grouped("cases", ":caseID", "communications")
        comms.get(use: list)
        comms.post(use: create)
        comms.post(":recordID", "corrections", use: correct)
    }

    func list(req: Request) async throws -> ChronologyDTO {
        let (c, _) = try await CaseAccess.load(req, .read)
        let filter = try Self.filter(from: req)
        let page = try req.wholeNumber(query: "page", max: CommunicationRepository.maxPage) ?? 1
        let per = try req.wholeNumber(query: "per", max: CommunicationRepository.maxPageSize) ?? 50
        let result = try await CommunicationRepository.chronology(
            caseID: c.requireID(),
            organisationID: c.organisationID,
            filter: filter,
            page: page,
            per: per,
            on: req.db
        )
        try await req.audit(
            AuditEntry(
                action: .chronologyRead,
                entity: "case",
                entityID: c.id?.uuidString,
                caseID: c.id,
                detail: "page \(result.page)"
            )
        )
        return ChronologyDTO(
            items: result.records.map { CommunicationDTO($0, superseded: result.superseded.contains($0.id)) },
            page: result.page,
            per: result.per,
            hasMore: result.hasMore
        )
    }

    func create(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(CommunicationInput.self)
        let record = try await RecordContact.record(
            try input.draft(now: Date()),
            personID: input.personId,
            deviceID: input.deviceId,
            on: c,
            by: p,
            source: "api",
            library: req.application.policyLibrary,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await CommunicationDTO(record, superseded: false).encodeResponse(status: .created, for: req)
    }

    /// A correction is a new record pointing at the one it corrects; the original is kept as it was.
    func correct(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        guard let raw = req.parameters.get("recordID"), let id = UUID(uuidString: raw) else {
            throw ValidationError(field: "recordID", reason: "is not a record id (a UUID)")
        }
        guard
            let original = try await req.db.scoped(to: c.organisationID).query(CommunicationRecord.self).filter(
                \.$id == id
            ).filter(
                \.$caseID == c.requireID()
            ).first()
        else {
            throw Abort(.notFound, reason: "no record \(raw) on this case")
        }
        let input = try req.content.decode(CommunicationInput.self)
        do {
            let record = try await RecordContact.record(
                try input.draft(now: Date()),
                personID: input.personId,
                deviceID: input.deviceId,
                on: c,
                by: p,
                source: "api",
                correcting: original.requireID(),
                library: req.application.policyLibrary,
                audit: try req.auditContext(),
                on: req.db
            )
            return try await CommunicationDTO(record, superseded: false).encodeResponse(status: .created, for: req)
        } catch let e as CommunicationRepository.AlreadyCorrected {
            // Corrections form a line, not a tree: only the latest version of a record can be corrected.
            throw Abort(
                .conflict,
                reason: "record \(raw) was already corrected by \(e.by.uuidString); correct that record instead"
            )
        }
    }

    static func filter(from req: Request) throws -> ChronologyFilter {
        var f = ChronologyFilter()
        if let c: String = req.query["channel"] { f.channel = try SafeCommsCore.Channel.parse(c, field: "channel") }
        if let d: String = req.query["direction"] { f.direction = try Direction.parse(d, field: "direction") }
        f.outOfHours = try req.flag(query: "out_of_hours")
        f.significant = try req.flag(query: "significant")
        if let raw: String = req.query["person_id"] {
            guard let id = UUID(uuidString: raw) else {
                throw ValidationError(field: "person_id", reason: "is not a UUID")
            }
            f.personID = id
        }
        if let raw: String = req.query["from"] { f.from = try ISOInstant.parse(raw, field: "from") }
        if let raw: String = req.query["to"] { f.to = try ISOInstant.parse(raw, field: "to") }
        return f
    }
}
