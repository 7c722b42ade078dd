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
        let page = try Self.intQuery(req, "page", max: CommunicationRepository.maxPage) ?? 1
        let per = try Self.intQuery(req, "per", max: CommunicationRepository.maxPageSize) ?? 50
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
        let record = try await Self.record(
            from: input,
            case: c,
            principal: p,
            source: "api",
            correctingID: nil,
            on: req
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
            let original = try await CommunicationRecord.query(on: req.db).filter(\.$id == id).filter(
                \.$caseID == c.requireID()
            ).first()
        else {
            throw Abort(.notFound, reason: "no record \(raw) on this case")
        }
        let input = try req.content.decode(CommunicationInput.self)
        do {
            let record = try await Self.record(
                from: input,
                case: c,
                principal: p,
                source: "api",
                correctingID: original.requireID(),
                on: req
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

    static func record(
        from input: CommunicationInput,
        case c: CaseFile,
        principal p: Principal,
        source: String,
        correctingID: UUID?,
        on req: Request
    ) async throws -> CommunicationRow {
        let now = Date()
        let draft = try input.draft(now: now)
        if let person = input.personId,
            try await CasePerson.query(on: req.db).filter(\.$id == person).filter(\.$caseID == c.requireID()).first()
                == nil
        {
            throw ValidationError(field: "person_id", reason: "no person \(person) on this case")
        }
        if let device = input.deviceId,
            try await Device.query(on: req.db).filter(\.$id == device).filter(\.$organisationID == p.organisationID)
                .first() == nil
        {
            throw ValidationError(field: "device_id", reason: "no device \(device) in your organisation")
        }
        guard let org = try await Organisation.find(p.organisationID, on: req.db) else { throw Abort(.notFound) }
        let record = CommunicationRepository.makeRecord(
            draft,
            organisationID: p.organisationID,
            caseID: try c.requireID(),
            staffID: p.staffID,
            deviceID: input.deviceId,
            personID: input.personId,
            settings: org.settings,
            recordedAt: now,
            source: source,
            correctsID: correctingID
        )
        try await CommunicationRepository.insert(
            [record],
            action: correctingID == nil ? .communicationRecorded : .communicationCorrected,
            try req.auditContext(),
            on: req.db
        )
        return record
    }

    static func filter(from req: Request) throws -> ChronologyFilter {
        var f = ChronologyFilter()
        if let c: String = req.query["channel"] { f.channel = try SafeCommsCore.Channel.parse(c, field: "channel") }
        if let d: String = req.query["direction"] { f.direction = try Direction.parse(d, field: "direction") }
        f.outOfHours = try boolQuery(req, "out_of_hours")
        f.significant = try boolQuery(req, "significant")
        return f
    }

    static func boolQuery(_ req: Request, _ name: String) throws -> Bool? {
        guard let raw: String = req.query[name] else { return nil }
        switch raw {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ValidationError(field: name, reason: "'\(raw)' is not true or false")
        }
    }

    static func intQuery(_ req: Request, _ name: String, max: Int) throws -> Int? {
        guard let raw: String = req.query[name] else { return nil }
        guard let n = Int(raw), (1...max).contains(n) else {
            throw ValidationError(field: name, reason: "'\(raw)' is not a whole number from 1 to \(max)")
        }
        return n
    }
}
