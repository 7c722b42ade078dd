import Crypto
import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore

/// Bearer tokens for machine clients: 32 random bytes shown once; only their SHA-256 is stored.
public enum APITokens {
    static func hash(_ token: String) -> String { Hex.lowercase(SHA256.hash(data: Array(token.utf8))) }

    /// Creates and stores a new token for a member of staff, returning the token text.
    /// - Parameters:
    ///   - scope: what it may be used for (`TokenScope`).
    ///   - days: how long it lasts, 1 to `TokenScope.maxDays`.
    /// - Throws: `ValidationErrors` naming `label` or `days` when they are out of bounds.
    public static func issue(
        for staff: StaffMember,
        label: String,
        scope: TokenScope = .readWrite,
        days: Int = TokenScope.defaultDays,
        now: Date = Date(),
        context: AuditContext,
        on db: any Database
    ) async throws -> String {
        var problems: [ValidationError] = []
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty || label.count > 100 {
            problems.append(ValidationError(field: "label", reason: "give the token a name of 1 to 100 characters"))
        }
        if !(1...TokenScope.maxDays).contains(days) {
            problems.append(ValidationError(field: "days", reason: "must be from 1 to \(TokenScope.maxDays) days"))
        }
        if !problems.isEmpty { throw ValidationErrors(problems) }
        var bytes = SystemRandomNumberGenerator()
        let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &bytes) }
        let token = "sc_" + Hex.lowercase(raw)
        let expires = RowDigest.storable(now.addingTimeInterval(Double(days) * 86_400))
        let row = APIToken(
            staffID: try staff.requireID(),
            tokenHash: hash(token),
            label: label,
            scope: scope,
            expiresAt: expires
        )
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
                        detail: "for staff \(try staff.requireID()), \(scope.rawValue), \(days) days"
                    )
                ]
            )
        }
        return token
    }
}
