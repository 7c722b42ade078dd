import FluentKit
import Foundation
import SafeCommsCore

/// The cases a member of staff may see, by reference: their own and their team's, a manager's teams',
/// and every case of the organisation for the DSL and auditors (`AccessPolicy.canRead` decides each).
public enum VisibleCases {
    public static func of(_ p: Principal, on db: any Database) async throws -> [CaseFile] {
        guard let q = query(p, on: db) else { return [] }
        return try await q.sort(\.$reference).all().filter { AccessPolicy.canRead(p, $0.allocation) }
    }

    /// The cases `p` may see, as a query to narrow further (callers still keep only those
    /// `AccessPolicy.canRead` allows); nil for someone who sees no cases.
    static func query(_ p: Principal, on db: any Database) -> QueryBuilder<CaseFile>? {
        let q = db.scoped(to: p.organisationID).query(CaseFile.self)
        let everything = p.roles.contains(.dsl) || p.roles.contains(.auditor)
        if !everything {
            guard p.roles.contains(.practitioner) || p.roles.contains(.manager) else { return nil }
            let teams = Array(p.teamIDs.union(p.roles.contains(.manager) ? p.managedTeamIDs : []))
            q.group(.or) { or in
                or.filter(\.$keyWorkerID == p.staffID)
                if !teams.isEmpty { or.filter(\.$teamID ~~ teams) }
            }
        }
        return q
    }

    /// What a caller means to do with one case.
    public enum Need: Sendable { case read, write }

    /// The case with this id, when `p` may see it (and change it, for `.write`).
    /// - Throws: `Refusal.notFound` for a case the caller may not see, or one in another organisation,
    ///   so its existence is not revealed; `Refusal.forbidden` for a case they may read but not change.
    public static func one(_ id: UUID, _ need: Need, for p: Principal, on db: any Database) async throws -> CaseFile {
        try allowed(try await CaseFile.find(id, organisationID: p.organisationID, on: db), id, need, for: p)
    }

    /// `found` (the case with this id in `p`'s organisation, or nil) when `p` may see it, as `one` says.
    static func allowed(_ found: CaseFile?, _ id: UUID, _ need: Need, for p: Principal) throws -> CaseFile {
        guard let c = found, AccessPolicy.canRead(p, c.allocation)
        else { throw Refusal.notFound("no case \(id.uuidString) that you can see") }
        if need == .write, !AccessPolicy.canWrite(p, c.allocation) {
            throw Refusal.forbidden("your role can read this case but not change it")
        }
        return c
    }
}

extension CaseFile {
    /// Where the case sits, for `AccessPolicy`.
    public var allocation: CaseAllocation {
        CaseAllocation(organisationID: organisationID, teamID: teamID, keyWorkerID: keyWorkerID)
    }
}
