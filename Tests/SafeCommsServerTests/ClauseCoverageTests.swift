import Foundation
import Testing

/// The phone clauses: a scenario through the API, run on SQLite and PostgreSQL, for each clause it
/// lists. A scenario counts for a clause when a test taking `Backend.available` names the clause in its
/// body (an assertion's message or the comment above it), so a clause cannot lose its last scenario
/// unnoticed.
@Suite struct ClauseCoverageTests {
    static let phoneClauses =
        (1...13).map { "LIN-\($0)" } + "abcdef".map { "LIN-9\($0)" } + "abcd".map { "LIN-13\($0)" }
        + ["COV-4", "COV-5", "COV-6", "COV-7", "PD-1.11", "WNL-10.2"]

    /// The body of every test that runs on both backends, by "File.swift: name".
    static func bothBackendScenarios() throws -> [String: String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        var out: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for part in text.components(separatedBy: "@Test(arguments: Backend.available)").dropFirst() {
                let body = part.components(separatedBy: "@Test").first ?? part
                let name = body.split(separator: "func ").dropFirst().first?.prefix { $0 != "(" } ?? "?"
                out["\(file): \(name)"] = body
            }
        }
        return out
    }

    /// Whether `text` names `clause` exactly: "LIN-1" is not cited by "LIN-13" or "LIN-1.2".
    static func cites(_ text: String, _ clause: String) -> Bool {
        var rest = text[...]
        while let r = rest.range(of: clause) {
            let next = rest[r.upperBound...].first
            if next.map({ !($0.isNumber || $0.isLowercase || $0 == ".") }) ?? true { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    @Test func everyPhoneClauseHasAnAPIScenarioOnBothBackends() throws {
        let scenarios = try Self.bothBackendScenarios()
        #expect(scenarios.count > 10, "the test files were found: \(scenarios.keys.sorted())")
        for clause in Self.phoneClauses {
            #expect(
                scenarios.values.contains { Self.cites($0, clause) },
                "no API scenario on both backends names \(clause)"
            )
        }
    }

    @Test func citationIsExact() {
        #expect(Self.cites("see LIN-13a", "LIN-13a") && Self.cites("(LIN-1)", "LIN-1") && Self.cites("LIN-1", "LIN-1"))
        #expect(!Self.cites("LIN-13", "LIN-1") && !Self.cites("LIN-13a", "LIN-13") && !Self.cites("PD-1.11", "PD-1.1"))
    }
}
