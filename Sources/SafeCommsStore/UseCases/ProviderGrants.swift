import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// Sign-in through the council's identity provider, and leaving the council. A person is signed in
/// only as the active member of staff whose e-mail address the provider names (nobody is made on the
/// fly). The refresh token the provider gave is kept (sealed), and asked again every few minutes:
/// when the provider refuses it (the council disabled the account, or ended its sign-ins), every
/// session and API token of that person ends at once, without waiting for their next sign-in, and a
/// SafeComms password no longer signs them in until the provider does again.
public enum ProviderGrants {
    /// The active member of staff of `organisationID` (the provider's council) whom `email` names.
    public static func member(
        email: String,
        organisationID: UUID,
        on db: any Database
    ) async throws -> StaffMember? {
        guard let staff = try await StaffMember.query(on: db).filter(\.$email == email).first(), staff.active,
            staff.organisationID == organisationID
        else { return nil }
        return staff
    }

    /// The provider has just signed `staffID` in: keeps its refresh token in place of any before, and
    /// lifts a refusal. Without a refresh token there is nothing to ask later, and no refusal stands.
    public static func signedIn(
        _ staffID: UUID,
        refreshToken: String?,
        now: Date = Date(),
        on db: any Database
    ) async throws {
        guard let refreshToken else {
            try await ProviderGrant.query(on: db).filter(\.$id == staffID).delete()
            return
        }
        if try await replace(staffID, refreshToken, now, on: db) { return }
        do {
            try await ProviderGrant(staffID: staffID, refreshToken: refreshToken, at: now).create(on: db)
        } catch {
            // The same person signing in in another window at the same moment made the row first.
            guard try await replace(staffID, refreshToken, now, on: db) else { throw error }
        }
    }

    private static func replace(
        _ staffID: UUID,
        _ token: String,
        _ now: Date,
        on db: any Database
    ) async throws
        -> Bool
    {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        return try await !sql.update(ProviderGrant.schema)
            .set(SQLIdentifier("refresh_token"), to: SQLBind(DataKeys.seal(token)))
            .set(SQLIdentifier("checked_at"), to: SQLBind(now))
            .set(SQLIdentifier("round"), to: SQLBinaryExpression(SQLIdentifier("round"), .add, SQLLiteral.numeric("1")))
            .set(SQLIdentifier("refused_at"), to: SQLLiteral.null)
            .where("id", .equal, SQLBind(staffID))
            .returning("id").all().isEmpty
    }

    /// What an administrator's page says of a person and the identity provider: nil when they have not
    /// signed in through it (or it gave no refresh token).
    public struct Summary: Sendable, Equatable {
        public var checkedAt: Date
        public var refusedAt: Date?
    }

    public static func summary(of staffID: UUID, on db: any Database) async throws -> Summary? {
        try await ProviderGrant.find(staffID, on: db).map { Summary(checkedAt: $0.checkedAt, refusedAt: $0.refusedAt) }
    }

    /// Whether the provider refused `staffID` at its last check and has not signed them in since.
    public static func isRefused(_ staffID: UUID, on db: any Database) async throws -> Bool {
        try await ProviderGrant.query(on: db).filter(\.$id == staffID).filter(\.$refusedAt != nil).count() > 0
    }

    /// A grant a server has claimed to ask the provider about: nobody else asks with it meanwhile.
    public struct Claimed: Sendable {
        public var staffID: UUID
        public var refreshToken: String
        /// The row's round once claimed; a later sign-in moves it on.
        public var round: Int64
    }

    /// Claims every grant last asked about before `checkedBefore`, at most `limit`, oldest first.
    public static func claimDue(
        checkedBefore: Date,
        limit: Int = 200,
        now: Date = Date(),
        on db: any Database
    )
        async throws -> [Claimed]
    {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let due = try await ProviderGrant.query(on: db).filter(\.$refusedAt == nil)
            .filter(\.$checkedAt < checkedBefore).sort(\.$checkedAt)
            .limit(limit).all()
        var claimed: [Claimed] = []
        for grant in due {
            let id = try grant.requireID()
            let won = try await sql.update(ProviderGrant.schema)
                .set(SQLIdentifier("checked_at"), to: SQLBind(now))
                .set(SQLIdentifier("round"), to: SQLBind(grant.round + 1))
                .where("id", .equal, SQLBind(id)).where("round", .equal, SQLBind(grant.round))
                .returning("id").all()
            if !won.isEmpty {
                claimed.append(Claimed(staffID: id, refreshToken: grant.refreshToken, round: grant.round + 1))
            }
        }
        return claimed
    }

    /// The provider still accepts the person; it may have given a new refresh token in place of the old.
    public static func accepted(_ c: Claimed, newToken: String?, on db: any Database) async throws {
        guard let newToken, let sql = db as? any SQLDatabase else { return }
        try await sql.update(ProviderGrant.schema)
            .set(SQLIdentifier("refresh_token"), to: SQLBind(DataKeys.seal(newToken)))
            .where("id", .equal, SQLBind(c.staffID)).where("round", .equal, SQLBind(c.round))
            .run()
    }

    /// The provider refused the person's refresh token: unless they signed in again since it was
    /// claimed, every session and API token of theirs ends, in one audited transaction, and the grant
    /// is marked refused (`isRefused`).
    /// - Returns: whether anything was ended.
    @discardableResult
    public static func refused(
        _ c: Claimed,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    )
        async throws -> Bool
    {
        guard let staff = try await StaffMember.find(c.staffID, on: db) else { return false }
        var context = audit
        context.organisationID = staff.organisationID
        return try await AuditLog.transaction(on: db, context) { tx -> (Bool, [AuditEntry]) in
            guard let sql = tx as? any SQLDatabase else { throw SQLRequired() }
            let gone = try await sql.update(ProviderGrant.schema)
                .set(SQLIdentifier("refused_at"), to: SQLBind(RowDigest.storable(now)))
                .where("id", .equal, SQLBind(c.staffID)).where("round", .equal, SQLBind(c.round))
                .where(SQLIdentifier("refused_at"), .is, SQLLiteral.null)
                .returning("id").all()
            guard !gone.isEmpty else { return (false, []) }
            try await SignedInSession.deleteAll(of: c.staffID, on: tx)
            let revoked = try await APIToken.query(on: tx).filter(\.$staffID == c.staffID).filter(\.$revokedAt == nil)
                .count()
            try await APIToken.query(on: tx).filter(\.$staffID == c.staffID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: RowDigest.storable(now)).update()
            return (
                true,
                [
                    AuditEntry(
                        action: .providerRefused,
                        entity: "staff",
                        entityID: c.staffID.uuidString,
                        detail: "every session ended and \(revoked) API token\(revoked == 1 ? "" : "s") revoked"
                    )
                ]
            )
        }
    }
}
