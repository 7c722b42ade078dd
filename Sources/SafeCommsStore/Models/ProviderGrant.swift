import FluentKit
import Foundation
import SafeCommsCore

/// What the council's identity provider gave at a person's latest sign-in through it: a refresh
/// token, asked again every few minutes whether the provider still accepts the person
/// (`ProviderGrants`). One row per person, its id theirs. The token is sealed under the data key
/// (`DataKeys`): whoever reads the database cannot use it.
public final class ProviderGrant: Model, @unchecked Sendable {
    public static let schema = "provider_grants"

    // managed fields
    @ID(custom: .id, generatedBy: .user) public var id: UUID?

    // data fields
    @Field(key: "refresh_token") var sealedRefreshToken: String
    @Field(key: "checked_at") public var checkedAt: Date
    /// Counts every change of the row: a check claims the row by moving it on, so two servers never
    /// ask with the same token, and a refusal ends nothing if the person signed in again meanwhile.
    @Field(key: "round") public var round: Int64
    /// When the provider refused the token: the person's sessions and tokens were ended then, and they
    /// cannot sign in with a SafeComms password until the provider signs them in again.
    @OptionalField(key: "refused_at") public var refusedAt: Date?

    public init() {}

    init(staffID: UUID, refreshToken: String, at: Date) {
        id = staffID
        sealedRefreshToken = DataKeys.seal(refreshToken)
        checkedAt = at
        round = 0
    }

    static let sealedColumns = ["refresh_token"]

    var refreshToken: String { DataKeys.open(sealedRefreshToken) }
}
