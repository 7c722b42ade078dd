import Foundation
import JWTKit
import SafeCommsCore
import Vapor

/// The council's identity provider as SafeComms talks to it (OpenID Connect Core, the authorization
/// code flow with PKCE): its discovery document and signing keys, read when first needed and kept;
/// the code exchanged for an ID token; the token's signature checked with jwt-kit against the
/// provider's keys, then its claims by `IDTokenRules`.
actor OIDCProvider {
    struct Discovery: Decodable, Sendable {
        var issuer: String
        var authorizationEndpoint: String
        var tokenEndpoint: String
        var jwksURI: String

        enum CodingKeys: String, CodingKey {
            case issuer, authorizationEndpoint = "authorization_endpoint", tokenEndpoint = "token_endpoint"
            case jwksURI = "jwks_uri"
        }
    }

    /// Why nobody was signed in, in words for the page that says so.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The provider could not be reached or answered something unreadable.
        case unreachable(String)
        /// The provider would not exchange the code (used already, or not for us).
        case codeRefused
        /// The ID token's signature is not the provider's.
        case forged
        case refused(IDTokenRules.Refusal)

        /// In words for the page a person sees; `description` adds what the audit trail keeps.
        func forPage(_ provider: String) -> String {
            switch self {
            case .unreachable:
                "SafeComms could not reach \(provider). Try again in a few minutes; if it goes on, tell your IT service desk"
            case .codeRefused: "\(provider) did not accept this sign-in (it may have been used already). Start again"
            case .forged: description
            case .refused(let why): why.forPage
            }
        }

        var description: String {
            switch self {
            case .unreachable(let what): "SafeComms could not reach the identity provider (\(what))"
            case .codeRefused: "the identity provider did not accept the sign-in's code (it may have been used already)"
            case .forged: "the sign-in was not signed by the identity provider"
            case .refused(let why): why.description
            }
        }
    }

    nonisolated let settings: OIDCSettings
    /// The application's HTTP client, asked for at each use: taking it when the provider is made would
    /// fix the client's configuration before the application is done configuring it.
    private let client: @Sendable () -> (any Client)?
    private var discovery: Discovery?
    private var keys: JWTKeyCollection?
    private var keysReadAt: Date?
    /// Keys are read again when a token's signature does not match them (the provider may have
    /// rotated its keys), at most this often, so forged tokens cannot make SafeComms hammer it.
    static let keyRefreshEvery: TimeInterval = 60

    init(settings: OIDCSettings, client: @escaping @Sendable () -> (any Client)?) {
        self.settings = settings
        self.client = client
    }

    func discovered() async throws(Failure) -> Discovery {
        if let discovery { return discovery }
        let url = settings.issuer + "/.well-known/openid-configuration"
        let d: Discovery = try await fetch(url, what: "its discovery document")
        // The document must be the issuer's own (OpenID Connect Discovery §4.3).
        guard d.issuer == settings.issuer else { throw .unreachable("its discovery document names another issuer") }
        discovery = d
        return d
    }

    /// Where to send the browser to sign in: the provider's authorization endpoint with this sign-in's
    /// state, nonce and PKCE challenge.
    func authorizationURL(state: String, nonce: String, pkce: PKCE) async throws(Failure) -> String {
        let d = try await discovered()
        guard var c = URLComponents(string: d.authorizationEndpoint) else {
            throw .unreachable("its authorization endpoint is not an address")
        }
        let existing = c.queryItems ?? []
        c.queryItems =
            existing + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: settings.clientID),
                URLQueryItem(name: "redirect_uri", value: settings.redirectURI),
                // offline_access: a refresh token, to ask later whether the provider still accepts the person.
                URLQueryItem(name: "scope", value: "openid email offline_access"),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: nonce),
                URLQueryItem(name: "code_challenge", value: pkce.challenge),
                URLQueryItem(name: "code_challenge_method", value: PKCE.method),
            ]
        guard let url = c.url?.absoluteString else {
            throw .unreachable("its authorization endpoint is not an address")
        }
        return url
    }

    /// Who the provider signed in, and its refresh token for asking later whether it still accepts them.
    struct SignedIn: Sendable {
        /// The value of the claim that names the person (lower-cased).
        var name: String
        var refreshToken: String?
    }

    /// Exchanges the code the provider sent back for an ID token, checks it, and says whom it names.
    func signIn(code: String, verifier: String, nonce: String, now: Date = Date()) async throws(Failure) -> SignedIn {
        let d = try await discovered()
        let answer = try await exchange(code: code, verifier: verifier, at: d.tokenEndpoint)
        let payload = try await verified(answer.idToken, now: now)
        do {
            let name = try IDTokenRules.check(
                IDTokenRules.Claims(
                    issuer: payload.issuer.value,
                    audience: payload.audience.value,
                    expiresAt: payload.expiration.value,
                    issuedAt: payload.issuedAt?.value,
                    nonce: payload.nonce,
                    name: payload.strings[settings.claim],
                    emailVerified: payload.emailVerified
                ),
                issuer: d.issuer,
                clientID: settings.clientID,
                nonce: nonce,
                claim: settings.claim,
                now: now
            )
            return SignedIn(name: name, refreshToken: answer.refreshToken)
        } catch {
            throw .refused(error)
        }
    }

    /// What the provider said when asked again with a person's refresh token.
    enum Renewal: Sendable, Equatable {
        /// It still accepts them; it may have given a new refresh token in place of the old.
        case accepted(newToken: String?)
        /// It no longer does (`invalid_grant`, RFC 6749 §5.2): the account was disabled, or its
        /// sign-ins ended.
        case refused
        /// No clear answer (unreachable, or another error): nothing is decided on it.
        case unknown
    }

    /// Asks the provider whether it still accepts the person `refreshToken` was given for.
    func renew(_ refreshToken: String) async -> Renewal {
        guard let d = try? await discovered() else { return .unknown }
        let form = ["grant_type": "refresh_token", "refresh_token": refreshToken, "client_id": settings.clientID]
        guard let response = try? await tokenRequest(form, at: d.tokenEndpoint) else { return .unknown }
        let body = Data(buffer: response.body ?? ByteBuffer())
        if response.status == .ok {
            // An answer that cannot be read says nothing sure: the provider may have replaced the token.
            guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: body) else { return .unknown }
            return .accepted(newToken: answer.refreshToken)
        }
        struct ErrorAnswer: Decodable { var error: String }
        guard response.status == .badRequest || response.status == .unauthorized,
            (try? JSONDecoder().decode(ErrorAnswer.self, from: body))?.error == "invalid_grant"
        else { return .unknown }
        return .refused
    }

    private struct TokenAnswer: Decodable {
        var idToken: String?
        var refreshToken: String?
        enum CodingKeys: String, CodingKey {
            case idToken = "id_token", refreshToken = "refresh_token"
        }
    }

    private func exchange(
        code: String,
        verifier: String,
        at endpoint: String
    ) async throws(Failure) -> (
        idToken: String, refreshToken: String?
    ) {
        let form = [
            "grant_type": "authorization_code", "code": code, "redirect_uri": settings.redirectURI,
            "code_verifier": verifier, "client_id": settings.clientID,
        ]
        let response: ClientResponse
        do {
            response = try await tokenRequest(form, at: endpoint)
        } catch {
            throw .unreachable("no answer from its token endpoint")
        }
        guard response.status == .ok else { throw .codeRefused }
        guard
            let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(buffer: response.body ?? ByteBuffer())),
            let idToken = answer.idToken
        else {
            throw .unreachable("its token endpoint's answer had no ID token")
        }
        return (idToken, answer.refreshToken)
    }

    /// A form posted to the token endpoint, the client authenticated with client_secret_basic: id and
    /// secret form-encoded, then joined (RFC 6749 §2.3.1).
    private func tokenRequest(_ form: [String: String], at endpoint: String) async throws -> ClientResponse {
        func encoded(_ s: String) -> String {
            s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
                ?? s
        }
        let credentials = Data("\(encoded(settings.clientID)):\(encoded(settings.clientSecret))".utf8)
            .base64EncodedString()
        guard let client = client() else { throw Failure.unreachable("SafeComms is stopping") }
        return try await client.post(
            URI(string: endpoint),
            headers: ["Authorization": "Basic \(credentials)", "Accept": "application/json"]
        ) { req in
            try req.content.encode(form, as: .urlEncodedForm)
        }
    }

    /// The token's payload once its signature is the provider's; keys read again once if it is not.
    private func verified(_ token: String, now: Date) async throws(Failure) -> IDTokenPayload {
        if let payload = try? await signingKeys(refresh: false).verify(token, as: IDTokenPayload.self) {
            return payload
        }
        guard keysReadAt.map({ now.timeIntervalSince($0) >= Self.keyRefreshEvery }) ?? true else { throw .forged }
        guard let payload = try? await signingKeys(refresh: true).verify(token, as: IDTokenPayload.self) else {
            throw .forged
        }
        return payload
    }

    /// The provider's keys in a collection of their own: a key without an id becomes the collection's
    /// default, which a token without `kid` is checked against. RSA keys that name no algorithm are
    /// used for RS256 only, whatever a token's header says.
    private func signingKeys(refresh: Bool) async throws(Failure) -> JWTKeyCollection {
        if let keys, !refresh { return keys }
        let d = try await discovered()
        var jwks: JWKS = try await fetch(d.jwksURI, what: "its signing keys")
        for i in jwks.keys.indices {
            if jwks.keys[i].keyType == .rsa, jwks.keys[i].algorithm == nil { jwks.keys[i].algorithm = .rs256 }
            // jwt-kit files keys by id; one published without an id is still the provider's key.
            if jwks.keys[i].keyIdentifier == nil { jwks.keys[i].keyIdentifier = JWKIdentifier(string: "key-\(i)") }
        }
        let collection = JWTKeyCollection()
        do {
            try await collection.add(jwks: jwks)
        } catch {
            throw .unreachable("its signing keys could not be used")
        }
        keys = collection
        keysReadAt = Date()
        return collection
    }

    private func fetch<T: Decodable>(_ url: String, what: String) async throws(Failure) -> T {
        guard let client = client() else { throw .unreachable("SafeComms is stopping") }
        do {
            let response = try await client.get(URI(string: url), headers: ["Accept": "application/json"])
            guard response.status == .ok else { throw Failure.unreachable("\(what) answered \(response.status.code)") }
            // A plain decoder: the application's own refuses unknown fields (for its API's callers), and a
            // provider's documents carry many fields SafeComms does not use.
            return try JSONDecoder().decode(T.self, from: Data(buffer: response.body ?? ByteBuffer()))
        } catch let f as Failure {
            throw f
        } catch {
            throw .unreachable("\(what) could not be read")
        }
    }
}

struct OIDCProviderKey: StorageKey {
    typealias Value = OIDCProvider
}

extension Application {
    /// The council's identity provider, when one is configured.
    var oidcProvider: OIDCProvider? {
        get { storage[OIDCProviderKey.self] }
        set { storage[OIDCProviderKey.self] = newValue }
    }
}
