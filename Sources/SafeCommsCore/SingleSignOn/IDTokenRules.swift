import Foundation

/// What an ID token must say before anyone is signed in with it (OpenID Connect Core §3.1.3.7), once
/// its signature has been checked against the provider's keys: who issued it, whom it is for, that it
/// is still in date, and that it answers the sign-in this browser started (its nonce).
public enum IDTokenRules {
    /// The claims read from a token whose signature is good.
    public struct Claims: Sendable, Equatable {
        public var issuer: String
        public var audience: [String]
        public var expiresAt: Date
        public var issuedAt: Date?
        public var nonce: String?
        /// The value of the claim that names the person (`email` unless configured otherwise).
        public var name: String?
        /// `email_verified`, when the provider says.
        public var emailVerified: Bool?

        public init(
            issuer: String,
            audience: [String],
            expiresAt: Date,
            issuedAt: Date?,
            nonce: String?,
            name: String?,
            emailVerified: Bool? = nil
        ) {
            self.issuer = issuer
            self.audience = audience
            self.expiresAt = expiresAt
            self.issuedAt = issuedAt
            self.nonce = nonce
            self.name = name
            self.emailVerified = emailVerified
        }
    }

    /// Why a token was refused, in words for the sign-in page and the audit trail.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case otherIssuer
        case notForUs
        case expired
        case issuedInTheFuture
        case nonceMismatch
        case noName(claim: String)
        /// The person is named by an e-mail address the provider says it has not verified: anyone
        /// could have typed it, another council's DSL's included.
        case unverifiedEmail

        /// In words for the page a person sees (without the claim's technical name).
        public var forPage: String {
            switch self {
            case .noName: "the identity provider did not say who you are"
            default: description
            }
        }

        public var description: String {
            switch self {
            case .otherIssuer: "the sign-in came from a different identity provider"
            case .notForUs: "the sign-in was meant for a different service"
            case .expired: "the sign-in had expired"
            case .issuedInTheFuture: "the sign-in was dated in the future"
            case .nonceMismatch: "the sign-in did not answer the one started in this browser"
            case .noName(let claim): "the identity provider did not say who you are (no \(claim))"
            case .unverifiedEmail: "the identity provider has not checked that the e-mail address is yours"
            }
        }
    }

    /// Clocks a little apart are tolerated this much.
    public static let leeway: TimeInterval = 60

    /// The person's name for SafeComms (the configured claim's value, lower-cased), or why not.
    public static func check(
        _ claims: Claims,
        issuer: String,
        clientID: String,
        nonce: String,
        claim: String,
        now: Date
    ) throws(Refusal) -> String {
        // Exactly the issuer the discovery document named (OpenID Connect Discovery §4.3).
        guard claims.issuer == issuer else { throw .otherIssuer }
        guard claims.audience.contains(clientID) else { throw .notForUs }
        guard now.timeIntervalSince(claims.expiresAt) < leeway else { throw .expired }
        if let iat = claims.issuedAt, iat.timeIntervalSince(now) > leeway { throw .issuedInTheFuture }
        // Compared in full: the nonce is single-use, kept only in the session that started the sign-in.
        guard let n = claims.nonce, !nonce.isEmpty, n == nonce else { throw .nonceMismatch }
        guard let name = claims.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw .noName(claim: claim)
        }
        if claim == "email", claims.emailVerified == false { throw .unverifiedEmail }
        return name.lowercased()
    }
}
