import ArgumentParser
import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport
import SafeCommsServer
import SafeCommsStore

/// `safecomms reconcile --calls FILE`: the calls and texts in a carrier's itemised bill with a case
/// contact that nobody recorded (PD-1.1, PD-1.8), out-of-hours ones marked (PD-1.2). Exit status 0 when
/// every case contact was recorded, 1 when some were not (or rows had problems), 2 for a usage error.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "List the calls and texts with case contacts in a carrier's bill that have no communication record."
    )

    @Option(help: "The carrier's itemised call and text log, as CSV.")
    var calls: String
    @Option(help: "How far apart a bill row and a record may be and still be the same contact: 30m, 2h, 90s.")
    var window = "30m"
    @Option(
        help:
            "A YAML column map (date, time, number, direction, duration, type, date_order); without one the header names are recognised."
    )
    var columns: String?
    @Option(
        name: .customLong("as"),
        help:
            "Your e-mail address (a manager, the DSL or an auditor); needed when the store holds more than one organisation."
    )
    var asEmail: String?
    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func run() async throws {
        try Runner.bootstrapLogging(serving: false)
        guard let seconds = Reconcile.window(parsing: window) else {
            usage("--window '\(window)' is not a duration such as 30m, 2h or 90s")
        }
        guard FileManager.default.isReadableFile(atPath: calls) else { usage("cannot read \(calls)") }
        var map: CarrierCallLog.ColumnMap?
        if let columns {
            do {
                map = try CarrierCallLog.ColumnMap.load(path: columns)
            } catch let e as ImportError {
                usage(e.reason)
            } catch {
                usage("\(columns): \(error)")
            }
        }
        var billReader = LineReader(path: calls)
        let size = (try? FileManager.default.attributesOfItem(atPath: calls)[.size] as? Int) ?? nil
        let bar = ProgressBar("Reading the bill", total: size, unit: .bytes)
        billReader.onBytesRead = { bar.update($0) }
        defer { bar.finish() }
        let reader = billReader
        let email = asEmail, columnMap = map
        let outcome: Result<Reconcile.Report, RunnerError> = try await Runner.withApplication(.fromEnvironment()) {
            app in
            try await Runner.migrateIfNeeded(app)
            let organisationID: UUID
            if let email {
                guard let s = try await StaffMember.query(on: app.db).filter(\.$email == email.lowercased()).first(),
                    s.active
                else {
                    return .failure(RunnerError("--as: no active member of staff has the e-mail address \(email)"))
                }
                guard AccessPolicy.can(try await s.principal(on: app.db), .reconcile) else {
                    return .failure(RunnerError("--as: the report is for managers, the DSL and auditors"))
                }
                organisationID = s.organisationID
            } else {
                let all = try await Organisation.query(on: app.db).all()
                guard all.count == 1, let only = all.first?.id else {
                    return .failure(RunnerError("--as is needed: the store holds \(all.count) organisations"))
                }
                organisationID = only
            }
            return .success(
                try await Reconcile.run(
                    .init(reader: reader, map: columnMap, organisationID: organisationID, window: seconds),
                    on: app.db
                )
            )
        }
        let report: Reconcile.Report
        switch outcome {
        case .success(let r): report = r
        case .failure(let e): usage(e.description)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        } else {
            print(
                "\(report.rows) rows; \(report.caseContacts) with case contacts; \(report.recorded) recorded; \(report.unrecorded.count) not recorded"
            )
            for u in report.unrecorded {
                print(
                    "line \(u.line): \(u.at) \(u.kind) \(u.direction ?? "") \(u.number) on \(u.caseReferences.joined(separator: ", "))\(u.outOfHours ? " (out of hours, PD-1.2)" : "")"
                )
            }
            if let l = report.lateness {
                print(
                    "recorded contact: median \(l.medianMinutes) min after, 90% within \(l.p90Minutes) min, latest \(l.maxMinutes) min; \(l.overADay) over a day"
                )
            }
            for e in report.errors { print("line \(e.line): \(e.reason)") }
        }
        if !report.unrecorded.isEmpty || !report.errors.isEmpty { throw ExitCode(1) }
    }

    /// "30m", "2h", "90s", or minutes alone.
    func usage(_ message: String) -> Never {
        FileHandle.standardError.write(Data("safecomms reconcile: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
