import FluentKit
import Foundation
import SafeCommsCore

/// The second factor at sign-in with a password (`SecondFactorRule`): codes from an authenticator app
/// (TOTP, RFC 6238), set up by the person themself, and ten single-use recovery codes for when the app
/// is lost. An administrator resets a person's factor (audited, and the person told by e-mail); they
/// set up a new one when they next sign in.
///
/// Checking a code runs inside an audited transaction, which takes the audit chain's lock first
/// (`AuditLog`): two sign-ins racing with the same code are decided one after the other, so a code,
/// or a recovery code, signs in once.
public enum SecondFactors {
    public enum State: Sendable, Equatable {
        case none
        /// Shown a secret, not yet proved their app makes its codes.
        case settingUp
        case enrolled
    }

    public static func state(of staffID: UUID, on db: any Database) async throws -> State {
        guard let f = try await SecondFactor.find(staffID, on: db) else { return .none }
        return f.enrolledAt == nil ? .settingUp : .enrolled
    }

    /// What a person's account page and an administrator say about their second factor.
    public struct Summary: Sendable, Equatable {
        public var state: State
        public var enrolledAt: Date?
        public var recoveryCodesLeft: Int
    }

    public static func summary(of staffID: UUID, on db: any Database) async throws -> Summary {
        guard let f = try await SecondFactor.find(staffID, on: db), let at = f.enrolledAt else {
            return Summary(state: try await state(of: staffID, on: db), enrolledAt: nil, recoveryCodesLeft: 0)
        }
        let left = try await RecoveryCode.query(on: db).filter(\.$staffID == staffID).filter(\.$usedAt == nil).count()
        return Summary(state: .enrolled, enrolledAt: at, recoveryCodesLeft: left)
    }

    /// The authenticator being set up: the one already shown, so a page reloaded shows the same
    /// secret, or a new one.
    /// - Throws: `Refusal.conflict` when the person already has one (an administrator resets it first).
    public static func setUp(for staffID: UUID, organisationID: UUID, on db: any Database) async throws -> TOTP {
        if let f = try await SecondFactor.find(staffID, on: db) {
            guard f.enrolledAt == nil else { throw Refusal.conflict("an authenticator is already set up") }
            if let secret = f.secret { return TOTP(secret: secret) }
            // Sealed under a key this server no longer has: start again.
            try await f.delete(on: db)
        }
        let secret = TOTP.newSecret()
        do {
            try await WriteTransaction.run(on: db) { tx in
                try await SecondFactor(staffID: staffID, organisationID: organisationID, secret: secret).create(on: tx)
            }
            return TOTP(secret: secret)
        } catch  where error.isUniqueViolation {
            // The same person opened the page twice at once: both show the secret stored first.
            return try await setUp(for: staffID, organisationID: organisationID, on: db)
        }
    }

    /// Finishes setting up: `code` must be one the app makes now for the secret shown. Returns the ten
    /// recovery codes, to be shown once (only their digests are kept); nil when the code is not right.
    /// - Parameter signingIn: set up half-way through signing in (after the password), so the code
    ///   also signs the person in, and that is recorded with its route.
    /// - Throws: `Refusal.conflict` when there is nothing being set up (finished in another window, or reset).
    public static func confirm(
        staffID: UUID,
        code: String,
        signingIn: Bool = false,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> [String]? {
        let codes = RecoveryCodes.make()
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let f = try await SecondFactor.find(staffID, on: tx), f.enrolledAt == nil, let secret = f.secret
            else {
                throw Refusal.conflict("there is no authenticator being set up: sign in again to start")
            }
            guard case .accepted(let step) = TOTP(secret: secret).verify(code, at: now, lastUsedStep: nil) else {
                return (nil, [AuditEntry(action: .factorFailed, entity: "staff", entityID: staffID.uuidString)])
            }
            f.enrolledAt = RowDigest.storable(now)
            f.lastStep = step
            try await f.save(on: tx)
            try await RecoveryCode.query(on: tx).filter(\.$staffID == staffID).delete()
            for c in codes { try await RecoveryCode(staffID: staffID, digest: RecoveryCodes.digest(c)).create(on: tx) }
            // Set up from their account, already signed in, it is not a sign-in of its own.
            let enrolled = AuditEntry(action: .factorEnrolled, entity: "staff", entityID: staffID.uuidString)
            let signedIn = AuditEntry(action: .signedIn, entity: "session", detail: "password and authenticator")
            return (codes, signingIn ? [enrolled, signedIn] : [enrolled])
        }
    }

