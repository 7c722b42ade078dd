import Foundation
import JWTKit

/// An ID token's payload as SafeComms reads it: the registered claims it checks, and every claim whose
/// value is a string, since which one names the person is the council's choice (`OIDCSettings.claim`).
struct IDTokenPayload: JWTPayload {
    var issuer: IssuerClaim
    var audience: AudienceClaim
    var expiration: ExpirationClaim
    var issuedAt: IssuedAtClaim?
    var nonce: String?
    /// `email_verified` (OpenID Connect Core §5.1), as a boolean or, from some providers, its text.
    var emailVerified: Bool?
    var strings: [String: String]

    private enum Registered: String, CodingKey {
        case issuer = "iss", audience = "aud", expiration = "exp", issuedAt = "iat", nonce
        case emailVerified = "email_verified"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Registered.self)
        issuer = try c.decode(IssuerClaim.self, forKey: .issuer)
        audience = try c.decode(AudienceClaim.self, forKey: .audience)
        expiration = try c.decode(ExpirationClaim.self, forKey: .expiration)
        issuedAt = try c.decodeIfPresent(IssuedAtClaim.self, forKey: .issuedAt)
        nonce = try c.decodeIfPresent(String.self, forKey: .nonce)
        emailVerified =
            (try? c.decodeIfPresent(Bool.self, forKey: .emailVerified))
            ?? (try? c.decodeIfPresent(String.self, forKey: .emailVerified)).flatMap { Bool($0.lowercased()) }
        let all = try decoder.container(keyedBy: AnyKey.self)
        var strings: [String: String] = [:]
        for key in all.allKeys {
            if let s = try? all.decode(String.self, forKey: key) { strings[key.stringValue] = s }
        }
        self.strings = strings
    }

    func encode(to encoder: any Encoder) throws {
        var all = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in strings { try all.encode(v, forKey: AnyKey(stringValue: k)) }
        var c = encoder.container(keyedBy: Registered.self)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(audience, forKey: .audience)
        try c.encode(expiration, forKey: .expiration)
        try c.encodeIfPresent(issuedAt, forKey: .issuedAt)
        try c.encodeIfPresent(nonce, forKey: .nonce)
        try c.encodeIfPresent(emailVerified, forKey: .emailVerified)
    }

    /// Nothing here: the claims are checked by `IDTokenRules` with what only the request knows (the
    /// nonce this browser was given, the issuer discovery named, the time).
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
