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

    /// A new case (`OpenCase`), its fields checked for form here.
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
        let c = try await OpenCase.open(
            .init(
                reference: input.reference,
                displayName: input.displayName,
                status: status,
                inCrisis: input.inCrisis ?? false,
                teamID: input.teamId,
                keyWorkerID: input.keyWorkerId,
                openedOn: input.openedOn
            ),
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await CaseDTO(c).encodeResponse(status: .created, for: req)
    }

    func show(req: Request) async throws -> CaseDTO {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await req.audit(AuditEntry(action: .caseRead, entity: "case", entityID: c.id?.uuidString, caseID: c.id))
        return CaseDTO(c)
    }

}
