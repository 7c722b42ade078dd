import FluentKit
import Foundation
import SafeCommsCore

/// The child, a parent or carer, or a professional on a case, with what the content analysers need to
/// recognise them (names, aliases, date of birth, address).
public final class CasePerson: Model, @unchecked Sendable {
    public static let schema = "case_people"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "case_id") public var caseID: UUID

    // data fields
    @Field(key: "role") public var role: String
    @Field(key: "name") var sealedName: String
    /// Aliases and nicknames, one per line.
    @Field(key: "aliases") var sealedAliases: String
    @OptionalField(key: "date_of_birth") var sealedDateOfBirth: String?
    @OptionalField(key: "address") var sealedAddress: String?
    @OptionalField(key: "postcode") var sealedPostcode: String?
    @OptionalField(key: "phone") var sealedPhone: String?
    @OptionalField(key: "email") var sealedEmail: String?
    /// When a text to `phone`, or an e-mail to `email`, last failed for good: it may be wrong.
    @OptionalField(key: "phone_failed_at") public var phoneFailedAt: Date?
    @OptionalField(key: "email_failed_at") public var emailFailedAt: Date?

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        caseID: UUID,
        role: String,
        name: String,
        aliases: [String] = [],
        dateOfBirth: String? = nil,
        address: String? = nil,
        postcode: String? = nil,
        phone: String? = nil,
        email: String? = nil
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.role = role
        self.name = name
        self.aliases = aliases.joined(separator: "\n")
        self.dateOfBirth = dateOfBirth
        self.address = address
        self.postcode = postcode
        self.phone = phone
        self.email = email
    }
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension CasePerson {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["name", "aliases", "date_of_birth", "address", "postcode", "phone", "email"]

    public var name: String {
        get { DataKeys.open(sealedName) }
        set { sealedName = DataKeys.seal(newValue) }
    }

    public var aliases: String {
        get { DataKeys.open(sealedAliases) }
        set { sealedAliases = DataKeys.seal(newValue) }
    }

    public var dateOfBirth: String? {
        get { DataKeys.open(sealedDateOfBirth) }
        set { sealedDateOfBirth = DataKeys.seal(newValue) }
    }

    public var address: String? {
        get { DataKeys.open(sealedAddress) }
        set { sealedAddress = DataKeys.seal(newValue) }
    }

    public var postcode: String? {
        get { DataKeys.open(sealedPostcode) }
        set { sealedPostcode = DataKeys.seal(newValue) }
    }

    public var phone: String? {
        get { DataKeys.open(sealedPhone) }
        set { sealedPhone = DataKeys.seal(newValue) }
    }

    public var email: String? {
        get { DataKeys.open(sealedEmail) }
        set { sealedEmail = DataKeys.seal(newValue) }
    }
}
