import ArgumentParser
import Foundation
import SafeCommsCore
import SafeCommsPolicies

/// `safecomms clauses`: every clause id of every pack, its kind, and the code and tests that back it.
struct Clauses: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clauses",
        abstract: "List every policy clause with its kind and the code and tests that carry it out."
    )

    @Flag(help: "One JSON object per clause instead of a table.")
    var jsonl = false

    func run() throws {
        let rows = ClauseCoverage.rows(try BundledPolicies.load())
        var out = ""
        for r in rows {
            if jsonl {
                let object: [String: Any] = [
                    "id": r.id, "pack": r.pack, "kind": r.kind.rawValue, "code": r.code, "tests": r.tests,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                out += String(decoding: data, as: UTF8.self) + "\n"
            } else {
                out +=
                    "\(r.id.padding(toLength: 11, withPad: " ", startingAt: 0)) \(r.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) code: \(r.code.joined(separator: ", "))\n"
                out += "\(String(repeating: " ", count: 22))tests: \(r.tests.joined(separator: ", "))\n"
            }
        }
        let missing = ClauseCoverage.unbacked(rows)
        if !jsonl {
            out += "\n\(rows.count) clauses; \(rows.count - missing.count) backed by code and tests"
            out += missing.isEmpty ? ".\n" : "; not yet: \(missing.map(\.id).joined(separator: ", ")).\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if !missing.isEmpty { throw ExitCode(1) }
    }
}
