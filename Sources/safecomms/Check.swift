import ArgumentParser
import Foundation
import SafeCommsCore
import SafeCommsPolicies

/// `safecomms check`: the pre-send check on Core alone (no database, no server), so it starts at once.
/// The input and output are a contract external tools depend on; see docs/check-contract.md.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check communications against the policy packs: JSON requests on stdin, one JSON decision per line on stdout."
    )

    @Option(name: .customLong("org"), help: "Organisation settings (office hours, time zone, packs …) as YAML.")
    var organisationFile: String?
    @Option(
        help:
            "Comma-separated pack ids (default: the organisation's, else all five). A request's own `packs` override these."
    )
    var packs: String?
    @Flag(help: "Read one JSON request per line instead of one request from all of stdin.")
    var jsonl = false
    @Flag(help: "Also answer with the text, each finding of every analyser replaced by [TYPE].")
    var redact = false

    func run() throws {
        try Self.answer(organisationFile: organisationFile, packs: packs, jsonl: jsonl, redact: redact)
    }

    static func answer(organisationFile: String?, packs: String?, jsonl: Bool, redact: Bool) throws {
        var runner: CheckRunner
        do {
            let organisation =
                try organisationFile.map { path in
                    try CheckOrganisation.load(yaml: String(contentsOfFile: path, encoding: .utf8), file: path)
                } ?? CheckOrganisation()
            let ids = packs.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            runner = try CheckRunner(library: BundledPolicies.library(), organisation: organisation, packs: ids)
        } catch {
            FileHandle.standardError.write(Data("safecomms check: \(error)\n".utf8))
            throw ExitCode(2)
        }
        runner.redact = redact
        let r = runner
        try answerStdin(jsonl: jsonl) { data, line in r.answer(data, line: line) }
    }
}

/// `safecomms analyse`: what every content analyser finds in a message, with the clauses each
/// finding type serves and the text redacted.
struct Analyse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract:
            "Find personal data and other content in messages: JSON {id, text, people} on stdin, one JSON answer per line on stdout."
    )

    @Flag(help: "Read one JSON request per line instead of one request from all of stdin.")
    var jsonl = false

    func run() throws { try Self.answer(jsonl: jsonl) }

    static func answer(jsonl: Bool) throws {
        let runner: AnalyseRunner
        do { runner = AnalyseRunner(library: try BundledPolicies.library()) } catch {
            FileHandle.standardError.write(Data("safecomms analyse: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try answerStdin(jsonl: jsonl) { data, line in runner.answer(data, line: line) }
    }
}
