import FluentKit
import Foundation
import SafeCommsCore

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
    @Field(key: "caller_name") var sealedCallerName: String
    @Field(key: "caller_from") var sealedCallerFrom: String
    @Field(key: "return_number") var sealedReturnNumber: String
    @Field(key: "reason") var sealedReason: String
    @Field(key: "call_back_by") public var callBackBy: Date
    @OptionalField(key: "responded_at") public var respondedAt: Date?
    @OptionalField(key: "response") var sealedResponse: String?

    public init() {}

    public init(
        id: UUID? = nil,
        organisationID: UUID,
        forStaffID: UUID,
        takenByID: UUID,
        takenAt: Date,
        callerName: String,
        callerFrom: String,
        returnNumber: String,
        reason: String,
        callBackBy: Date
    ) {
        self.id = id
        self.organisationID = organisationID
        self.forStaffID = forStaffID
        self.takenByID = takenByID
        // Whole milliseconds, so the row reads back as it was sealed (`RowDigest.storable`).
        self.takenAt = RowDigest.storable(takenAt)
        self.callerName = callerName
        self.callerFrom = callerFrom
        self.returnNumber = returnNumber
        self.reason = reason
        self.callBackBy = RowDigest.storable(callBackBy)
    }
}

/// Personal fields are stored sealed under the data key (`DataKeys`) and read in clear.
extension MessageSlipRecord {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["caller_name", "caller_from", "return_number", "reason", "response"]

    public var callerName: String {
        get { DataKeys.open(sealedCallerName) }
        set { sealedCallerName = DataKeys.seal(newValue) }
    }

    public var callerFrom: String {
        get { DataKeys.open(sealedCallerFrom) }
        set { sealedCallerFrom = DataKeys.seal(newValue) }
    }

    public var returnNumber: String {
        get { DataKeys.open(sealedReturnNumber) }
        set { sealedReturnNumber = DataKeys.seal(newValue) }
    }

    public var reason: String {
        get { DataKeys.open(sealedReason) }
        set { sealedReason = DataKeys.seal(newValue) }
    }

    public var response: String? {
        get { DataKeys.open(sealedResponse) }
        set { sealedResponse = DataKeys.seal(newValue) }
    }
}
