import FluentKit
import Foundation
import SafeCommsCore

/// A member of staff's authenticator (TOTP, `SafeCommsCore.TOTP`): one row per person, its id theirs.
/// The secret is sealed under the data key (`DataKeys`): whoever reads the database cannot make codes.
public final class SecondFactor: Model, @unchecked Sendable {
    public static let schema = "second_factors"

    // managed fields
    @ID(custom: .id, generatedBy: .user) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID

    // data fields
    @Field(key: "secret") var sealedSecret: String
    /// nil while the person has been shown the secret but has not yet proved their app makes its codes.
    @OptionalField(key: "enrolled_at") public var enrolledAt: Date?
    /// The last step whose code was accepted: no code of it or before is accepted again (RFC 6238 5.2).
    @OptionalField(key: "last_step") public var lastStep: Int64?

    public init() {}

    init(staffID: UUID, organisationID: UUID, secret: [UInt8]) {
        id = staffID
        self.organisationID = organisationID
        self.secret = secret
    }

    static let sealedColumns = ["secret"]

    /// The secret's bytes, sealed at rest; nil when it cannot be opened (a missing data key): then no
    /// code is accepted.
    var secret: [UInt8]? {
        get { Base32.decode(DataKeys.open(sealedSecret)).flatMap { $0.count == TOTP.secretBytes ? $0 : nil } }
        set { sealedSecret = DataKeys.seal(Base32.encode(newValue ?? [])) }
    }
}

/// One of a person's single-use recovery codes, stored only as its digest (`RecoveryCodes.digest`).
public final class RecoveryCode: Model, @unchecked Sendable {
    public static let schema = "recovery_codes"

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "staff_id") public var staffID: UUID

    // data fields
    @Field(key: "digest") public var digest: String
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    init(staffID: UUID, digest: String) {
        self.staffID = staffID
        self.digest = digest
    }
}
