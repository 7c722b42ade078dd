import Foundation

/// The facts a rule can test. Every field given must hold (a list holds when any of its values does);
/// a field left out is not tested. This is the vocabulary of the `when:` blocks in `Policies/*.yaml`.
public struct Condition: Sendable, Equatable {
    public var channels: Set<Channel>?
    public var direction: Direction?
    public var devices: Set<DeviceKind>?
    public var whatsappEnabled: Bool?
    public var recipientRoles: Set<RecipientRole>?
    public var recipientExternal: Bool?
    public var caseStatuses: Set<CaseStatus>?
    public var hasCase: Bool?
    public var inCrisis: Bool?
    public var outOfHours: Bool?
    public var emergency: Bool?
    public var expectedCall: Bool?
    public var secureEmail: Bool?
    public var hasAttachments: Bool?
    /// Holds when none of these consents is on file.
    public var lacksConsents: Set<ConsentKind>?
    /// Holds when at least one of these consents is on file.
    public var hasConsents: Set<ConsentKind>?
    /// Holds when an analyser found content of one of these types; their spans are cited.
    public var findings: Set<String>?
    /// Holds when the organisation has set this date and the communication is after it.
    public var afterSetting: DateSetting?

    public init() {}

    /// Organisation settings that are dates a rule can test against.
    public enum DateSetting: String, Sendable, CaseIterable {
        case whatsappReviewDate = "whatsapp_review_date"
    }
}

/// Everything a condition is tested against, worked out once per request.
public struct CheckFacts: Sendable {
    public var request: CheckRequest
    public var at: Date
    public var outOfHours: Bool
    public var recipientExternal: Bool?
    /// Content findings by type (an empty list: found in an attachment name, not in the text).
    public var content: [String: [Span]]
    /// Date settings that have passed at `at`.
    public var passedSettings: Set<Condition.DateSetting>
    /// The request's choices as bits, for `CompiledCondition` (0: not given).
    var channelBit: UInt64 = 0, deviceBit: UInt64 = 0, roleBit: UInt64 = 0, statusBit: UInt64 = 0,
        consentBits: UInt64 = 0
}
