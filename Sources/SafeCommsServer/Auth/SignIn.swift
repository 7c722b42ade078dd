import Fluent
import SafeCommsStore
import Vapor

/// Password sign-in with throttling, shared by the sign-in page and anything else that signs in.
enum SignIn {
    enum Failure: Error {
        case wrongCredentials
        case throttled(retryAfter: Int)
    }

    static func attempt(email: String, password: String, on req: Request) async throws(Failure) -> StaffMember {
        let throttle = req.application.loginThrottle
        let keys = ["email:" + email.lowercased(), "ip:" + req.clientAddress]
        if let wait = await throttle.retryAfter(keys: keys) { throw .throttled(retryAfter: wait) }
        let staff = try? await StaffMember.query(on: req.db).filter(\.$email == email.lowercased()).first()
        // Verify against a dummy hash when the account is unknown so timing does not reveal which e-mails exist.
        let hash = staff?.passwordHash ?? "$2b$12$C6UzMDM.H6dfI/f/IKcEe.6yp6Cg4Lx0LUp9QGNqYVC1ToQ1F9Zdy"
        let ok = (try? await req.password.async.verify(password, created: hash)) ?? false
        guard ok, let staff, staff.active else {
            await throttle.fail(keys: keys)
            try? await AuditLog.record([AuditEntry(action: "auth.failed", entity: "session")], AuditContext(organisationID: staff?.organisationID, actorID: nil, source: req.clientAddress), on: req.db)
            throw .wrongCredentials
        }
        await throttle.succeed(keys: keys)
        try? await AuditLog.record([AuditEntry(action: "auth.signed_in", entity: "session")], AuditContext(organisationID: staff.organisationID, actorID: staff.id, source: req.clientAddress), on: req.db)
        return staff
    }
}
