import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/api/v1/cases`: the cases a member of staff may see, opening a case, and reading one.
struct CaseController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get(use: list)
        cases.post(use: create)
        cases.get(":caseID", use: show)
    }

    func list(req: Request) async throws -> [CaseDTO] {
        let p = try await req.principal()
        let cases = try await VisibleCases.of(p, on: req.db)
        // The list names children, so reading it is audited like reading a case.
        try await req.audit(AuditEntry(action: .casesListed, entity: "case", detail: "\(cases.count) cases"))
        return cases.map(CaseDTO.init)
    }

    /// The cases `p` may see, by reference. The SQL narrows; `AccessPolicy` has the last word.
    func create(req: Request) async throws -> Response {
        let p = try await req.require(.createCase)
        let input = try req.content.decode(CaseInput.self)
        var problems: [ValidationError] = []
        do { try requireText(input.reference, field: "reference", max: 50) } catch { problems.append(error) }
        do { try requireText(input.displayName, field: "display_name", max: 100) } catch { problems.append(error) }
        var status = CaseStatus.other
        do { status = try CaseStatus.parse(input.status, field: "status") } catch { problems.append(error) }
        if let d = input.openedOn { do { try validateDay(d, field: "opened_on") } catch { problems.append(error) } }
        try ValidationErrors(problems).throwIfAny()
        if let t = input.teamId,
            try await req.db.scoped(to: p.organisationID).query(Team.self).filter(\.$id == t).first()
                == nil
        {
            throw ValidationError(field: "team_id", reason: "no team \(t) in your organisation")
        }
        guard AccessPolicy.canAllocate(p, toTeam: input.teamId) else {
            throw Abort(.forbidden, reason: "you can open cases only for the teams you manage")
        }
        if let k = input.keyWorkerId,
            try await req.db.scoped(to: p.organisationID).query(StaffMember.self).filter(\.$id == k)
                .first() == nil
        {
            throw ValidationError(field: "key_worker_id", reason: "no member of staff \(k) in your organisation")
        }
        if try await req.db.scoped(to: p.organisationID).query(CaseFile.self).filter(
            \.$reference == input.reference
        ).first() != nil {
            throw Self.duplicateReference(input.reference)
        }
        // Unless given, a case opens today in the organisation's own time zone, not the server's.
        let openedOn: String
        if let given = input.openedOn {
            openedOn = given
        } else {
            let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
            openedOn = settings.officeHours.localDay(of: Date()).description
        }
        let c = CaseFile(
            organisationID: p.organisationID,
            teamID: input.teamId,
            keyWorkerID: input.keyWorkerId,
            reference: input.reference,
            displayName: input.displayName,
            status: status,
            inCrisis: input.inCrisis ?? false,
            openedOn: openedOn
        )
        c.id = UUID()
        try await req.createAudited(
            c,
            AuditEntry(action: .caseCreated, entity: "case", entityID: c.id?.uuidString, caseID: c.id),
            duplicate: Self.duplicateReference(input.reference)
        )
        return try await CaseDTO(c).encodeResponse(status: .created, for: req)
    }

    static func duplicateReference(_ reference: String) -> ValidationError {
        ValidationError(field: "reference", reason: "a case with reference '\(reference)' already exists")
    }

    func show(req: Request) async throws -> CaseDTO {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await req.audit(AuditEntry(action: .caseRead, entity: "case", entityID: c.id?.uuidString, caseID: c.id))
        return CaseDTO(c)
    }

}
