import FluentKit
import Foundation

/// A team with its hunt group (LIN-6, LIN-12) and the landline covered in office hours (LIN-13a).
public final class Team: Model, @unchecked Sendable {
    public static let schema = "teams"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @OptionalField(key: "manager_id") public var managerID: UUID?

    // data fields
    @Field(key: "name") public var name: String
    @OptionalField(key: "hunt_group_number") public var huntGroupNumber: String?
    @OptionalField(key: "covered_landline") public var coveredLandline: String?

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        name: String,
        managerID: UUID? = nil,
        huntGroupNumber: String? = nil,
        coveredLandline: String? = nil
    ) {
        self.id = id
        self.organisationID = organisationID
        self.name = name
        self.managerID = managerID
        self.huntGroupNumber = huntGroupNumber
        self.coveredLandline = coveredLandline
    }
}
