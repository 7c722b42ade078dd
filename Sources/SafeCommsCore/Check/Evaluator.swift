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
    /// The analysers that report a type some rule tests, each with the bits of the types it reports.
    private let activeAnalysers: [(analyser: any ContentAnalyser, mask: UInt64)]
    /// Each wanted finding type's bit, for masks of what a request needs.
    private let typeBits: [String: UInt64]
    /// The set of type names for each mask a request has needed (few distinct ones occur).
    private let wantedSets = BoundedCache<UInt64, Set<String>>(capacity: 4096)

    // Not generic, so access to their fields is specialised and nothing is copied per request.
    private final class CompiledRule: @unchecked Sendable {  // findingMask is set once, in the evaluator's init
        let clause: String
        let when: CompiledCondition
        /// The finding types of the condition and its exceptions, as bits of `typeBits`.
        var findingMask: UInt64 = 0
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

    private final class CompiledObligation: @unchecked Sendable {  // findingMask is set once, in the evaluator's init
        let clause: String
        let when: CompiledCondition
        var findingMask: UInt64 = 0
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
        var bits: [String: UInt64] = [:]
        for (i, type) in wanted.sorted().enumerated() { bits[type] = UInt64(1) << UInt64(min(i, 63)) }
        typeBits = bits
        func mask(_ types: some Sequence<String>) -> UInt64 { types.reduce(0) { $0 | (bits[$1] ?? 0) } }
        for r in rules {
            r.findingMask = mask((r.when.findings ?? []) + r.exceptions.flatMap { $0.when.findings ?? [] })
        }
        for o in obligations { o.findingMask = mask(o.when.findings ?? []) }
        activeAnalysers = analysers.map { ($0, mask($0.types)) }.filter { $0.mask != 0 }
    }

    public static let standardAnalysers: [any ContentAnalyser] = [
        CasePersonAnalyser(), PersonalDataAnalyser(), PhraseAnalyser.standard, PersonalContactAnalyser(),
    ]

    /// - Parameter now: the instant used when the request gives no `at`.
    public func evaluate(_ request: CheckRequest, settings: OrganisationSettings, now: Date = Date()) -> Decision {
        var facts = facts(for: request, settings: settings, now: now)
        facts.content = content(of: request, settings: settings, wanted: wanted(facts))
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
                Obligation(
                    clause: o.clause,
                    action: fill(o.action, settings),
                    due: ISOInstant.format(facts.at.addingTimeInterval(Double(o.dueHours) * 3600))
                )
            )
        }
        return Decision(id: request.id, findings: findings, obligations: owed)
    }

    /// The finding types of the rules, exceptions and obligations whose other conditions hold: the
    /// only ones worth looking for (a text message needs no search for what only WhatsApp forbids).
    func wanted(_ facts: CheckFacts) -> UInt64 {
        var wanted: UInt64 = 0
        for r in rules where r.findingMask & ~wanted != 0 && r.when.holdsApartFromContent(facts) {
            wanted |= r.findingMask
        }
        for o in obligations where o.findingMask & ~wanted != 0 && o.when.holdsApartFromContent(facts) {
            wanted |= o.findingMask
        }
        return wanted
    }

    /// What the analysers that report a wanted type find, by type.
    func content(of r: CheckRequest, settings: OrganisationSettings, wanted: UInt64) -> [String: [Span]] {
        var content: [String: [Span]] = [:]
        let text = r.text ?? ""
        guard wanted != 0, !text.isEmpty || !r.attachments.isEmpty else { return content }
        let analysed = AnalysedText(text)
        let names = wantedSets.get(wanted) { Set(typeBits.filter { $0.value & wanted != 0 }.map(\.key)) }
        let context = AnalysisContext(
            people: r.caseInfo?.people ?? [],
            attachmentNames: r.attachments.map(\.name),
            direction: r.direction,
            wanted: names,
            organisation: names.contains(FindingType.personalContact) ? OrganisationContacts(settings: settings) : .none
        )
        for (analyser, mask) in activeAnalysers where mask & wanted != 0 {
            for f in analyser.analyse(analysed, context: context) {
                content[f.type, default: []].append(contentsOf: f.span.map { [$0] } ?? [])
            }
        }
        // The case's own analyser and the generic one can both find the same postcode.
        for (type, spans) in content where spans.count > 1 {
            var seen: Set<Span> = []
            content[type] = spans.filter { seen.insert($0).inserted }
        }
        return content
    }

    /// Everything about the request but its content (`content(of:settings:wanted:)` adds that).
    func facts(for r: CheckRequest, settings: OrganisationSettings, now: Date) -> CheckFacts {
        let at = r.at ?? now
        let content: [String: [Span]] = [:]
        var passed: Set<Condition.DateSetting> = []
        if let review = settings.whatsappReviewDate, let day = BankHolidays.Day(parsing: review),
            settings.officeHours.localDay(of: at) > day
        {
            passed.insert(.whatsappReviewDate)
        }
        var facts = CheckFacts(
            request: r,
            at: at,
            outOfHours: settings.officeHours.isOutOfHours(at),
            recipientExternal: Self.external(r.recipient, settings),
            content: content,
            passedSettings: passed
        )
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
            return !settings.workEmailDomains.contains {
                domain == $0.lowercased() || domain.hasSuffix("." + $0.lowercased())
            }
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
        return
            message
            .replacingOccurrences(of: "{whatsapp_review_date}", with: settings.whatsappReviewDate ?? "not set")
            .replacingOccurrences(
                of: "{office_hours}",
                with: "\(OfficeHours.clock(h.opensAtMinute))–\(OfficeHours.clock(h.closesAtMinute))"
            )
    }
}
