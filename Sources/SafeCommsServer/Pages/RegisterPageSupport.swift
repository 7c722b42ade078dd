import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// What the register pages share: a case's header, staff names for "by whom" columns, and problems
/// as the error summary lists them.
extension RegisterPageController.CaseHeader {
    init(_ c: CaseFile, _ p: Principal) {
        self.init(
            id: c.id!.uuidString,
            reference: c.reference,
            name: c.displayName,
            status: PageController.statusLabel(c.status),
            canWrite: AccessPolicy.canWrite(p, c.allocation)
        )
    }
}

extension PageController {
    /// A form's problems, one line of the error summary each; nil for any other error, which the
    /// error middleware answers.
    static func fieldErrors(_ error: any Error) -> [FieldError]? {
        switch error {
        case let e as ValidationErrors: e.errors.map { FieldError(field: $0.field, message: sentence($0)) }
        case let e as ValidationError: [FieldError(field: e.field, message: sentence(e))]
        default: nil
        }
    }
}

extension Request {
    /// The names of the organisation's staff by id, for "recorded by" columns.
    func staffNames(_ p: Principal) async throws -> [UUID: String] {
        let all = try await StaffListing.all(of: p.organisationID, reader: application.sqliteReader, on: db)
        return Dictionary(all.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }
}
