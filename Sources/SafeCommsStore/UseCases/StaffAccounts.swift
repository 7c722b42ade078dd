import FluentKit
import Foundation
import SafeCommsCore

/// Staff accounts as an administrator keeps them: roles, deactivation and password resets. The DSL's
/// and an administrator's roles open every case or every account, so giving one takes two people:
/// one administrator asks (`RoleGrant`), a second one approves. Taking a role away is immediate, but
/// never the organisation's last active administrator's.
public enum StaffAccounts {
    /// The roles a second administrator must approve.
    public static let approvalRoles: Set<Role> = [.dsl, .admin]

    /// A new account with the roles asked for, except the DSL's and an administrator's, which become
    /// requests for a second administrator. `s.passwordHash` is already a hash.
    public static func create(
        _ s: StaffMember,
        for p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> (StaffMember, [RoleGrant]) {
        let asked = s.roles
        s.roles = asked.subtracting(approvalRoles)
        let created = try await Directory.addStaff(s, for: p, audit: audit, on: db)
        var grants: [RoleGrant] = []
        for role in asked.intersection(approvalRoles).sorted() {
            grants.append(try await request(role, for: created.id!, by: p, audit: audit, now: now, on: db))
        }
        return (created, grants)
    }

    private static func administrator(_ p: Principal) throws {
        guard AccessPolicy.can(p, .administer) else {
            throw Refusal.forbidden("only an administrator keeps staff accounts")
        }
    }

    private static func member(_ id: UUID, of p: Principal, on db: any Database) async throws -> StaffMember {
        guard let s = try await db.scoped(to: p).find(StaffMember.self, id) else {
            throw Refusal.notFound("no such member of staff")
        }
        return s
    }

    /// Whether taking `role` away from, or deactivating, `s` would leave no active administrator.
    private static func isLastAdministrator(_ s: StaffMember, on db: any Database) async throws -> Bool {
        guard s.active, s.roles.contains(.admin) else { return false }
        let admins = try await db.scoped(to: s.organisationID).query(StaffMember.self).filter(\.$active == true).all()
            .filter { $0.roles.contains(.admin) }
        return admins.count <= 1
    }

    private static func request(
        _ role: Role,
        for staffID: UUID,
        by p: Principal,
        audit: AuditContext,
        now: Date,
        on db: any Database
    ) async throws -> RoleGrant {
        let grant = RoleGrant(
            organisationID: p.organisationID,
            staffID: staffID,
            role: role,
            requestedByID: p.staffID,
            requestedAt: RowDigest.storable(now)
        )
        let row = try Rewritable(grant)
        do {
            try await AuditLog.transaction(on: db, audit) { tx in
                try await row.save(on: tx)
                return (
                    (),
                    [
                        AuditEntry(
                            action: .roleRequested,
                            entity: "staff",
                            entityID: staffID.uuidString,
                            detail: role.rawValue
                        )
                    ]
                )
            }
        } catch  where error.isUniqueViolation {
            throw Refusal.conflict("that role is already waiting for a second administrator")
        }
        return grant
    }

    /// Sets someone's roles: those taken away go at once; those added are given at once, except the
    /// DSL's and an administrator's, which are asked of a second administrator.
    /// - Returns: the member of staff and the requests made.
    public static func changeRoles(
        of staffID: UUID,
        to roles: Set<Role>,
        for p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> (StaffMember, [RoleGrant]) {
        try administrator(p)
        let before = try await member(staffID, of: p, on: db)
        if before.roles.contains(.admin), !roles.contains(.admin), try await isLastAdministrator(before, on: db) {
            throw ValidationError(
                field: "roles",
                reason: "cannot lose the administrator's role: nobody else is an active administrator"
            )
        }
        let toRequest = roles.subtracting(before.roles).intersection(approvalRoles)
        let immediate = roles.subtracting(toRequest)
        var changed = before
        if immediate != before.roles {
            changed = try await AuditLog.transaction(on: db, audit) { tx in
                guard let s = try await tx.scoped(to: p).find(StaffMember.self, staffID) else {
                    throw Refusal.notFound("no such member of staff")
                }
                s.roles = immediate
                try await s.save(on: tx)
                return (
                    s,
                    [
                        AuditEntry(
                            action: .rolesChanged,
                            entity: "staff",
                            entityID: staffID.uuidString,
                            detail: s.rolesText
                        )
                    ]
                )
            }
        }
        var grants: [RoleGrant] = []
        for role in toRequest.sorted() {
            grants.append(try await request(role, for: staffID, by: p, audit: audit, now: now, on: db))
        }
        return (changed, grants)
    }

    /// A second administrator approves or refuses a request. Neither the administrator who asked nor
    /// the person it is for may decide it.
    public static func decide(
        _ grantID: UUID,
        approve: Bool,
        for p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> RoleGrant {
        try administrator(p)
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let g = try await tx.scoped(to: p).find(RoleGrant.self, grantID) else {
                throw Refusal.notFound("no such request")
            }
            guard g.decidedAt == nil else { throw Refusal.conflict("this request was already decided") }
            guard g.requestedByID != p.staffID, g.staffID != p.staffID else {
                throw Refusal.forbidden(
                    "a second administrator, not the one who asked nor the person it is for, decides it"
                )
            }
            g.decidedAt = RowDigest.storable(now)
            g.decidedByID = p.staffID
            g.approved = approve
            try await g.save(on: tx)
            if approve {
                guard let s = try await tx.scoped(to: p).find(StaffMember.self, g.staffID) else {
                    throw Refusal.notFound("no such member of staff")
                }
                s.roles.insert(g.role)
                try await s.save(on: tx)
            }
            return (
                g,
                [
                    AuditEntry(
                        action: approve ? .roleGranted : .roleRefused,
                        entity: "staff",
                        entityID: g.staffID.uuidString,
                        detail: g.role.rawValue
                    )
                ]
            )
        }
    }

    /// Requests waiting for a second administrator, oldest first.
    public static func pending(for p: Principal, on db: any Database) async throws -> [RoleGrant] {
        try administrator(p)
        return try await db.scoped(to: p).query(RoleGrant.self).filter(\.$decidedAt == nil).sort(\.$requestedAt).all()
    }

    /// Deactivates or reactivates an account. Deactivated staff cannot sign in, and their pages and
    /// tokens stop working at their next request. Nobody deactivates themselves or the last
    /// administrator.
    public static func setActive(
        _ staffID: UUID,
        _ active: Bool,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> StaffMember {
        try administrator(p)
        guard staffID != p.staffID || active else {
            throw Refusal.forbidden("you cannot deactivate your own account; ask another administrator")
        }
        let s = try await member(staffID, of: p, on: db)
        if !active, try await isLastAdministrator(s, on: db) {
            throw Refusal.conflict("this is the only active administrator")
        }
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let s = try await tx.scoped(to: p).find(StaffMember.self, staffID) else {
                throw Refusal.notFound("no such member of staff")
            }
            s.active = active
            try await s.save(on: tx)
            return (
                s,
                [
                    AuditEntry(
                        action: active ? .staffReactivated : .staffDeactivated,
                        entity: "staff",
                        entityID: staffID.uuidString
                    )
                ]
            )
        }
    }

    /// Sets a new password (already hashed) on someone's account.
    public static func resetPassword(
        _ staffID: UUID,
        hash: String,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws {
        try administrator(p)
        try await AuditLog.transaction(on: db, audit) { tx in
            guard let s = try await tx.scoped(to: p).find(StaffMember.self, staffID) else {
                throw Refusal.notFound("no such member of staff")
            }
            s.passwordHash = hash
            try await s.save(on: tx)
            return ((), [AuditEntry(action: .passwordReset, entity: "staff", entityID: staffID.uuidString)])
        }
    }
}
