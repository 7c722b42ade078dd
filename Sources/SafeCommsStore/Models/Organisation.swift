import FluentKit
import Foundation
import SafeCommsCore

/// A council or provider. Every other row belongs to exactly one.
public final class Organisation: Model, @unchecked Sendable {
    public static let schema = "organisations"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // data fields
    @Field(key: "name") public var name: String
    @Field(key: "settings") public var settings: OrganisationSettings

    public init() {}

    public init(id: UUID? = nil, name: String, settings: OrganisationSettings = .standard) {
        self.id = id
        self.name = name
        self.settings = settings
    }
}
