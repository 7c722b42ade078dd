import ArgumentParser
import Foundation
import SafeCommsCore
import SafeCommsPolicies

/// `safecomms check`: the pre-send check on Core alone (no database, no server), so it starts at once.
/// The input and output are a contract external tools depend on; see docs/check-contract.md.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        abstract:
            "Find personal data and other content in messages: JSON {id, text, people} on stdin, one JSON answer per line on stdout."
    )

    @Flag(help: "Read one JSON request per line instead of one request from all of stdin.")
    var jsonl = false

    func run() throws {
        let runner: AnalyseRunner
        do { runner = AnalyseRunner(library: try BundledPolicies.library()) } catch {
            FileHandle.standardError.write(Data("safecomms analyse: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try answerStdin(jsonl: jsonl) { data, line in runner.answer(data, line: line) }
    }
}

/// Answers all of stdin as one request, or each line (`--jsonl`); exit status 1 at the end when any
/// request was refused. The answers to the lines of each read are written together, as soon as the
/// last of them is made: a caller driving us line by line gets each answer before it sends the next
/// line, and a file of 20,000 lines costs a few hundred writes rather than 20,000. Lines are read as bytes, so text that is not
/// UTF-8 is refused rather than repaired, and a blank line gets an error answer of its own: answer N
/// is always input line N.
func answerStdin(jsonl: Bool, _ answer: (Data, Int?) -> CheckRunner.Answer) throws {
    var failed = false
    var out: [UInt8] = []
    func flush() {
        guard !out.isEmpty else { return }
        FileHandle.standardOutput.write(Data(out))
        out.removeAll(keepingCapacity: true)
    }
    func one(_ data: Data, _ line: Int?) {
        let a = answer(data, line)
        failed = failed || a.failed
        out += a.json.utf8
        out.append(0x0A)
    }
    if jsonl {
        var number = 0
        var pending: [UInt8] = []
        func finish(_ raw: ArraySlice<UInt8>) {
            number += 1
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                failed = true
                out += Decision.errorJSON(
                    id: nil,
                    message: "line \(number): the line is empty; send one JSON request per line"
                )
                out.append(0x0A)
            } else {
                one(Data(line), number)
            }
        }
        while true {
            let chunk = FileHandle.standardInput.availableData
            if chunk.isEmpty { break }
            pending += chunk
            var start = 0
            while let nl = pending[start...].firstIndex(of: 0x0A) {
                finish(pending[start..<nl])
                start = nl + 1
            }
            pending.removeFirst(start)
            flush()
        }
        if !pending.isEmpty { finish(pending[...]) }
    } else {
        one(FileHandle.standardInput.readDataToEndOfFile(), nil)
    }
    flush()
    if failed { throw ExitCode(1) }
}
