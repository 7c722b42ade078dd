/// How every clause of every pack is carried out, and what tests hold it to it: `safecomms clauses`.
/// Enforced, recorded and run clauses name their own code and tests in the pack (`backed_by`), each
/// file citing the clause id (`ClauseBackingTests` checks it). Guidance is carried out by one thing
/// for all of it: the policy page, which shows every guidance clause in its own words and asks staff
/// to acknowledge each pack.
public enum ClauseCoverage {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var pack: String
        public var kind: ClauseKind
        public var code: [String]
        public var tests: [String]
    }

    /// What shows guidance to staff and has it acknowledged.
    public static let guidance = Clause.Backing(
        code: [
            "Sources/SafeCommsServer/Pages/PolicyPageController.swift",
            "Sources/SafeCommsServer/Resources/Views/policy.leaf",
            "Sources/SafeCommsStore/UseCases/PolicyAcknowledgements.swift",
        ],
        tests: ["Tests/SafeCommsServerTests/RegisterAPITests.swift", "tests/browser/test_registers.py"]
    )

    public static func rows(_ packs: [PolicyPack]) -> [Row] {
        packs.flatMap { pack in
            pack.clauses.map { c in
                let b = c.kind == .guidance ? guidance : c.backing
                return Row(id: c.id, pack: pack.id, kind: c.kind, code: b.code, tests: b.tests)
            }
        }
    }

    /// Rows with nothing behind them: no code, or no test.
    public static func unbacked(_ rows: [Row]) -> [Row] { rows.filter { $0.code.isEmpty || $0.tests.isEmpty } }
}
