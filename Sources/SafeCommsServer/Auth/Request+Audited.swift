import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

extension Request {
    /// Creates a row with its audit event, attributed to the signed-in member of staff. When a unique
    /// constraint refuses it, `duplicate` names the field and says why.
    func createAudited<M: Model & Sendable>(_ model: M, _ entry: AuditEntry, duplicate: ValidationError? = nil) async throws {
        do {
            try await AuditLog.create(model, entry, try auditContext(), on: db)
        } catch where error.isUniqueViolation && duplicate != nil {
            throw duplicate!
        }
    }
}
