import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238, over RFC 4226's HOTP) as authenticator apps make them:
/// HMAC-SHA1, 30-second steps, six digits. The second factor for local accounts that can read case
/// history.
public struct TOTP: Sendable {
    public static let stepSeconds: Int64 = 30
    public static let digits = 6
    /// Codes of one step either side of now are accepted too: a phone's clock a little out, or a code
    /// typed just as it changed. Anything older is stale.
    public static let drift: Int64 = 1
    /// RFC 4226 asks for at least 128 bits of secret and recommends 160.
    public static let secretBytes = 20

    public let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    /// A new random secret.
    public static func newSecret() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &g) }
    }

    /// The step `date` falls in (RFC 6238's T).
    public static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / stepSeconds
    }

    /// The code for one step (RFC 4226 section 5.3, dynamic truncation).
    public func code(step: Int64, digits: Int = TOTP.digits) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    public func code(at date: Date, digits: Int = TOTP.digits) -> String {
        code(step: Self.step(at: date), digits: digits)
    }

    /// What a typed code proves.
    public enum Verdict: Sendable, Equatable {
        /// This secret's code for `step`, which was not used before.
        case accepted(step: Int64)
        /// A code that was good, but was already used (each code signs in once).
        case reused
        /// Not this secret's code within a step of now: mistyped, or stale.
        case wrong
    }

    /// Checks a typed code (spaces ignored) at `date`, given the last step accepted for this secret.
    public func verify(_ typed: String, at date: Date, lastUsedStep: Int64?) -> Verdict {
        let code = typed.filter { !$0.isWhitespace }
        guard code.count == Self.digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .wrong }
        let now = Self.step(at: date)
        var reused = false
        for step in (now - Self.drift)...(now + Self.drift) where Self.sameText(self.code(step: step), code) {
            if let last = lastUsedStep, step <= last { reused = true } else { return .accepted(step: step) }
        }
        return reused ? .reused : .wrong
    }

    /// Compares without stopping at the first difference, so timing does not show how close a guess was.
    static func sameText(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// The `otpauth://` address an authenticator app reads (as a link or a QR code), naming the
    /// service and the account.
    public func address(issuer: String, account: String) -> String {
        func escaped(_ s: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~@")
            return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
        }
        return "otpauth://totp/\(escaped(issuer)):\(escaped(account))?secret=\(Base32.encode(secret))"
            + "&issuer=\(escaped(issuer))&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.stepSeconds)"
    }
}
