import Foundation

/// The pre-send check: a pure function of the request, the packs and the organisation's settings.
/// Every rule of every pack that applies is cited, so where two policies say the same thing both
/// clauses appear; the decision is the most severe finding.
public struct Evaluator: Sendable {
    public let packs: [PolicyPack]
    public let analysers: [any ContentAnalyser]
    /// Finding types some rule of these packs tests; the analysers run only when there is one.
    let wantedTypes: Set<String>
    /// The rules and obligations of every clause, in pack and clause order, flattened once: walking
    /// them then costs one reference each instead of copying every rule's sets.
    private let rules: [CompiledRule]
    private let obligations: [CompiledObligation]
    /// The analysers that report a type some rule tests.
    private let activeAnalysers: [any ContentAnalyser]

    // Not generic, so access to their fields is specialised and nothing is copied per request.
    private final class CompiledRule: Sendable {
        let clause: String
        let when: CompiledCondition
        let severity: Severity
        let message: String
        /// The message names a setting (`{office_hours}`) to fill in.
        let templated: Bool
        let exceptions: [(when: CompiledCondition, severity: Severity?, message: String?)]
        init(_ clause: String, _ rule: Rule) {
            self.clause = clause
            when = CompiledCondition(rule.when)
            severity = rule.severity
            message = rule.message
            templated = rule.message.utf8.contains(UInt8(ascii: "{"))
            exceptions = rule.exceptions.map { (CompiledCondition($0.when), $0.severity, $0.message) }
        }
    }

    private final class CompiledObligation: Sendable {
        let clause: String
        let when: CompiledCondition
        let action: String
        let dueHours: Int
        init(_ clause: String, _ o: ObligationRule) {
            self.clause = clause
            when = CompiledCondition(o.when)
            action = o.action
            dueHours = o.dueHours
        }
    }

    public init(packs: [PolicyPack], analysers: [any ContentAnalyser] = Evaluator.standardAnalysers) {
        self.packs = packs
        self.analysers = analysers
        var wanted: Set<String> = []
        for pack in packs {
            for clause in pack.clauses {
                for rule in clause.rules { wanted.formUnion(rule.when.findings ?? []) }
                for o in clause.obligations { wanted.formUnion(o.when.findings ?? []) }
            }
        }
        wantedTypes = wanted
        rules = packs.flatMap { $0.clauses.flatMap { c in c.rules.map { CompiledRule(c.id, $0) } } }
        obligations = packs.flatMap { $0.clauses.flatMap { c in c.obligations.map { CompiledObligation(c.id, $0) } } }
        activeAnalysers = analysers.filter { !$0.types.isDisjoint(with: wanted) }
    }

    public static let standardAnalysers: [any ContentAnalyser] = [CasePersonAnalyser(), PersonalDataAnalyser(), PhraseAnalyser.standard]

    /// - Parameter now: the instant used when the request gives no `at`.
    public func evaluate(_ request: CheckRequest, settings: OrganisationSettings, now: Date = Date()) -> Decision {
        let facts = facts(for: request, settings: settings, now: now)
        var findings: [Finding] = []
        var owed: [Obligation] = []
        for r in rules {
            let (holds, spans) = r.when.matches(facts)
            guard holds else { continue }
            var severity: Severity? = r.severity
            var message = r.templated ? fill(r.message, settings) : r.message
            if let e = r.exceptions.first(where: { $0.when.matches(facts).0 }) {
                severity = e.severity
                message = e.message.map { fill($0, settings) } ?? message
            }
            guard let severity else { continue }
            findings.append(Finding(clause: r.clause, severity: severity, message: message, spans: spans))
        }
        for o in obligations where o.when.matches(facts).0 {
            owed.append(
                Obligation(clause: o.clause, action: fill(o.action, settings), due: ISOInstant.format(facts.at.addingTimeInterval(Double(o.dueHours) * 3600))))
        }
        return Decision(id: request.id, findings: findings, obligations: owed)
    }

    func facts(for r: CheckRequest, settings: OrganisationSettings, now: Date) -> CheckFacts {
        let at = r.at ?? now
        var content: [String: [Span]] = [:]
        let text = r.text ?? ""
        if !wantedTypes.isEmpty, !text.isEmpty || !r.attachments.isEmpty {
            let analysed = AnalysedText(text)
            let context = AnalysisContext(people: r.caseInfo?.people ?? [], attachmentNames: r.attachments.map(\.name), direction: r.direction)
            for analyser in activeAnalysers {
                for f in analyser.analyse(analysed, context: context) {
                    content[f.type, default: []].append(contentsOf: f.span.map { [$0] } ?? [])
                }
            }
            // The case's own analyser and the generic one can both find the same postcode.
            for (type, spans) in content where spans.count > 1 {
                var seen: Set<Span> = []
                content[type] = spans.filter { seen.insert($0).inserted }
            }
        }
        var passed: Set<Condition.DateSetting> = []
        if let review = settings.whatsappReviewDate, let day = BankHolidays.Day(parsing: review), settings.officeHours.localDay(of: at) > day {
            passed.insert(.whatsappReviewDate)
        }
        var facts = CheckFacts(
            request: r, at: at, outOfHours: settings.officeHours.isOutOfHours(at), recipientExternal: Self.external(r.recipient, settings),
            content: content, passedSettings: passed)
        facts.channelBit = CompiledCondition.bit(r.channel)
        facts.deviceBit = r.device.map { CompiledCondition.bit($0.kind) } ?? 0
        facts.roleBit = r.recipient?.role.map(CompiledCondition.bit) ?? 0
        facts.statusBit = r.caseInfo?.status.map(CompiledCondition.bit) ?? 0
        facts.consentBits = r.consents.reduce(0) { $0 | CompiledCondition.bit($1) }
        return facts
    }

    /// Outside the organisation: as the caller says, else from the e-mail domain, else from the role.
    static func external(_ recipient: CheckRequest.Recipient?, _ settings: OrganisationSettings) -> Bool? {
        guard let recipient else { return nil }
        if let e = recipient.external { return e }
        if let email = recipient.email, !settings.workEmailDomains.isEmpty, let at = email.lastIndex(of: "@") {
            let domain = email[email.index(after: at)...].lowercased()
            return !settings.workEmailDomains.contains { domain == $0.lowercased() || domain.hasSuffix("." + $0.lowercased()) }
        }
        switch recipient.role {
        case .colleague: return false
        case .child, .parentCarer, .professional, .other: return true
        case nil: return nil
        }
    }

    /// Messages may name settings: `{whatsapp_review_date}`, `{office_hours}`.
    func fill(_ message: String, _ settings: OrganisationSettings) -> String {
        guard message.utf8.contains(UInt8(ascii: "{")) else { return message }
        let h = settings.officeHours
        return message
            .replacingOccurrences(of: "{whatsapp_review_date}", with: settings.whatsappReviewDate ?? "not set")
            .replacingOccurrences(of: "{office_hours}", with: "\(OfficeHours.clock(h.opensAtMinute))–\(OfficeHours.clock(h.closesAtMinute))")
    }
}
