import Foundation
import Testing

@testable import SafeCommsCore

/// GOV.UK Notify's API key and the token each request carries. The token's bytes are checked against
/// one made by Python's `hmac` from the same header and claims; `.ci/run` also checks a token the
/// binary signs with `notifications-python-client`'s own `decode_jwt_token`.
@Suite struct NotifyKeyTests {
    static let serviceID = "26785a09-ab16-4eb0-8407-a37497a57506"
    static let secret = "3d844edf-8d35-48ac-975b-e847b4f122b0"

    @Test func theKeysNameMayHoldHyphensAndTheLastTwoPartsAreServiceAndSecret() throws {
        let key = try NotifyKey(parsing: "safecomms-live-north-\(Self.serviceID)-\(Self.secret)", field: "key")
        #expect(key.serviceID == Self.serviceID && key.secret == Self.secret)
        #expect(throws: ValidationError.self) { try NotifyKey(parsing: "not-a-key", field: "key") }
        #expect(throws: ValidationError.self) {
            try NotifyKey(parsing: "name-\(Self.serviceID)-not-a-uuid-at-all-but-thirty-six-ch", field: "key")
        }
    }

    @Test func theTokenIsAnHS256JWTOfServiceAndTime() throws {
        let key = try NotifyKey(parsing: "k-\(Self.serviceID)-\(Self.secret)", field: "key")
        let token = key.token(now: Date(timeIntervalSince1970: 1_700_000_000))
        // Made with Python's hmac and base64 from {"typ":"JWT","alg":"HS256"} and the same claims.
        #expect(
            token
                == "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiIyNjc4NWEwOS1hYjE2LTRlYjAtODQwNy1hMzc0OTdhNTc1MDYiLCJpYXQiOjE3MDAwMDAwMDB9.q1v0ZBAPOtT5-Ng39fZDm8ojJu-wrEQD-OrsVHHKnIM"
        )
        #expect(key.token(now: Date(timeIntervalSince1970: 1_700_000_001)) != token, "a fresh token each second")
    }
}