    public enum Outcome: Sendable, Equatable {
        case accepted
        /// A recovery code, now used; `left` of the ten remain.
        case acceptedRecoveryCode(left: Int)
        /// The authenticator's code was right but has already signed someone in: wait for the next.
        case reused
        /// Not the authenticator's code now, nor an unused recovery code.
        case wrong
    }

    /// Checks a code typed at sign-in: the authenticator's code (once each), or an unused recovery
    /// code. Audited either way: signing in names its route, a wrong or reused code is recorded.
    public static func verify(
        staffID: UUID,
        typed: String,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> Outcome {
        let failed = AuditEntry(action: .factorFailed, entity: "staff", entityID: staffID.uuidString)
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let f = try await SecondFactor.find(staffID, on: tx), f.enrolledAt != nil, let secret = f.secret
            else {
                return (.wrong, [failed])
            }
            if RecoveryCodes.looksLikeOne(typed) {
                let unused = try await RecoveryCode.query(on: tx).filter(\.$staffID == staffID).filter(\.$usedAt == nil)
                    .all()
                guard let code = unused.first(where: { $0.digest == RecoveryCodes.digest(typed) }) else {
                    return (.wrong, [failed])
                }
                code.usedAt = RowDigest.storable(now)
                try await code.save(on: tx)
                return (
                    .acceptedRecoveryCode(left: unused.count - 1),
                    [
                        AuditEntry(action: .recoveryCodeUsed, entity: "staff", entityID: staffID.uuidString),
                        AuditEntry(action: .signedIn, entity: "session", detail: "password and recovery code"),
                    ]
                )
            }
            switch TOTP(secret: secret).verify(typed, at: now, lastUsedStep: f.lastStep) {
            case .accepted(let step):
                f.lastStep = step
                try await f.save(on: tx)
                return (
                    .accepted, [AuditEntry(action: .signedIn, entity: "session", detail: "password and authenticator")]
                )
            case .reused: return (.reused, [failed])
            case .wrong: return (.wrong, [failed])
            }
        }
    }

    /// An administrator clears a person's authenticator and recovery codes. The person sets up a new
    /// one when they next sign in, and is told by e-mail (no other details in it).
    /// - Throws: `Refusal.forbidden` for anyone but an administrator, `.notFound` for someone outside
    ///   their organisation, `.conflict` when there is nothing to reset.
    public static func reset(
        staffID: UUID,
        by p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws {
        guard AccessPolicy.can(p, .administer) else { throw Refusal.forbidden("for administrators") }
        try await AuditLog.transaction(on: db, audit) { tx in
            guard let staff = try await tx.scoped(to: p).query(StaffMember.self).filter(\.$id == staffID).first() else {
                throw Refusal.notFound("no such member of staff")
            }
            // Only one in use: someone half-way through setting one up simply starts again.
            guard let f = try await SecondFactor.find(staffID, on: tx), f.enrolledAt != nil else {
                throw Refusal.conflict("\(staff.name) has no authenticator to reset")
            }
            try await RecoveryCode.query(on: tx).filter(\.$staffID == staffID).delete()
            try await f.delete(on: tx)
            let email = Notification(
                organisationID: p.organisationID,
                staffID: staffID,
                recipient: staff.email,
                subject: "Your SafeComms authenticator was reset",
                body: """
                    An administrator has reset the authenticator you use to sign in to SafeComms, and your
                    recovery codes no longer work.

                    The next time you sign in, you will be asked to set up an authenticator app again.

                    If you did not ask for this, tell your manager or your IT service desk.
                    """,
                urgent: false,
                now: now
            )
            email.id = UUID()
            try await email.create(on: tx)
            return (
                (),
                [
                    AuditEntry(action: .factorReset, entity: "staff", entityID: staffID.uuidString),
                    AuditEntry(action: .notificationQueued, entity: "notification", entityID: email.id?.uuidString),
                ]
            )
        }
    }
}
