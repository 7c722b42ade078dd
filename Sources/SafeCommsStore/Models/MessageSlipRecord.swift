import FluentKit
import Foundation

/// A message taken for a colleague (LIN-9), tracked until they respond (LIN-7, LIN-10).
public final class MessageSlipRecord: Model, @unchecked Sendable {
    public static let schema = "message_slips"

    // managed fields
    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "for_staff_id") public var forStaffID: UUID
    @Field(key: "taken_by_id") public var takenByID: UUID
    @OptionalField(key: "responded_by_id") public var respondedByID: UUID?

    // data fields
    @Field(key: "taken_at") public var takenAt: Date
    @Field(key: "caller_name") public var callerName: String
    @Field(key: "caller_from") public var callerFrom: String
    @Field(key: "return_number") public var returnNumber: String
    @Field(key: "reason") public var reason: String
    @Field(key: "call_back_by") public var callBackBy: Date
    @OptionalField(key: "responded_at") public var respondedAt: Date?
    @OptionalField(key: "response") public var response: String?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, forStaffID: UUID, takenByID: UUID, takenAt: Date, callerName: String, callerFrom: String,
                returnNumber: String, reason: String, callBackBy: Date) {
        self.id = id
        self.organisationID = organisationID
        self.forStaffID = forStaffID
        self.takenByID = takenByID
        self.takenAt = takenAt
        self.callerName = callerName
        self.callerFrom = callerFrom
        self.returnNumber = returnNumber
        self.reason = reason
        self.callBackBy = callBackBy
    }
}
