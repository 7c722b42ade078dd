import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

extension Request {
    /// The signed-in member of staff, or 401.
    func staff() throws -> StaffMember {
        guard let staff = auth.get(StaffMember.self) else { throw Abort(.unauthorized, reason: "sign in required") }
        return staff
    }

    /// The signed-in member of staff as the access rules see them (loaded once per request).
    func principal() async throws -> Principal {
        if let p = storage[PrincipalKey.self] { return p }
        let p = try await staff().principal(on: db)
        storage[PrincipalKey.self] = p
        return p
    }

    /// Who is acting and from where, for the audit trail.
    func auditContext() throws -> AuditContext {
        let staff = try staff()
        return application.auditContext(organisationID: staff.organisationID, actorID: staff.id, source: clientAddress)
    }

    /// The client's address as the server saw it (a proxy's address when behind one).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// Refuses with 403 unless the principal holds `permission`.
    func require(_ permission: Permission) async throws -> Principal {
        let p = try await principal()
        guard AccessPolicy.can(p, permission) else { throw Abort(.forbidden, reason: "your role does not allow this") }
        return p
    }
}
