import Foundation
import SafeCommsCore

/// The packs as staff read them on the policy page: each clause's own words from its source
/// document, our summary, and how and where SafeComms carries it out.
struct PolicyCatalogue: Sendable {
    let packs: [PolicyPack]
    /// Pack id → clause id → the clause's words in its document.
    let texts: [String: [String: String]]

    /// The packs an organisation uses: those it chose, else every pack.
    func packs(chosen: [String]?) -> [PolicyPack] {
        guard let chosen else { return packs }
        return packs.filter { chosen.contains($0.id) }
    }

    func text(_ clause: String, in pack: String) -> String { texts[pack]?[clause] ?? "" }

    /// How SafeComms carries a clause out, in a sentence, and the page where it does.
    struct Place: Sendable, Equatable {
        var how: String
        var label: String
        var href: String
    }

    static func place(of c: Clause) -> Place {
        switch c.kind {
        case .enforced:
            return Place(
                how: "Enforced: the check warns or stops a message that breaks it, before it goes.",
                label: "Write to someone from a case",
                href: "/cases"
            )
        case .guidance:
            return Place(
                how: "Guidance: no software can check it. Read it, and acknowledge the policy below.",
                label: "Acknowledge this policy",
                href: "#acknowledge"
            )
        case .recorded, .run:
            let how =
                c.kind == .recorded
                ? "Recorded: SafeComms keeps it on record."
                : "Run: SafeComms runs it as a workflow."
            for (prefixes, label, href) in places
            where prefixes.contains(where: { c.id == $0 || c.id.hasPrefix($0 + ".") }) {
                return Place(how: how, label: label, href: href)
            }
            if c.id.hasPrefix("LIN-") || c.id.hasPrefix("COV-") {
                return Place(how: how, label: "Phones", href: "/phones")
            }
            return Place(how: how, label: "The case chronology", href: "/cases")
        }
    }

    /// Where the recorded and run clauses that are not about the phones or the chronology live.
    private static let places: [([String], String, String)] = [
        (["PD-1.3", "COV-3"], "Number sharing", "/number-sharing"),
        (["PD-1.11", "WNL-10.2"], "Phones", "/phones"),
        (["PD-1.13", "PD-2.2", "PD-2.3", "PD-2.4", "PD-2.5", "PD-4.2", "WA-13"], "Incidents", "/incidents"),
        (["WNL-5.2"], "Acknowledge this policy", "#acknowledge"),
    ]

    /// The kind as a word on a tag.
    static func kindLabel(_ k: ClauseKind) -> String {
        switch k {
        case .enforced: "Enforced"
        case .recorded: "Recorded"
        case .run: "Run"
        case .guidance: "Guidance"
        }
    }

    /// Clauses whose id, summary or words contain every word of `query` (case and accents ignored).
    func search(_ query: String, in packs: [PolicyPack]) -> [(PolicyPack, Clause)] {
        let words = query.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return [] }
        var out: [(PolicyPack, Clause)] = []
        for pack in packs {
            for c in pack.clauses {
                let hay = c.id + " " + c.summary + " " + text(c.id, in: pack.id)
                if words.allSatisfy({ hay.range(of: $0, options: [.caseInsensitive, .diacriticInsensitive]) != nil }) {
                    out.append((pack, c))
                }
            }
        }
        return out
    }
}
