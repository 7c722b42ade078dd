import Foundation
import Testing

@testable import SafeCommsCore

/// The parts of OpenID Connect sign-in that decide without a provider: PKCE's S256 challenge and the
/// checks on an ID token's claims once its signature is good.
@Suite struct SingleSignOnTests {
    /// RFC 7636 Appendix B's example.
    @Test func theS256ChallengeIsRFC7636s() {
        #expect(
            PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
                == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        )
    }

    @Test func verifiersAreFortyThreeURLSafeCharactersAndNeverRepeat() {
        let made = (0..<200).map { _ in PKCE.make().verifier }
        #expect(Set(made).count == 200)
        #expect(
            made.allSatisfy { v in v.count == 43 && v.allSatisfy { $0.isLetter || $0.isNumber || "-_".contains($0) } }
        )
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(
        issuer: String = "http://127.0.0.1:9400",
        audience: [String] = ["safecomms"],
        expiresIn: TimeInterval = 300,
        issuedAgo: TimeInterval = 5,
        nonce: String? = "n-1",
        name: String? = "Priya.Shah@Example.gov.uk",
        emailVerified: Bool? = nil
    ) -> IDTokenRules.Claims {
        IDTokenRules.Claims(
            issuer: issuer,
            audience: audience,
            expiresAt: now.addingTimeInterval(expiresIn),
            issuedAt: now.addingTimeInterval(-issuedAgo),
            nonce: nonce,
            name: name,
            emailVerified: emailVerified
        )
    }

    static func check(_ c: IDTokenRules.Claims) -> Result<String, IDTokenRules.Refusal> {
        Result { () throws(IDTokenRules.Refusal) -> String in
            try IDTokenRules.check(
                c,
                issuer: "http://127.0.0.1:9400",
                clientID: "safecomms",
                nonce: "n-1",
                claim: "email",
                now: now
            )
        }
    }

    @Test func aGoodTokenNamesThePerson() {
        #expect(Self.check(Self.claims()) == .success("priya.shah@example.gov.uk"))
        #expect(Self.check(Self.claims(audience: ["other", "safecomms"])) == .success("priya.shah@example.gov.uk"))
        // A clock half a minute out either way is tolerated.
        #expect(Self.check(Self.claims(expiresIn: -30, issuedAgo: -30)) == .success("priya.shah@example.gov.uk"))
        // Verified, or not said (Entra ID does not say): the address is the provider's word.
        #expect(Self.check(Self.claims(emailVerified: true)) == .success("priya.shah@example.gov.uk"))
    }

    @Test func eachWrongClaimIsRefusedAndSaysWhy() {
        #expect(Self.check(Self.claims(issuer: "http://127.0.0.1:9400/")) == .failure(.otherIssuer))
        #expect(Self.check(Self.claims(issuer: "http://evil.example")) == .failure(.otherIssuer))
        #expect(Self.check(Self.claims(audience: ["another-service"])) == .failure(.notForUs))
        #expect(Self.check(Self.claims(audience: [])) == .failure(.notForUs))
        #expect(Self.check(Self.claims(expiresIn: -61)) == .failure(.expired))
        #expect(Self.check(Self.claims(issuedAgo: -120)) == .failure(.issuedInTheFuture))
        #expect(Self.check(Self.claims(nonce: "n-2")) == .failure(.nonceMismatch))
        #expect(Self.check(Self.claims(nonce: nil)) == .failure(.nonceMismatch))
        #expect(Self.check(Self.claims(name: nil)) == .failure(.noName(claim: "email")))
        #expect(Self.check(Self.claims(name: "  ")) == .failure(.noName(claim: "email")))
        // An address the provider has not checked could be anyone's typing.
        #expect(Self.check(Self.claims(emailVerified: false)) == .failure(.unverifiedEmail))
        // The page does not name the claim; the audit trail does.
        #expect(!IDTokenRules.Refusal.noName(claim: "email").forPage.contains("email"))
        #expect("\(IDTokenRules.Refusal.nonceMismatch)".contains("this browser"))
    }
}
