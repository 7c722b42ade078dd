import Foundation

/// Which clauses the words of a message already sent or received fall foul of: the review queue's
/// source. It runs the packs' content rules, those that test what the analysers find, on the message
/// as it was: a rule that blocks (WA-7's personal data on WhatsApp, PD-2.1's request for an image, …)
/// and a clause that says a message received must be reported (PD-1.10, WA-13). A warning about style
/// (PD-1.5's text speak) was the sender's to heed when checking; looking back, it is not worth a
/// manager's review, so it is not raised. Rules about anything but the words (the hour, the device,
/// the consents on file alone) are for the check before sending, not for this.
public struct MessageScanner: Sendable {
    /// One clause a message falls foul of, and the kinds of thing found (`POSTCODE`, `CASE_PERSON`).
    public struct Hit: Sendable, Equatable {
        public var clause: String
        public var types: [String]

        public init(clause: String, types: [String]) {
            self.clause = clause
            self.types = types
        }
    }

    let evaluator: Evaluator
    /// The finding types each report-this obligation looks for, by clause.
    let reported: [String: [String]]

    public init(packs: [PolicyPack], analysers: [any ContentAnalyser] = Evaluator.standardAnalysers) {
        var reported: [String: [String]] = [:]
        let content = packs.map { pack in
            var pack = pack
            pack.clauses = pack.clauses.map { clause in
                var clause = clause
                clause.rules = clause.rules.filter { !($0.when.findings ?? []).isEmpty && $0.severity == .block }
                clause.obligations = clause.obligations.filter { !($0.when.findings ?? []).isEmpty }
                for o in clause.obligations { reported[clause.id, default: []] += o.when.findings ?? [] }
                return clause
            }
            pack.clauses.removeAll { $0.rules.isEmpty && $0.obligations.isEmpty }
            return pack
        }
        evaluator = Evaluator(packs: content, analysers: analysers)
        self.reported = reported
    }

    /// The clauses the message falls foul of, each once, in the packs' order.
    /// - Parameter message: the message as a check would have seen it: its channel, direction,
    ///   device, the person it was with, the case's people and consents, its time and its words.
    public func scan(_ message: CheckRequest, settings: OrganisationSettings) -> [Hit] {
        guard let text = message.text, !text.isEmpty else { return [] }
        let decision = evaluator.evaluate(message, settings: settings, now: message.at ?? Date())
        var hits: [Hit] = []
        var index: [String: Int] = [:]
        for f in decision.findings where f.severity == .block {
            let types = f.spans.map(\.type)
            if let i = index[f.clause] {
                hits[i].types += types
            } else {
                index[f.clause] = hits.count
                hits.append(Hit(clause: f.clause, types: types))
            }
        }
        for o in decision.obligations where index[o.clause] == nil {
            index[o.clause] = hits.count
            hits.append(Hit(clause: o.clause, types: reported[o.clause] ?? []))
        }
        for i in hits.indices { hits[i].types = Array(Set(hits[i].types)).sorted() }
        return hits
    }

    /// The incident a finding of this clause suggests: the kind that comes from the clause (PD-1.10's
    /// abusive contact, WA-13's inappropriate message, PD-2.1's request for an image), else a breach of it.
    public static func suggestedKind(for clause: String) -> IncidentKind {
        IncidentKind.allCases.first { $0.clause == clause } ?? .policyBreach
    }
}
