import FluentKit
import Foundation
import SafeCommsCore

/// A member of staff and their sign-in. Roles are stored as a comma-separated list so the column is
/// the same on SQLite and PostgreSQL.
public final class StaffMember: Model, @unchecked Sendable {
    public static let schema = "staff"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @OptionalField(key: "team_id") public var teamID: UUID?
    @OptionalField(key: "line_manager_id") public var lineManagerID: UUID?

    // data fields
    @Field(key: "name") public var name: String
    @Field(key: "email") public var email: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "roles") public var rolesText: String
    @OptionalField(key: "job_title") public var jobTitle: String?
    @OptionalField(key: "work_mobile") public var workMobile: String?
    @Field(key: "active") public var active: Bool

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        teamID: UUID?,
        lineManagerID: UUID? = nil,
        name: String,
        email: String,
        passwordHash: String,
        roles: Set<Role>,
        jobTitle: String? = nil,
        workMobile: String? = nil
    ) {
        self.id = id
        self.organisationID = organisationID
        self.teamID = teamID
        self.lineManagerID = lineManagerID
        self.name = name
        self.email = email.lowercased()
        self.passwordHash = passwordHash
        self.rolesText = Self.encode(roles)
        self.jobTitle = jobTitle
        self.workMobile = workMobile
        self.active = true
    }

    public var roles: Set<Role> {
        get { Set(rolesText.split(separator: ",").compactMap { Role(rawValue: String($0)) }) }
        set { rolesText = Self.encode(newValue) }
    }

    static func encode(_ roles: Set<Role>) -> String { roles.sorted().map(\.rawValue).joined(separator: ",") }
}
