import Foundation
import SafeCommsCore

/// `POST /api/v1/checks`: the CLI's request, plus `case_id` to take the case, its people and its
/// consents from the store instead of from the caller.
struct CheckInput: Decodable {
    var request: CheckRequest
    var caseID: UUID?

    init(from decoder: any Decoder) throws {
        request = try CheckRequest(from: decoder, allowing: ["case_id"])
        let c = try decoder.container(keyedBy: Key.self)
        guard c.contains(.caseID), (try? c.decodeNil(forKey: .caseID)) == false else { return }
        guard let raw = try? c.decode(String.self, forKey: .caseID), let id = UUID(uuidString: raw) else {
            throw ValidationError(field: "case_id", reason: "is not a case id (a UUID)")
        }
        caseID = id
    }

    enum Key: String, CodingKey { case caseID = "case_id" }
}
