import Foundation
import SafeCommsCore

/// `POST /api/v1/checks`: the CLI's request, plus `case_id` to take the case, its people and its
/// consents from the store instead of from the caller.
struct CheckInput {
    var request: CheckRequest
    var caseID: UUID?
    /// A device in the register: its kind and WhatsApp state replace the request's `device`.
    var deviceID: UUID?

    init(json bytes: some Collection<UInt8>) throws(ValidationError) {
        let document = try CheckRequest.document(bytes)
        request = try CheckRequest(json: document, allowing: ["case_id", "device_id"])
        guard case .object(let members) = document else { return }
        caseID = try Self.id(members, "case_id", "a case id")
        deviceID = try Self.id(members, "device_id", "a device id")
    }

    private static func id(
        _ members: [JSONMember],
        _ key: String,
        _ what: String
    )
        throws(ValidationError) -> UUID?
    {
        guard let value = members.first(where: { $0.key == key })?.value, value != .null else { return nil }
        guard case .string(let raw) = value, let id = UUID(uuidString: raw) else {
            throw ValidationError(field: key, reason: "is not \(what) (a UUID)")
        }
        return id
    }
}
