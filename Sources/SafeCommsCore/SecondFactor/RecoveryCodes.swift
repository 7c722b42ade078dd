import Crypto

/// Single-use codes for signing in when the authenticator is lost: ten, shown once at enrolment, stored
/// only as digests. Each is 50 random bits, so a plain SHA-256 digest is enough (no slow hash: nobody
/// can guess through 2^50 codes, and each works once).
public enum RecoveryCodes {
    public static let count = 10
    private static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")

    /// New codes, as shown to the person: ten characters in two groups of five (`abcde-23456`).
    public static func make() -> [String] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let chars = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] }
            return String(chars[0..<5]) + "-" + String(chars[5...])
        }
    }

    /// The digest stored for a code, as typed or as shown: case, spaces and hyphens ignored.
    public static func digest(_ typed: String) -> String {
        let normalised = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        return Hex.lowercase(SHA256.hash(data: Array(normalised.utf8)))
    }

    /// Whether typed text looks like a recovery code rather than an authenticator's six digits.
    public static func looksLikeOne(_ typed: String) -> Bool {
        typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }.count == 10
    }
}
