import ArgumentParser
import Foundation
import SafeCommsCore
import SafeCommsServer
import SafeCommsStore

/// `safecomms scan --case REF | --all`: the retrospective scan. Every stored message of the case (or of
/// every case) is run through the organisation's content rules and what is found goes on the review
/// queue, one item per message and clause; a message and clause already there is not added again, so
/// it can be stopped and run again. Exit status: 0 when the scan finished; 2 for a usage error.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract:
            "Scan a case's stored messages (or every case's) for what the policies forbid, and put what is found on the review queue."
    )

    @Option(name: .customLong("case"), help: "The case's reference.")
    var caseReference: String?
    @Flag(help: "Scan every case of every organisation.")
    var all = false
    @Flag(help: "Print the result as one JSON object.")
    var json = false

    func run() async throws {
        try Runner.bootstrapLogging(serving: false)
        guard (caseReference != nil) != all else { usage("say which: --case REF, or --all") }
        let report: ReviewQueue.ScanReport
        let bar = ProgressBar("Scanning", unit: .items("messages"))
        defer { bar.finish() }
        do {
            report = try await Runner.withApplication(.fromEnvironment()) { app in
                try await Runner.migrateIfNeeded(app)
                return try await ReviewQueue.scan(
                    caseReference: caseReference,
                    library: app.policyLibrary,
                    key: app.auditKey,
                    witness: app.auditWitness,
                    on: app.db,
                    progress: { bar.update($0) }
                )
            }
        } catch let e as SafeCommsCore.ValidationError {
            usage("--case: \(e.reason)")
        }
        if json {
            FileHandle.standardOutput.write(try JSONEncoder().encode(report) + Data("\n".utf8))
        } else {
            print(
                "scanned \(report.messages) messages in \(report.cases) cases; \(report.flagged) put on the review queue"
            )
        }
    }

    func usage(_ message: String) -> Never {
        FileHandle.standardError.write(Data("safecomms scan: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
