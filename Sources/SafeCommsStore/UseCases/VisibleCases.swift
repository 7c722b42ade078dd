import FluentKit
import SafeCommsCore

/// The cases a member of staff may see, by reference: their own and their team's, a manager's teams',
/// and every case of the organisation for the DSL and auditors (`AccessPolicy.canRead` decides each).
public enum VisibleCases {
    public static func of(_ p: Principal, on db: any Database) async throws -> [CaseFile] {
        let q = db.scoped(to: p.organisationID).query(CaseFile.self)
        let everything = p.roles.contains(.dsl) || p.roles.contains(.auditor)
        if !everything {
            guard p.roles.contains(.practitioner) || p.roles.contains(.manager) else { return [] }
            let teams = Array(p.teamIDs.union(p.roles.contains(.manager) ? p.managedTeamIDs : []))
            q.group(.or) { or in
                or.filter(\.$keyWorkerID == p.staffID)
                if !teams.isEmpty { or.filter(\.$teamID ~~ teams) }
            }
        }
        return try await q.sort(\.$reference).all().filter { AccessPolicy.canRead(p, $0.allocation) }
    }
}

extension CaseFile {
    /// Where the case sits, for `AccessPolicy`.
    public var allocation: CaseAllocation {
        CaseAllocation(organisationID: organisationID, teamID: teamID, keyWorkerID: keyWorkerID)
    }
}
