import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

extension Request {
    /// Creates a row with its audit event, attributed to the signed-in member of staff. When a unique
    /// constraint refuses it, `duplicate` names the field and says why.
    func createAudited<M: Model & Sendable>(
        _ model: M,
        _ entry: AuditEntry,
        duplicate: ValidationError? = nil
    ) async throws where M.IDValue == UUID {
        do {
            try await AuditLog.create(model, entry, try auditContext(), on: db)
        } catch  where error.isUniqueViolation && duplicate != nil {
            throw duplicate!
        }
    }

    /// Records an event that changes nothing else (a read of a case, a check), attributed to the
    /// signed-in member of staff, through the group commit: it returns once the event is committed.
    func audit(_ entries: AuditEntry...) async throws {
        let context = try auditContext()
        for e in entries { try await application.auditBatcher.record(e, context) }
    }
}
