import Foundation

/// A `Condition` made ready for evaluation: every set of choices becomes a bit mask, so testing a
/// rule is a few integer operations, and the condition is a class, so walking the rules copies
/// nothing. (Copying the conditions' sets and hashing enum values cost a quarter of a check, measured.)
final class CompiledCondition: Sendable {
    let channels: UInt64?, devices: UInt64?, recipientRoles: UInt64?, caseStatuses: UInt64?
    let lacksConsents: UInt64?, hasConsents: UInt64?
    let direction: Direction?
    let whatsappEnabled: Bool?, recipientExternal: Bool?, hasCase: Bool?, inCrisis: Bool?, outOfHours: Bool?
    let emergency: Bool?, expectedCall: Bool?, secureEmail: Bool?, hasAttachments: Bool?
    let findings: [String]?
    let afterSetting: Condition.DateSetting?

    init(_ c: Condition) {
        channels = c.channels.map(Self.mask)
        devices = c.devices.map(Self.mask)
        recipientRoles = c.recipientRoles.map(Self.mask)
        caseStatuses = c.caseStatuses.map(Self.mask)
        lacksConsents = c.lacksConsents.map(Self.mask)
        hasConsents = c.hasConsents.map(Self.mask)
        direction = c.direction
        whatsappEnabled = c.whatsappEnabled
        recipientExternal = c.recipientExternal
        hasCase = c.hasCase
        inCrisis = c.inCrisis
        outOfHours = c.outOfHours
        emergency = c.emergency
        expectedCall = c.expectedCall
        secureEmail = c.secureEmail
        hasAttachments = c.hasAttachments
        findings = c.findings.map { $0.sorted() }
        afterSetting = c.afterSetting
    }

    static func bit<E: CaseIterable & Equatable>(_ value: E) -> UInt64 {
        UInt64(1)
            << UInt64(
                E.allCases.firstIndex(of: value).map { E.allCases.distance(from: E.allCases.startIndex, to: $0) } ?? 63
            )
    }

    static func mask<E: CaseIterable & Equatable>(_ values: Set<E>) -> UInt64 { values.reduce(0) { $0 | bit($1) } }

    /// Whether everything but the content holds: the evaluator runs the analysers only for the
    /// finding types of conditions that pass this.
    func holdsApartFromContent(_ f: CheckFacts) -> Bool {
        let r = f.request
        if let channels, channels & f.channelBit == 0 { return false }
        if let direction, direction != r.direction { return false }
        if let devices, devices & f.deviceBit == 0 { return false }
        if let whatsappEnabled, (r.device?.whatsappEnabled ?? false) != whatsappEnabled { return false }
        if let recipientRoles, recipientRoles & f.roleBit == 0 { return false }
        if let recipientExternal { guard let e = f.recipientExternal, e == recipientExternal else { return false } }
        if let caseStatuses, caseStatuses & f.statusBit == 0 { return false }
        if let hasCase, (r.caseInfo != nil) != hasCase { return false }
        if let inCrisis, (r.caseInfo?.inCrisis ?? false) != inCrisis { return false }
        if let outOfHours, f.outOfHours != outOfHours { return false }
        if let emergency, r.emergency != emergency { return false }
        if let expectedCall, r.expectedCall != expectedCall { return false }
        if let secureEmail, r.secureEmail != secureEmail { return false }
        if let hasAttachments, r.attachments.isEmpty == hasAttachments { return false }
        if let lacksConsents, lacksConsents & f.consentBits != 0 { return false }
        if let hasConsents, hasConsents & f.consentBits == 0 { return false }
        if let afterSetting, !f.passedSettings.contains(afterSetting) { return false }
        return true
    }

    /// Whether the condition holds, and the spans of the findings it matched on.
    func matches(_ f: CheckFacts) -> (Bool, [Span]) {
        guard holdsApartFromContent(f) else { return (false, []) }
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
