import FluentKit
import Foundation
import SafeCommsCore

/// The API tokens people hold: each person lists and revokes their own; an administrator sees every
/// token of the organisation and revokes any. Only a token's hash is stored, so no page can show a
/// token's value after it was made. Revoking is audited and takes effect on the token's next request
/// (`TokenLookup` has no cache).
public enum APITokenRegister {
    public struct View: Sendable {
        public var id: UUID
        public var staffID: UUID
        public var label: String
        /// nil: a scope this build does not know (it allows nothing).
        public var scope: TokenScope?
        public var createdAt: Date?
        public var expiresAt: Date?
        public var revokedAt: Date?

        init(_ t: APIToken) {
            id = t.id!
            staffID = t.staffID
            label = t.label
            scope = TokenScope(rawValue: t.scope)
            createdAt = t.createdAt
            expiresAt = t.$expiresAt.value
            revokedAt = t.revokedAt
        }

        public enum Status: Sendable { case current, expired, revoked }

        public func status(at now: Date) -> Status {
            if revokedAt != nil { return .revoked }
            return expiresAt.map { now < $0 } ?? false ? .current : .expired
        }
    }

    /// `p`'s own tokens, newest first.
    public static func mine(for p: Principal, on db: any Database) async throws -> [View] {
        try await APIToken.query(on: db).filter(\.$staffID == p.staffID).sort(\.$createdAt, .descending).all()
            .map(View.init)
    }

    /// Every token of `p`'s organisation, newest first: for administrators.
    /// - Throws: `Refusal.forbidden` for anyone else.
    public static func organisation(for p: Principal, on db: any Database) async throws -> [View] {
        guard AccessPolicy.can(p, .administer) else { throw Refusal.forbidden("for administrators") }
        let staff = try await db.scoped(to: p).query(StaffMember.self).all().compactMap(\.id)
        guard !staff.isEmpty else { return [] }
        return try await APIToken.query(on: db).filter(\.$staffID ~~ staff).sort(\.$createdAt, .descending).all()
            .map(View.init)
    }

    /// Revokes a token: `p`'s own, or, for an administrator, any of the organisation's.
    /// - Throws: `Refusal.notFound` for someone else's (or another organisation's), `Refusal.conflict`
    ///   when it was already revoked.
    public static func revoke(
        _ id: UUID,
        for p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> View {
        let admin = AccessPolicy.can(p, .administer)
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let token = try await APIToken.find(id, on: tx) else { throw Refusal.notFound("no such token") }
            let holder = try await tx.scoped(to: p).query(StaffMember.self).filter(\.$id == token.staffID).first()
            guard holder != nil, token.staffID == p.staffID || admin else {
                throw Refusal.notFound("no such token")
            }
            guard token.revokedAt == nil else { throw Refusal.conflict("this token was already revoked") }
            token.revokedAt = RowDigest.storable(now)
            try await token.save(on: tx)
            let event = AuditEntry(
                action: .tokenRevoked,
                entity: "api_token",
                entityID: id.uuidString,
                detail: "of staff \(token.staffID)"
            )
            return (View(token), [event])
        }
    }
}
