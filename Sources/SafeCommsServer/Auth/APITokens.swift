import Crypto
import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore

/// Bearer tokens for machine clients: 32 random bytes shown once; only their SHA-256 is stored.
public enum APITokens {
    static func hash(_ token: String) -> String { Hex.lowercase(SHA256.hash(data: Array(token.utf8))) }

    /// Creates and stores a new token for a member of staff, returning the token text.
    public static func issue(
        for staff: StaffMember,
        label: String,
        context: AuditContext,
        on db: any Database
    ) async throws -> String {
        var bytes = SystemRandomNumberGenerator()
        let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &bytes) }
        let token = "sc_" + Hex.lowercase(raw)
        let row = APIToken(staffID: try staff.requireID(), tokenHash: hash(token), label: label)
        let rewritable = try Rewritable(row)
        try await AuditLog.transaction(on: db, context) { tx in
            try await rewritable.save(on: tx)
            return (
                (),
                [
                    AuditEntry(
                        action: .tokenIssued,
                        entity: "api_token",
                        entityID: row.id?.uuidString,
                        detail: "for staff \(try staff.requireID())"
                    )
                ]
            )
        }
        return token
    }
}
