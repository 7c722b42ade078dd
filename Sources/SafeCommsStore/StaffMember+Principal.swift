import FluentKit
import SafeCommsCore

extension StaffMember {
    /// The member of staff as the access rules see them: their roles, team, and the teams they manage.
    /// One query. Used by requests (once each) and by commands acting as someone (`import --as`).
    public func principal(on db: any Database) async throws -> Principal {
        let id = try requireID()
        let managed = try await db.scoped(to: organisationID).query(Team.self).filter(
            \.$managerID == id
        ).all()
        return Principal(
            staffID: id,
            organisationID: organisationID,
            roles: roles,
            teamIDs: Set([teamID].compactMap { $0 }),
            managedTeamIDs: Set(managed.compactMap(\.id))
        )
    }
}

extension StaffMember {
    /// Where a stored member of staff sits, for `AccessPolicy`. One not yet stored has no id, and no
    /// allocation: it is an error to ask.
    public var allocation: StaffAllocation {
        get throws {
            StaffAllocation(
                staffID: try requireID(),
                organisationID: organisationID,
                teamID: teamID,
                lineManagerID: lineManagerID
            )
        }
    }
}
