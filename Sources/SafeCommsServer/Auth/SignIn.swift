import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Password sign-in with throttling, shared by the sign-in page and anything else that signs in.
enum SignIn {
    enum Failure: Error {
        case wrongCredentials
        case throttled(retryAfter: Int)
    }

    /// How long a page session lasts, however active: a shared office PC must not stay signed in overnight.
    static let sessionLifetime: TimeInterval = 8 * 3600
    static let signedInAtKey = "signed_in_at"

    /// - Throws: `Failure` for a wrong or throttled attempt; other errors when the store fails.
    static func attempt(email: String, password: String, on req: Request) async throws -> StaffMember {
        let throttle = req.application.loginThrottle
        let emailKey = "email:" + email.lowercased(), addressKey = "ip:" + req.clientAddress
        if let wait = await throttle.retryAfter(keys: [emailKey, addressKey]) {
            throw Failure.throttled(retryAfter: wait)
        }
        // Counted before the slow check, so a burst of parallel guesses cannot all slip under the limit.
        await throttle.fail(keys: [emailKey, addressKey])
        let staff = try await StaffMember.query(on: req.db).filter(\.$email == email.lowercased()).first()
        // An unknown account is checked against a hash of the same cost, so timing does not reveal which
        // e-mails exist. A password longer than bcrypt reads cannot be anyone's (`PasswordRules`): it is
        // checked against that hash too, and fails, so its first 72 bytes alone never sign anyone in.
        let tooLong = password.utf8.count > PasswordRules.maximumBytes
        let hash =
            tooLong ? req.application.dummyPasswordHash : staff?.passwordHash ?? req.application.dummyPasswordHash
        let matches = (try? await req.password.async.verify(password, created: hash)) ?? false
        let ok = matches && !tooLong
        guard ok, let staff, staff.active else {
            try await req.application.auditBatcher.record(
                AuditEntry(action: .signInFailed, entity: "session"),
                req.application.auditContext(organisationID: staff?.organisationID, source: req.clientAddress)
            )
            throw Failure.wrongCredentials
        }
        // Signing in to one's own account must not reset the count of an address guessing at others.
        await throttle.succeed(account: emailKey, address: addressKey)
        try await req.application.auditBatcher.record(
            AuditEntry(action: .signedIn, entity: "session"),
            req.application.auditContext(
                organisationID: staff.organisationID,
                actorID: staff.id,
                source: req.clientAddress
            )
        )
        return staff
    }
}

struct DummyPasswordHashKey: StorageKey {
    typealias Value = String
}

extension Application {
    var dummyPasswordHash: String { storage[DummyPasswordHashKey.self] ?? "" }
}
