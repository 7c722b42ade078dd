import Foundation
import Testing

@testable import SafeCommsCore

/// The second factor's codes: RFC 6238's own test vectors, pyotp as an independent oracle, and what a
/// typed code proves (drift, staleness, reuse).
@Suite struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1: the secret "12345678901234567890" and eight digits.
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238TestVectors(seconds: Int, expected: String) throws {
        let secret = try #require(Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(secret == Array("12345678901234567890".utf8))
        let at = Date(timeIntervalSince1970: TimeInterval(seconds))
        #expect(TOTP(secret: secret).code(at: at, digits: 8) == expected)
        // Six digits are the last six of the same number.
        #expect(TOTP(secret: secret).code(at: at) == String(expected.suffix(6)))
    }

    /// RFC 4648 section 10's base 32 vectors, both ways; lower case, spaces and padding read too.
    @Test func base32() {
        let vectors = [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not base 32")
        let secret = TOTP.newSecret()
        #expect(secret.count == 20 && Base32.decode(Base32.encode(secret)) == secret)
    }

    @Test func aCodeIsGoodOneStepEitherSideAndOnce() {
        let t = TOTP(secret: TOTP.newSecret())
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = TOTP.step(at: now)
        #expect(t.verify(t.code(at: now), at: now, lastUsedStep: nil) == .accepted(step: step))
        #expect(t.verify(t.code(step: step - 1), at: now, lastUsedStep: nil) == .accepted(step: step - 1))
        #expect(t.verify(t.code(step: step + 1), at: now, lastUsedStep: nil) == .accepted(step: step + 1))
        // Two steps old: stale. (A stale code may by chance equal a current one; these secrets are random.)
        let stale = t.code(step: step - 2)
        if ![step - 1, step, step + 1].map({ t.code(step: $0) }).contains(stale) {
            #expect(t.verify(stale, at: now, lastUsedStep: nil) == .wrong)
        }
        // Used once: refused after, and so is the step before it.
        #expect(t.verify(t.code(at: now), at: now, lastUsedStep: step) == .reused)
        #expect(t.verify(t.code(step: step - 1), at: now, lastUsedStep: step) == .reused)
        #expect(t.verify(t.code(step: step + 1), at: now, lastUsedStep: step) == .accepted(step: step + 1))
        // Typed with a space, as apps show it; letters and short codes are wrong.
        let code = t.code(at: now)
        #expect(t.verify(code.prefix(3) + " " + code.suffix(3), at: now, lastUsedStep: nil) == .accepted(step: step))
        #expect(t.verify("12345", at: now, lastUsedStep: nil) == .wrong)
        #expect(t.verify("12345a", at: now, lastUsedStep: nil) == .wrong)
    }

    @Test func theAddressNamesTheServiceAndAccount() {
        let t = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(
            t.address(issuer: "SafeComms North Council", account: "sam.patel@north.example")
                == "otpauth://totp/SafeComms%20North%20Council:sam.patel@north.example"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=SafeComms%20North%20Council"
                + "&algorithm=SHA1&digits=6&period=30"
        )
    }

    @Test func recoveryCodesAreTenDistinctAndMatchAsTyped() {
        let codes = RecoveryCodes.make()
        #expect(codes.count == 10 && Set(codes).count == 10)
        for c in codes {
            #expect(c.count == 11 && RecoveryCodes.looksLikeOne(c))
            #expect(
                RecoveryCodes.digest(c.uppercased().replacingOccurrences(of: "-", with: " ")) == RecoveryCodes.digest(c)
            )
        }
        #expect(!RecoveryCodes.looksLikeOne("123 456"))
    }

    /// pyotp (PyPI) computes the same codes for a hundred random secrets at random moments.
    @Test(.enabled(if: Self.python != nil, "needs a Python with pyotp (SAFECOMMS_TEST_PYTHON)"))
    func pyotpAgrees() throws {
        var cases: [(secret: String, at: Int)] = []
        for _ in 0..<100 {
            cases.append((Base32.encode(TOTP.newSecret()), Int.random(in: 0...4_000_000_000)))
        }
        let script = """
            pyotp, sys = __import__("pyotp"), __import__("sys")
            for line in sys.stdin:
                secret, at = line.split()
                print(pyotp.TOTP(secret).at(int(at)))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(cases.map { "\($0.secret) \($0.at)\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let theirs = answer.split(separator: "\n").map(String.init)
        let ours = cases.map {
            TOTP(secret: Base32.decode($0.secret)!).code(at: Date(timeIntervalSince1970: Double($0.at)))
        }
        #expect(theirs == ours)
    }

    static var python: String? {
        guard let p = ProcessInfo.processInfo.environment["SAFECOMMS_TEST_PYTHON"], !p.isEmpty else { return nil }
        return p
    }
}
