import Crypto
import Foundation

/// A GOV.UK Notify API key, `{key name}-{service id}-{secret}`: the service id and the secret are the
/// last two UUIDs, whatever the key's name holds (it may have hyphens of its own).
public struct NotifyKey: Sendable, Equatable {
    public var serviceID: String
    public var secret: String

    /// - Throws: `ValidationError` naming `field` when it is not in Notify's form.
    public init(parsing key: String, field: String) throws(ValidationError) {
        let text = key.trimmingCharacters(in: .whitespacesAndNewlines)
        let chars = Array(text)
        guard chars.count > 74, chars[chars.count - 74] == "-", chars[chars.count - 37] == "-" else {
            throw ValidationError(
                field: field,
                reason: "is not a GOV.UK Notify API key: its name, then the service id and the secret, each a UUID"
            )
        }
        let service = String(chars[(chars.count - 73)..<(chars.count - 37)])
        let secret = String(chars[(chars.count - 36)...])
        guard UUID(uuidString: service) != nil, UUID(uuidString: secret) != nil else {
            throw ValidationError(
                field: field,
                reason: "is not a GOV.UK Notify API key: its last two parts must be the service id and the secret"
            )
        }
        serviceID = service
        self.secret = secret
    }

    /// The bearer token for one request: a JWT `{"typ":"JWT","alg":"HS256"}` with `iss` the service
    /// id and `iat` now in whole seconds, signed with the secret. Notify refuses one more than 30
    /// seconds from its own clock, so a fresh one goes with each request.
    public func token(now: Date = Date()) -> String {
        let header = Self.base64URL(Array(#"{"typ":"JWT","alg":"HS256"}"#.utf8))
        let claims = Self.base64URL(
            Array(#"{"iss":"\#(serviceID)","iat":\#(Int(now.timeIntervalSince1970))}"#.utf8)
        )
        let signed = header + "." + claims
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(signed.utf8),
            using: SymmetricKey(data: Array(secret.utf8))
        )
        return signed + "." + Self.base64URL(Array(mac))
    }

    /// Base64 with `-` and `_`, no padding (RFC 7515 §2).
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
