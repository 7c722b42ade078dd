import ArgumentParser
import Foundation
import SafeCommsCore
import SafeCommsPolicies

/// `safecomms check`: the pre-send check on Core alone (no database, no server), so it starts at once.
/// The input and output are a contract external tools depend on (issue 3); see README.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check communications against the policy packs: JSON requests on stdin, one JSON decision per line on stdout.")

    @Option(name: .customLong("org"), help: "Organisation settings (office hours, time zone, packs …) as YAML.")
    var organisationFile: String?
    @Option(help: "Comma-separated pack ids (default: the organisation's, else all five). A request's own `packs` override these.")
    var packs: String?
    @Flag(help: "Read one JSON request per line instead of one request from all of stdin.")
    var jsonl = false

    func run() throws {
        let runner: CheckRunner
        do {
            let organisation = try organisationFile.map { path in
                try CheckOrganisation.load(yaml: String(contentsOfFile: path, encoding: .utf8), file: path)
            } ?? CheckOrganisation()
            let ids = packs.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            runner = try CheckRunner(library: BundledPolicies.library(), organisation: organisation, packs: ids)
        } catch {
            FileHandle.standardError.write(Data("safecomms check: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var failed = false
        func answer(_ data: Data, line: Int? = nil) {
            let a = runner.answer(data, line: line)
            failed = failed || a.failed
            // Written straight through: a caller driving us line by line reads each answer as it is written.
            FileHandle.standardOutput.write(Data((a.json + "\n").utf8))
        }
        if jsonl {
            var number = 0
            while let line = readLine(strippingNewline: true) {
                number += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                answer(Data(line.utf8), line: number)
            }
        } else {
            answer(FileHandle.standardInput.readDataToEndOfFile())
        }
        if failed { throw ExitCode(1) }
    }
}
