import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsPolicies

/// The repository root, from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite struct PolicyPackCoverageTests {
    /// Clause ids as the annotated documents mark them: `**[PD-1.6]**`.
    static func clauseIDs(inDocument text: String) -> [String] {
        let pattern = /\*\*\[([A-Z]+-[0-9A-Za-z.]+)\]\*\*/
        return text.matches(of: pattern).map { String($0.output.1) }
    }

    static let sources = repositoryRoot.appendingPathComponent("Policies/sources")

    @Test func everyClauseOfEveryDocumentIsInItsPackAndNothingElse() throws {
        // setup
        let packs = try BundledPolicies.load()

        // validation
        #expect(packs.map(\.id) == BundledPolicies.ids)
        for pack in packs {
            let document = try String(contentsOf: Self.sources.appendingPathComponent(pack.source), encoding: .utf8)
            #expect(
                document.hasPrefix("<!-- policy pack source: \(pack.id) -->"),
                "\(pack.source) is not the source of \(pack.id)"
            )
            let inDocument = Self.clauseIDs(inDocument: document)
            #expect(inDocument.count > 5, "no clause ids found in \(pack.source)")
            let inPack = pack.clauses.map(\.id)
            let missing = inDocument.filter { !inPack.contains($0) }
            let invented = inPack.filter { !inDocument.contains($0) }
            #expect(missing.isEmpty, "\(pack.id) is missing clauses \(missing)")
            #expect(invented.isEmpty, "\(pack.id) names clauses its document does not have: \(invented)")
            #expect(inPack == inDocument, "\(pack.id) should list the clauses in the document's order")
            for clause in pack.clauses {
                #expect(
                    !clause.summary.isEmpty && !clause.summary.contains("\n"),
                    "\(clause.id) needs a one-line summary"
                )
            }
        }
    }

    /// The copies in `Policies/sources` are the documents in `../shared/policies` when that folder exists.
    /// A clause is in force where the organisation uses a pack that holds it, or has not chosen packs
    /// (WNL-10.2's landlines apply only with the WorkNLearn pack).
    @Test func aClauseIsInForceOnlyWithItsPack() throws {
        let library = try BundledPolicies.library()
        let worknlearn = try #require(library.packs.first { $0.clauses.contains { $0.id == "WNL-10.2" } })
        let others = library.ids.filter { $0 != worknlearn.id }
        #expect(library.inForce("WNL-10.2", packs: nil))
        #expect(library.inForce("WNL-10.2", packs: [worknlearn.id]))
        #expect(library.inForce("WNL-10.2", packs: others + [worknlearn.id]))
        #expect(!library.inForce("WNL-10.2", packs: others))
        #expect(!library.inForce("WNL-10.2", packs: []))
        #expect(!library.inForce("XX-1", packs: nil))
    }

    @Test func sourceCopiesMatchTheSharedDocuments() throws {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/policies")
        guard FileManager.default.fileExists(atPath: shared.path) else { return }
        for file in try FileManager.default.contentsOfDirectory(atPath: shared.path) where file.hasSuffix(".md") {
            let original = try Data(contentsOf: shared.appendingPathComponent(file))
            let copy = try Data(contentsOf: Self.sources.appendingPathComponent(file))
            #expect(original == copy, "Policies/sources/\(file) differs from ../shared/policies/\(file)")
        }
    }

    @Test func everyFindingTypeARuleNamesHasAnAnalyser() throws {
        let provided = Evaluator.standardAnalysers.reduce(into: Set<String>()) { $0.formUnion($1.types) }
        for pack in try BundledPolicies.load() {
            for clause in pack.clauses {
                let named =
                    clause.rules.flatMap { Array($0.when.findings ?? []) }
                    + clause.obligations.flatMap { Array($0.when.findings ?? []) }
                for type in named {
                    #expect(provided.contains(type), "\(clause.id) tests \(type), which no analyser reports")
                }
            }
        }
    }

    @Test func aPackWithAMistakeNamesTheField() throws {
        let yaml = """
            id: test
            title: Test
            source: test.md
            clauses:
              - id: T-1
                kind: enforced
                summary: One rule.
                rules:
                  - when: {channels: [sms, pigeon]}
                    severity: block
                    message: No.
            """
        #expect(
            throws: PolicyPackError(
                file: "t.yaml",
                field: "clauses[0].rules[0].when.channels[1]",
                reason:
                    "unknown value 'pigeon'; expected one of: \(Channel.checkable.map(\.rawValue).joined(separator: ", "))"
            )
        ) {
            try PolicyPack.load(yaml: yaml, file: "t.yaml")
        }
        let noRule = "id: t\ntitle: T\nsource: t.md\nclauses:\n  - {id: T-1, kind: enforced, summary: Rule-less.}\n"
        #expect(
            throws: PolicyPackError(
                file: "t.yaml",
                field: "clauses[0].rules",
                reason: "T-1 is enforced, so it needs at least one rule"
            )
        ) {
            try PolicyPack.load(yaml: noRule, file: "t.yaml")
        }
        let twice =
            "id: t\ntitle: T\nsource: t.md\nclauses:\n  - {id: T-1, kind: guidance, summary: A.}\n  - {id: T-1, kind: guidance, summary: B.}\n"
        #expect(throws: PolicyPackError(file: "t.yaml", field: "clauses[1].id", reason: "clause T-1 is listed twice")) {
            try PolicyPack.load(yaml: twice, file: "t.yaml")
        }
    }

    /// Each kind of value a pack holds is read as YAML writes it, and a value of the wrong shape is
    /// named by its path: a flag, a whole number, a list, a mapping, a null.
    @Test func packValuesAreReadAsYAMLWritesThem() throws {
        let head =
            "id: t\ntitle: T\nsource: t.md\nversion: 2\nclauses:\n  - id: T-1\n    kind: enforced\n    summary: S.\n"
        let pack = try PolicyPack.load(
            yaml: head
                + "    rules:\n      - when: {whatsapp_enabled: no, emergency: ~, channels: [sms]}\n        severity: warn\n        message: 'Yes: 10'\n"
                + "    obligations:\n      - {action: record, due_hours: 1_000}\n",
            file: "t.yaml"
        )
        #expect(pack.version == "2", "a number where text is asked for is the text as written")
        let rule = try #require(pack.clauses.first?.rules.first)
        #expect(rule.when.whatsappEnabled == false && rule.when.emergency == nil && rule.when.channels == [.sms])
        #expect(rule.message == "Yes: 10")
        #expect(pack.clauses.first?.obligations.first?.dueHours == 1_000)
        // A merge key brings in an anchored mapping's fields; a field written beside it wins.
        let merged = try PolicyPack.load(
            yaml: head
                + "    rules:\n      - when: &sms {channels: [sms], emergency: false}\n        severity: warn\n        message: M\n"
                + "      - when: {<<: *sms, emergency: true}\n        severity: block\n        message: N\n",
            file: "t.yaml"
        )
        let second = try #require(merged.clauses.first?.rules.last)
        #expect(second.when.channels == [.sms] && second.when.emergency == true && second.severity == .block)
        let wrong: [(String, String, String)] = [
            (
                "    rules:\n      - when: {emergency: maybe}\n        severity: warn\n        message: M\n",
                "clauses[0].rules[0].when.emergency", "expected true or false"
            ),
            (
                "    rules:\n      - when: {channels: sms}\n        severity: warn\n        message: M\n",
                "clauses[0].rules[0].when.channels", "expected a list of strings"
            ),
            ("    rules: {when: {}}\n", "clauses[0].rules", "must be a list"),
            (
                "    rules:\n      - when: {<<: [sms]}\n        severity: warn\n        message: M\n",
                "clauses[0].rules[0].when.<<", "merges only mappings of fields, such as <<: *anchor"
            ),
            (
                "    rules:\n      - when: [sms]\n        severity: warn\n        message: M\n",
                "clauses[0].rules[0].when", "must be a mapping of fields (name: value)"
            ),
            (
                "    obligations:\n      - {action: record, due_hours: '24'}\n    rules:\n      - {severity: warn, message: M}\n",
                "clauses[0].obligations[0].due_hours", "expected a whole number of hours"
            ),
        ]
        for (tail, field, reason) in wrong {
            #expect(throws: PolicyPackError(file: "t.yaml", field: field, reason: reason), "\(tail)") {
                try PolicyPack.load(yaml: head + tail, file: "t.yaml")
            }
        }
        #expect(throws: PolicyPackError(file: "t.yaml", field: "", reason: "must be a mapping of fields (name: value)"))
        {
            try PolicyPack.load(yaml: "- a list\n", file: "t.yaml")
        }
    }
}
