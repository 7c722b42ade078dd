import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsPolicies

/// `safecomms clauses` tells the truth: every clause of every document has code and tests behind it,
/// and each file named for a clause exists and cites that clause's id.
@Suite struct ClauseBackingTests {
    /// Whether `text` names `clause` exactly: "LIN-1" is not cited by "LIN-13", "LIN-1a" or "LIN-1.2".
    static func cites(_ text: String, _ clause: String) -> Bool {
        var rest = text[...]
        while let r = rest.range(of: clause) {
            let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
            let after = rest[r.upperBound...]
            // "PD-1.1" ends at "PD-1.1." (a full stop) but not at "PD-1.11", "PD-1.1.2" or "LIN-1a".
            let continues: Bool =
                switch after.first {
                case .some(let c) where c.isNumber || c.isLowercase: true
                case "."?: after.dropFirst().first?.isNumber == true
                default: false
                }
            let endsHere = !continues
            let startsHere = before.map { !($0.isLetter || $0.isNumber || $0 == "-") } ?? true
            if endsHere && startsHere { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    @Test func citationIsExact() {
        #expect(Self.cites("see LIN-13a.", "LIN-13a") && Self.cites("(PD-1.1)", "PD-1.1"))
        #expect(!Self.cites("LIN-13", "LIN-1") && !Self.cites("LIN-9a", "LIN-9") && !Self.cites("PD-1.11", "PD-1.1"))
        #expect(!Self.cites("XPD-1.1", "PD-1.1") && Self.cites("WNL-6.3.1.json", "WNL-6.3.1"))
    }

    @Test func everyClauseIsBackedByCodeAndTestsThatCiteIt() throws {
        // setup
        let packs = try BundledPolicies.load()
        var documentIDs: [String] = []
        for pack in packs {
            let document = try String(
                contentsOf: PolicyPackCoverageTests.sources.appendingPathComponent(pack.source),
                encoding: .utf8
            )
            documentIDs += PolicyPackCoverageTests.clauseIDs(inDocument: document)
        }

        // MUT
        let rows = ClauseCoverage.rows(packs)

        // validation
        #expect(rows.count == 110 && rows.map(\.id) == documentIDs, "every clause of the five documents, in order")
        #expect(
            ClauseCoverage.unbacked(rows).isEmpty,
            "no clause without code and tests: \(ClauseCoverage.unbacked(rows).map(\.id))"
        )
        var texts: [String: String] = [:]
        func text(_ path: String) -> String? {
            if let t = texts[path] { return t }
            let t = try? String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
            texts[path] = t
            return t
        }
        for r in rows {
            for path in r.code + r.tests {
                let t = text(path)
                #expect(t != nil, "\(r.id) cites \(path), which does not exist")
                if r.kind != .guidance, let t {
                    #expect(Self.cites(t, r.id) || path.hasSuffix("/\(r.id).json"), "\(path) does not cite \(r.id)")
                }
            }
            if r.kind == .enforced {
                #expect(r.code.contains { $0.hasPrefix("Policies/") }, "\(r.id): its rules are in its pack")
            }
        }
        // Guidance is shown by the policy page, in each clause's own words.
        let guidance = rows.filter { $0.kind == .guidance }
        #expect(guidance.count == 32)
        let words = try BundledPolicies.clauseTexts(for: packs)
        for r in guidance {
            #expect((words[r.pack]?[r.id]?.count ?? 0) > 20, "\(r.id) has its own words for the policy page")
        }
    }
}
