import ArgumentParser
import Foundation

/// `safecomms analyse` and `safecomms check` with flags alone, started the quick way. Other programs
/// start them once per batch, and for a small batch start-up is most of the time: ArgumentParser's
/// reflection over the commands and NIO's event-loop threads (which only the server and the store's
/// commands use) were about half of a 34 ms start-up, most of it the runtime's searches of this
/// large binary for protocol conformances (`perf`). These forms need neither. Any other argument,
/// `--help` or a mistake included, goes the ordinary way, through ArgumentParser.
enum QuickStart {
    /// Runs the command and exits when the arguments are one of the quick forms; returns otherwise.
    static func runIfQuick(_ arguments: [String]) {
        guard let command = arguments.first, Set(arguments.dropFirst()).count == arguments.count - 1 else { return }
        let flags = Set(arguments.dropFirst())
        do {
            switch command {
            case "analyse" where flags.isSubset(of: ["--jsonl"]):
                try Analyse.answer(jsonl: flags.contains("--jsonl"))
            case "check" where flags.isSubset(of: ["--jsonl", "--redact"]):
                try Check.answer(
                    organisationFile: nil,
                    packs: nil,
                    jsonl: flags.contains("--jsonl"),
                    redact: flags.contains("--redact")
                )
            default:
                return
            }
        } catch {
            SafeComms.exit(withError: error)
        }
        SafeComms.exit()
    }
}
