import FluentKit
import Foundation

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
    @Field(key: "name") public var name: String
    /// Aliases and nicknames, one per line.
    @Field(key: "aliases") public var aliases: String
    @OptionalField(key: "date_of_birth") public var dateOfBirth: String?
    @OptionalField(key: "address") public var address: String?
    @OptionalField(key: "postcode") public var postcode: String?
    @OptionalField(key: "phone") public var phone: String?
    @OptionalField(key: "email") public var email: String?

    public init() {}

    public init(
        id: UUID? = nil, organisationID: UUID, caseID: UUID, role: String, name: String, aliases: [String] = [],
        dateOfBirth: String? = nil, address: String? = nil, postcode: String? = nil, phone: String? = nil, email: String? = nil
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
