import FluentKit
import Foundation
import SafeCommsCore

/// A bearer token for a machine client. Only the SHA-256 of the token is stored, so a copy of the
/// database does not hand out sign-ins.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "staff_id") public var staffID: UUID

    // data fields
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "label") public var label: String
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    /// `TokenScope`'s raw value.
    @Field(key: "scope") public var scope: String
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    public init(staffID: UUID, tokenHash: String, label: String, scope: TokenScope, expiresAt: Date) {
        self.staffID = staffID
        self.tokenHash = tokenHash
        self.label = label
        self.scope = scope.rawValue
        self.expiresAt = expiresAt
    }
}
