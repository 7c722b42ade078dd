import Foundation
import SafeCommsCore

extension AuditKey {
    /// The key from `SAFECOMMS_AUDIT_KEY` when given (64 hex characters, for deployments that keep
    /// secrets in a vault), else from the file at `path`, created readable by the owner only on first
    /// use.
    /// - Throws: `ValidationError` when the variable or the file holds something that is not a key.
    public static func load(environment: String?, path: String) throws -> AuditKey {
        if let hex = environment, !hex.isEmpty {
            guard let key = AuditKey(hex: hex.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ValidationError(
                    field: "SAFECOMMS_AUDIT_KEY",
                    reason: "must be 64 hexadecimal characters (32 bytes)"
                )
            }
            return key
        }
        let directory = (path as NSString).deletingLastPathComponent
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let key = AuditKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ValidationError(field: path, reason: "does not hold an audit key (64 hexadecimal characters)")
            }
            return key
        }
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let key = AuditKey.random()
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data((key.hex + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw ValidationError(field: path, reason: "could not be created")
        }
        return key
    }
}
