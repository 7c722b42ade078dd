import Foundation
import SafeCommsCore

/// `POST /api/v1/checks`: the CLI's request, plus `case_id` to take the case, its people and its
/// consents from the store instead of from the caller.
struct CheckInput {
    var request: CheckRequest
    var caseID: UUID?

    init(json bytes: some Collection<UInt8>) throws(ValidationError) {
        let document = try CheckRequest.document(bytes)
        request = try CheckRequest(json: document, allowing: ["case_id"])
        guard case .object(let members) = document, let value = members.first(where: { $0.key == "case_id" })?.value,
            value != .null
        else { return }
        guard case .string(let raw) = value, let id = UUID(uuidString: raw) else {
            throw ValidationError(field: "case_id", reason: "is not a case id (a UUID)")
        }
        caseID = id
    }
}
