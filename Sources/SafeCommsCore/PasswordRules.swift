/// What a password must be. bcrypt reads only the first 72 bytes of a password, so a longer one would
/// be accepted with anything after its 72nd byte: longer passwords are refused when set, and a sign-in
/// attempt with one is refused without being checked (no stored password can be that long).
public enum PasswordRules {
    public static let minimumCharacters = 12
    public static let maximumBytes = 72

    /// The problem with a new password, or nil.
    public static func problem(_ password: String) -> ValidationError? {
        if password.count < minimumCharacters {
            return ValidationError(field: "password", reason: "must be at least \(minimumCharacters) characters")
        }
        if password.utf8.count > maximumBytes {
            return ValidationError(
                field: "password",
                reason:
                    "is \(password.utf8.count) bytes long; at most \(maximumBytes) bytes are used (about 72 letters, fewer with accents or symbols), so use a shorter one"
            )
        }
        return nil
    }
}
