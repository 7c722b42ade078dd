import Foundation
import Testing

@testable import SafeCommsServer

/// The mail relay's settings as an IT team writes them: what cannot work stops the server at start,
/// naming the variable to change, and a password is never configured to go unencrypted.
@Suite struct MailSettingsTests {
    static let relay = [
        "SAFECOMMS_SMTP_HOST": "relay.council.example", "SAFECOMMS_SMTP_FROM": "safecomms@council.example",
    ]

    static func problem(_ extra: [String: String]) -> String? {
        ServerConfig.fromEnvironment(relay.merging(extra) { _, new in new }).smtpProblem
    }

    @Test func settingsThatCannotWorkAreNamed() {
        #expect(
            Self.problem(["SAFECOMMS_SMTP_USERNAME": "u", "SAFECOMMS_SMTP_PASSWORD": "p"])?.contains(
                "SAFECOMMS_SMTP_TLS=starttls"
            ) == true
        )
        #expect(
            Self.problem(["SAFECOMMS_SMTP_TLS": "starttls", "SAFECOMMS_SMTP_USERNAME": "u"])?
                .contains("SAFECOMMS_SMTP_PASSWORD") == true
        )
        #expect(Self.problem(["SAFECOMMS_SMTP_TLS": "ssl"])?.contains("SAFECOMMS_SMTP_TLS") == true)
        #expect(
            Self.problem(["SAFECOMMS_SMTP_TLS": "starttls", "SAFECOMMS_SMTP_CA_FILE": "/nonexistent/ca.pem"])?
                .contains("SAFECOMMS_SMTP_CA_FILE") == true
        )
        #expect(Self.problem(["SAFECOMMS_EMAIL_VIA": "pigeon"])?.contains("SAFECOMMS_EMAIL_VIA") == true)
        let noRelay = ServerConfig.fromEnvironment(["SAFECOMMS_EMAIL_VIA": "relay"])
        #expect(noRelay.smtpProblem?.contains("SAFECOMMS_SMTP_HOST") == true)
    }

    @Test func workingSettingsAreReadAsWritten() throws {
        #expect(Self.problem([:]) == nil)
        let config = ServerConfig.fromEnvironment(
            Self.relay.merging([
                "SAFECOMMS_SMTP_PORT": "587", "SAFECOMMS_SMTP_TLS": "STARTTLS", "SAFECOMMS_SMTP_USERNAME": "u",
                "SAFECOMMS_SMTP_PASSWORD": "p", "SAFECOMMS_EMAIL_VIA": "relay",
            ]) { _, new in new }
        )
        #expect(config.smtpProblem == nil)
        let smtp = try #require(config.smtp)
        #expect(smtp.port == 587 && smtp.security == .starttls && smtp.username == "u" && smtp.password == "p")
        #expect(config.emailVia == .relay)
    }
}
