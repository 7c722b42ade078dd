import Foundation

/// The facts a rule can test. Every field given must hold (a list holds when any of its values does);
/// a field left out is not tested. This is the vocabulary of the `when:` blocks in `Policies/*.yaml`.
public struct Condition: Sendable, Equatable {
    public var channels: Set<CheckChannel>?
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
}

extension Condition {
    /// Whether the condition holds, and the spans of the findings it matched on.
    func matches(_ f: CheckFacts) -> (Bool, [Span]) {
        let r = f.request
        if let channels, !channels.contains(r.channel) { return (false, []) }
        if let direction, direction != r.direction { return (false, []) }
        if let devices { guard let d = r.device, devices.contains(d.kind) else { return (false, []) } }
        if let whatsappEnabled, (r.device?.whatsappEnabled ?? false) != whatsappEnabled { return (false, []) }
        if let recipientRoles { guard let role = r.recipient?.role, recipientRoles.contains(role) else { return (false, []) } }
        if let recipientExternal { guard let e = f.recipientExternal, e == recipientExternal else { return (false, []) } }
        if let caseStatuses { guard let s = r.caseInfo?.status, caseStatuses.contains(s) else { return (false, []) } }
        if let hasCase, (r.caseInfo != nil) != hasCase { return (false, []) }
        if let inCrisis, (r.caseInfo?.inCrisis ?? false) != inCrisis { return (false, []) }
        if let outOfHours, f.outOfHours != outOfHours { return (false, []) }
        if let emergency, r.emergency != emergency { return (false, []) }
        if let expectedCall, r.expectedCall != expectedCall { return (false, []) }
        if let secureEmail, r.secureEmail != secureEmail { return (false, []) }
        if let hasAttachments, r.attachments.isEmpty == hasAttachments { return (false, []) }
        if let lacksConsents, !r.consents.isDisjoint(with: lacksConsents) { return (false, []) }
        if let hasConsents, r.consents.isDisjoint(with: hasConsents) { return (false, []) }
        if let afterSetting, !f.passedSettings.contains(afterSetting) { return (false, []) }
        guard let findings else { return (true, []) }
        var spans: [Span] = []
        var found = false
        for type in findings {
            // A finding in an attachment's name has no span in the text, but it is still a finding.
            if let s = f.content[type] {
                found = true
                spans += s
            }
        }
        if !found { return (false, []) }
        spans.sort { ($0.start, $0.end, $0.type) < ($1.start, $1.end, $1.type) }
        return (true, spans)
    }
}
