import Foundation

/// Sign-in through the council's own identity provider (OpenID Connect): where it is, who SafeComms
/// is to it, which claim names a person, and what the sign-in page calls it.
public struct OIDCSettings: Sendable, Equatable {
    /// The provider's issuer (`SAFECOMMS_OIDC_ISSUER`); its discovery document is read from
    /// `{issuer}/.well-known/openid-configuration`.
    public var issuer: String
    public var clientID: String
    public var clientSecret: String
    /// The ID token's claim that names a member of staff, matched against their e-mail address
    /// (`SAFECOMMS_OIDC_CLAIM`, default `email`).
    public var claim: String
    /// What the sign-in page offers: "Sign in with {name}" (`SAFECOMMS_OIDC_NAME`).
    public var name: String
    /// The council whose provider it is (`SAFECOMMS_OIDC_ORGANISATION`, its id): only its staff sign in
    /// through it. Required: a provider names people by claims its own administrators can set, so it
    /// must never sign in anyone of another organisation kept in the same SafeComms.
    public var organisationID: UUID
    /// Where the provider sends people back: `{SAFECOMMS_PUBLIC_URL}/auth/oidc/callback`.
    public var redirectURI: String
    /// How often the provider is asked whether it still accepts each person signed in through it
    /// (`SAFECOMMS_OIDC_CHECK_MINUTES`, default 5): a leaver's sessions and tokens end within this.
    public var checkEvery: TimeInterval

    public init(
        issuer: String,
        clientID: String,
        clientSecret: String,
        claim: String = "email",
        name: String = "your council account",
        organisationID: UUID,
        redirectURI: String,
        checkEvery: TimeInterval = 300
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.claim = claim
        self.name = name
        self.organisationID = organisationID
        self.redirectURI = redirectURI
        self.checkEvery = checkEvery
    }

    /// The settings from the environment, nil when no issuer is set, or why they cannot be used.
    static func fromEnvironment(_ env: [String: String], publicURL: String) -> Result<OIDCSettings?, Problem> {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let issuer = value("SAFECOMMS_OIDC_ISSUER") else { return .success(nil) }
        guard let id = value("SAFECOMMS_OIDC_CLIENT_ID") else {
            return .failure(Problem("SAFECOMMS_OIDC_ISSUER is set, so SAFECOMMS_OIDC_CLIENT_ID is needed too"))
        }
        guard let secret = value("SAFECOMMS_OIDC_CLIENT_SECRET") else {
            return .failure(Problem("SAFECOMMS_OIDC_ISSUER is set, so SAFECOMMS_OIDC_CLIENT_SECRET is needed too"))
        }
        guard let text = value("SAFECOMMS_OIDC_ORGANISATION") else {
            return .failure(
                Problem(
                    "SAFECOMMS_OIDC_ISSUER is set, so SAFECOMMS_OIDC_ORGANISATION is needed too: the id of the organisation whose staff sign in through it (an administrator sees it on the organisation settings page)"
                )
            )
        }
        guard let organisation = UUID(uuidString: text) else {
            return .failure(
                Problem(
                    "SAFECOMMS_OIDC_ORGANISATION is an organisation's id, as the organisation settings page shows it"
                )
            )
        }
        var minutes = 5.0
        if let text = value("SAFECOMMS_OIDC_CHECK_MINUTES") {
            guard let m = Double(text), m > 0, m <= 24 * 60 else {
                return .failure(
                    Problem("SAFECOMMS_OIDC_CHECK_MINUTES is a number of minutes, more than 0 and at most 1440")
                )
            }
            minutes = m
        }
        return .success(
            OIDCSettings(
                issuer: issuer,
                clientID: id,
                clientSecret: secret,
                claim: value("SAFECOMMS_OIDC_CLAIM") ?? "email",
                name: value("SAFECOMMS_OIDC_NAME") ?? "your council account",
                organisationID: organisation,
                redirectURI: publicURL + "/auth/oidc/callback",
                checkEvery: minutes * 60
            )
        )
    }

    struct Problem: Error, Equatable, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
