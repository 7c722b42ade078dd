import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636), S256: the verifier stays in the signing-in session and the
/// provider is sent only its digest, so an authorization code caught on its way back is useless to
/// whoever caught it.
public struct PKCE: Sendable, Equatable {
    public static let method = "S256"
    public let verifier: String
    public var challenge: String { Self.challenge(for: verifier) }

    public init(verifier: String) { self.verifier = verifier }

    /// A new verifier: 32 random bytes as unpadded base64url, 43 characters (RFC 7636 §4.1).
    public static func make() -> PKCE { PKCE(verifier: randomToken()) }

    /// BASE64URL(SHA256(verifier)), unpadded (RFC 7636 §4.2).
    public static func challenge(for verifier: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// 32 random bytes as unpadded base64url: a verifier, a `state` or a `nonce`.
    public static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return base64URL(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) }))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
