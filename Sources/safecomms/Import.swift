import ArgumentParser
import Foundation
import SafeCommsImport
import SafeCommsServer
import SafeCommsStore

/// `safecomms import whatsapp|sms-backup|email|calls FILE --case REF`: a chat export, a phone's SMS
/// backup, e-mail (.eml or .mbox) or a carrier's bill into the case's chronology (PD-1.1, PD-1.8, WA-11, WA-12).
/// Exit status: 0 when everything was imported (or, with --dry-run, could be); 1 when the file has
/// problems or names nobody is matched to (nothing is written then); 2 for a usage error.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import a chat export, SMS backup, e-mail or carrier's bill into a case's chronology; every message timed, dated and matched to the case's people."
    )

    @Argument(help: "The format: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String
    @Argument(
        help:
            "The exported file (a WhatsApp export may be the .zip shared with media: the media are named, never kept)."
    )
    var file: String
    @Option(name: .customLong("case"), help: "The case's reference.")
    var caseReference: String
    @Option(
        name: .customLong("as"),
        help: "The e-mail address of the member of staff whose conversation it is (required to import)."
    )
    var asEmail: String?
    @Option(
        help:
            "A name (or e-mail address) in the file and who it is: a case person's name, a member of staff's e-mail, or - for someone outside the case ('Mum=Sam Parent'). Repeat for more."
    )
    var map: [String] = []
    @Option(
        help:
            "For calls: a YAML column map (date, time, number, direction, duration, type, date_order); without one the header names are recognised."
    )
    var columns: String?
    @Flag(help: "Read and match, but write nothing.")
    var dryRun = false
    @Flag(help: "Print the result as one JSON object.")
    var json = false

    func run() async throws {
        try Runner.bootstrapLogging(serving: false)
        guard let format = ImportFormat(rawValue: format) else {
            usage(
                "'\(format)' is not a format this version imports: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard FileManager.default.isReadableFile(atPath: file) else { usage("cannot read \(file)") }
        var mappings: [String: String] = [:]
        for m in map {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                usage("--map '\(m)': write the name in the file, '=', then who it is")
            }
            mappings[parts[0]] = parts[1]
        }
        var columnMap: CarrierCallLog.ColumnMap?
        if let columns {
            guard format == .calls else { usage("--columns is for a carrier's bill (calls)") }
            do {
                columnMap = try CarrierCallLog.ColumnMap.load(path: columns)
            } catch let e as ImportError {
                usage(e.reason)
            } catch {
                usage("\(columns): \(error)")
            }
        }
        let opened: ImportFile
        do {
            opened = try ImportFile(path: file)
        } catch let e as ImportError {
            usage(e.reason)
        }
        defer { opened.close() }
        // The file is read twice (first to plan, then to write): the bar fills once for each.
        var fileReader = opened.reader
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
        let bar = ProgressBar("Reading \((file as NSString).lastPathComponent)", total: size, unit: .bytes)
        fileReader.onBytesRead = { bar.update($0) }
        defer { bar.finish() }
        let request = CaseImport.Request(
            format: format,
            reader: fileReader,
            columns: columnMap,
            media: opened.media,
            caseReference: caseReference,
            asEmail: asEmail,
            dryRun: dryRun,
            mappings: mappings
        )
        let report: CaseImport.Report
        do {
            report = try await Runner.withApplication(.fromEnvironment()) { app in
                try await Runner.migrateIfNeeded(app)
                return try await CaseImport.run(
                    request,
                    on: app.db,
                    key: app.auditKey,
                    witness: app.auditWitness,
                    library: app.policyLibrary
                )
            }
        } catch let failure as CaseImport.Failure {
            usage(Self.words(failure))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            // A dry run prints exactly the report's contract fields; a real import adds what it wrote.
            var printed = report
            if dryRun { (printed.leftOut, printed.notSent) = (nil, nil) }
            FileHandle.standardOutput.write(try encoder.encode(printed) + Data("\n".utf8))
        } else {
            print(
                "\(report.messages) messages\(report.first.map { " from \($0)" } ?? "")\(report.last.map { " to \($0)" } ?? ""); participants: \(report.participants.joined(separator: ", "))"
            )
            for name in report.unmatched { print("unmatched: \(name) (map it with --map '\(name)=…')") }
            for e in report.errors { print(e.line > 0 ? "line \(e.line): \(e.reason)" : e.reason) }
            if let n = report.leftOut, n > 0 { print("left out \(n) with contacts who are not this case's people") }
            if let n = report.notSent, n > 0 { print("left out \(n) drafts and messages that were never sent") }
            if let n = report.imported { print("imported \(n), already there \(report.alreadyImported ?? 0)") }
        }
        if !report.isClean { throw ExitCode(1) }
    }

    /// A refusal in the command line's terms: which flag to change.
    static func words(_ failure: CaseImport.Failure) -> String {
        switch failure {
        case .noActiveStaff: "--as: \(failure)"
        case .importerRequired:
            "--as is required to import: the e-mail address of the member of staff whose conversation this is"
        case .noSuchCase: "--case: \(failure)"
        case .caseInSeveralOrganisations: "--case: \(failure); say who you are with --as"
        case .mayNotRecord: "--as: \(failure)"
        case .stopped: failure.description
        }
    }

    func usage(_ message: String) -> Never {
        FileHandle.standardError.write(Data("safecomms import: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
