import Crypto
import Fluent
import Foundation
import SafeCommsStore

/// Bearer tokens for machine clients: 32 random bytes shown once; only their SHA-256 is stored.
public enum APITokens {
    static func hash(_ token: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in SHA256.hash(data: Array(token.utf8)) {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Creates and stores a new token for a member of staff, returning the token text.
    public static func issue(for staff: StaffMember, label: String, context: AuditContext, on db: any Database) async throws -> String {
        var bytes = SystemRandomNumberGenerator()
        let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &bytes) }
        let token = "sc_" + raw.map { String(format: "%02x", $0) }.joined()
        let row = APIToken(staffID: try staff.requireID(), tokenHash: hash(token), label: label)
        let rewritable = try Rewritable(row)
        try await AuditLog.transaction(on: db, context) { tx in
            try await rewritable.save(on: tx)
            return ((), [AuditEntry(action: "token.issue", entity: "api_token", entityID: row.id?.uuidString, detail: "for staff \(try staff.requireID())")])
        }
        return token
    }
}
