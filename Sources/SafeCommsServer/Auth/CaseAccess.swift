import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The case a route names, when the caller may see it (`VisibleCases.one` decides).
enum CaseAccess {
    typealias Need = VisibleCases.Need

    static func load(_ req: Request, _ need: Need, parameter: String = "caseID") async throws -> (CaseFile, Principal) {
        try await load(req, need, id: id(req, parameter: parameter))
    }

    /// The case id the route names.
    static func id(_ req: Request, parameter: String = "caseID") throws -> UUID {
        guard let raw = req.parameters.get(parameter), let id = UUID(uuidString: raw) else {
            throw ValidationError(field: parameter, reason: "is not a case id (a UUID)")
        }
        return id
    }

    /// The case with this id, when the caller may see it (and change it, for `.write`).
    static func load(_ req: Request, _ need: Need, id: UUID) async throws -> (CaseFile, Principal) {
        let p = try await req.principal()
        return (try await VisibleCases.one(id, need, for: p, on: req.db), p)
    }
}
