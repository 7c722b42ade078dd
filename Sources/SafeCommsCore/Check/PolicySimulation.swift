import Foundation

/// What a changed policy would have said about contact already recorded: each message checked by the
/// packs in use and by the packs with the change, and the two answers counted per clause and per
/// team. Before an administrator switches a new version on, they see what it would warn about or
/// stop (Purview DLP calls this a simulation).
public struct PolicySimulation: Sendable {
    /// One recorded message as the check would have seen it, and the team of who recorded it.
    public struct Message: Sendable {
        public var team: String
        public var request: CheckRequest

        public init(team: String, request: CheckRequest) {
            self.team = team
            self.request = request
        }
    }

    /// Warnings and stops under the packs in use (`before`) and with the change (`after`).
    public struct Counts: Sendable, Equatable {
        public var name: String
        public var warnBefore = 0, blockBefore = 0, warnAfter = 0, blockAfter = 0

        public init(name: String, warnBefore: Int = 0, blockBefore: Int = 0, warnAfter: Int = 0, blockAfter: Int = 0) {
            self.name = name
            self.warnBefore = warnBefore
            self.blockBefore = blockBefore
            self.warnAfter = warnAfter
            self.blockAfter = blockAfter
        }

        public var changed: Bool { warnBefore != warnAfter || blockBefore != blockAfter }
    }

    public struct Report: Sendable, Equatable {
        public var messages = 0
        /// Messages whose verdict (allow, warn, block) differs.
        public var changed = 0
        /// Per clause that warned or stopped anything either way, by clause id.
        public var byClause: [Counts] = []
        /// Per team, counting messages by their verdict.
        public var byTeam: [Counts] = []
    }

    let before: Evaluator
    let after: Evaluator
    let settings: OrganisationSettings

    public init(before: Evaluator, after: Evaluator, settings: OrganisationSettings) {
        self.before = before
        self.after = after
        self.settings = settings
    }

    /// The packs in use with `candidate` in place of the pack of the same id, or added after them.
    public static func packs(_ inUse: [PolicyPack], with candidate: PolicyPack) -> [PolicyPack] {
        inUse.contains { $0.id == candidate.id }
            ? inUse.map { $0.id == candidate.id ? candidate : $0 } : inUse + [candidate]
    }

    /// Checks each message both ways. A clause counts once per message, at its most severe finding.
    public func run(_ messages: some Sequence<Message>) -> Report {
        var report = Report()
        var clauses: [String: Counts] = [:]
        var teams: [String: Counts] = [:]
        for m in messages {
            // The message's own time, so office hours and dates read as they did then.
            let now = m.request.at ?? Date()
            let a = before.evaluate(m.request, settings: settings, now: now)
            let b = after.evaluate(m.request, settings: settings, now: now)
            report.messages += 1
            if a.decision != b.decision { report.changed += 1 }
            for (clause, severity) in Self.worst(a) {
                clauses[clause, default: Counts(name: clause)].add(severity, before: true)
            }
            for (clause, severity) in Self.worst(b) {
                clauses[clause, default: Counts(name: clause)].add(severity, before: false)
            }
            var team = teams[m.team, default: Counts(name: m.team)]
            team.add(a.decision, before: true)
            team.add(b.decision, before: false)
            teams[m.team] = team
        }
        report.byClause = clauses.values.sorted { $0.name < $1.name }
        report.byTeam = teams.values.sorted { $0.name < $1.name }
        return report
    }

    /// Each clause's most severe finding in a decision, warnings and stops only.
    static func worst(_ d: Decision) -> [String: Decision.Verdict] {
        var out: [String: Decision.Verdict] = [:]
        for f in d.findings {
            let v: Decision.Verdict
            switch f.severity {
            case .block: v = .block
            case .warn: v = .warn
            case .info: continue
            }
            out[f.clause] = max(out[f.clause] ?? .allow, v)
        }
        return out
    }
}

extension PolicySimulation.Counts {
    mutating func add(_ v: Decision.Verdict, before: Bool) {
        switch (v, before) {
        case (.warn, true): warnBefore += 1
        case (.block, true): blockBefore += 1
        case (.warn, false): warnAfter += 1
        case (.block, false): blockAfter += 1
        case (.allow, _): break
        }
    }
}
