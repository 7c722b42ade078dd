import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Finds the case a route names and applies the access rules. A case the caller may not see, or one
/// in another organisation, is answered 404 so its existence is not revealed.
enum CaseAccess {
    enum Need { case read, write }

    static func load(_ req: Request, _ need: Need, parameter: String = "caseID") async throws -> (CaseFile, Principal) {
        guard let raw = req.parameters.get(parameter), let id = UUID(uuidString: raw) else {
            throw ValidationError(field: parameter, reason: "is not a case id (a UUID)")
        }
        return try await load(req, need, id: id)
    }

    /// The case with this id, when the caller may see it (and change it, for `.write`).
    static func load(_ req: Request, _ need: Need, id: UUID) async throws -> (CaseFile, Principal) {
        let p = try await req.principal()
        let raw = id.uuidString
        guard let c = try await CaseFile.find(id, organisationID: p.organisationID, on: req.db),
            AccessPolicy.canRead(p, c.allocation)
        else { throw Abort(.notFound, reason: "no case \(raw) that you can see") }
        if need == .write, !AccessPolicy.canWrite(p, c.allocation) {
            throw Abort(.forbidden, reason: "your role can read this case but not change it")
        }
        return (c, p)
    }
}
