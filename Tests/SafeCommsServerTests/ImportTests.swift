import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport
import Testing
import Vapor

@testable import SafeCommsServer
@testable import SafeCommsStore

/// A WhatsApp export into a case's chronology (PD-1.1, WA-11, WA-12), on SQLite and PostgreSQL,
/// and through the `safecomms import` command.
@Suite struct ImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/imports/whatsapp")

    static func request(
        _ file: String,
        dryRun: Bool,
        as email: String?,
        map: [String: String] = [:],
        reference: String = "North-A"
    ) -> CaseImport.Request {
        CaseImport.Request(
            format: .whatsapp,
            reader: LineReader(path: fixtures.appendingPathComponent(file).path),
            caseReference: reference,
            asEmail: email,
            dryRun: dryRun,
            mappings: map
        )
    }

    @Test(arguments: Backend.available)
    func aChatLandsInTheChronologyOnceMatchedAndOnlyOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!
            let map = ["Jo Bloggs": worker.email, "sam parent": "Child A Full"]

            // MUT
            let dry = try await CaseImport.run(
                Self.request("android-uk-24h.txt", dryRun: true, as: nil),
                on: app.db,
                key: app.auditKey
            )
            let unmatched = try await CaseImport.run(
                Self.request("android-uk-24h.txt", dryRun: false, as: worker.email),
                on: app.db,
                key: app.auditKey
            )
            let countAfterUnmatched = try await CommunicationRecord.query(on: app.db).count()
            let first = try await CaseImport.run(
                Self.request("android-uk-24h.txt", dryRun: false, as: worker.email, map: map),
                on: app.db,
                key: app.auditKey
            )
            let again = try await CaseImport.run(
                Self.request("android-uk-24h.txt", dryRun: false, as: worker.email, map: map),
                on: app.db,
                key: app.auditKey
            )
            let records = try await CommunicationRecord.query(on: app.db).sort(\.$occurredAt).all()

            // validation
            #expect(
                dry.format == "whatsapp" && dry.messages == 5 && dry.first == "2024-03-12T09:15"
                    && dry.last == "2024-03-14T08:02"
            )
            #expect(
                dry.participants == ["Jo Bloggs", "Sam Parent"] && dry.unmatched == ["Jo Bloggs", "Sam Parent"]
                    && dry.errors.isEmpty
            )
            #expect(
                unmatched.unmatched.count == 2 && unmatched.imported == nil && countAfterUnmatched == 0,
                "nothing is written while a name is unmatched"
            )
            #expect(first.isClean && first.imported == 5 && first.alreadyImported == 0, "\(first)")
            #expect(again.imported == 0 && again.alreadyImported == 5, "the same file twice adds nothing")
            #expect(records.count == 5)
            #expect(
                records.allSatisfy {
                    $0.channel == "whatsapp" && $0.caseID == world.north.caseA && $0.source == "import:whatsapp"
                        && $0.naturalKey != nil
                }
            )
            // PD-1.1: timed and dated in the organisation's zone (March 2024 is GMT in London).
            #expect(records[0].occurredAt == (try Date("2024-03-12T09:15:00Z", strategy: .iso8601)))
            #expect(
                records[0].direction == "outgoing" && records[0].staffID == worker.id
                    && records[0].personID == world.north.personA
            )
            #expect(
                records[1].direction == "incoming" && records[1].transcript == "Yes that's fine\nsee you then\n\nthanks"
                    && records[1].personID == world.north.personA
            )
            #expect(records[2].transcript == "<Media omitted>" && records[3].transcript == "This message was deleted")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "communication.import").count()
            #expect(audited == 5)
            // Another organisation's staff cannot import into this case: for them it does not exist.
            await #expect(throws: CaseImport.Failure.noSuchCase(reference: "North-A")) {
                try await CaseImport.run(
                    Self.request(
                        "android-uk-24h.txt",
                        dryRun: true,
                        as: world.south.staff["practitioner"]!.email,
                        map: map
                    ),
                    on: app.db,
                    key: app.auditKey
                )
            }
        }
    }

    /// A file that reads differently the second time (changed while it was imported) stops the import
    /// after whole batches, saying so; the import run again finishes it, and nothing lands twice.
    @Test func aFileThatChangesMidImportLeavesWholeBatches() async throws {
        try await withTestApp(.sqlite) { app in
            // setup: the file as first read, and as read the second time with one more message.
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "safecomms-changed-\(UUID().uuidString.prefix(8))"
            )
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            func chat(_ messages: Int) throws -> String {
                let lines = (0..<messages).map { (i: Int) -> String in
                    let stamp = String(format: "%02d/03/2024, %02d:%02d - ", 1 + i / 1440, i / 60 % 24, i % 60)
                    let who = i % 2 == 0 ? "Jo Bloggs" : "Sam Parent"
                    return "\(stamp)\(who): Message \(i)"
                }
                let path = dir.appendingPathComponent("chat-\(messages).txt").path
                try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            let before = try chat(CaseImport.batchSize + 5), after = try chat(CaseImport.batchSize + 6)
            let map = ["Jo Bloggs": worker.email, "Sam Parent": "Child A Full"]
            var request = CaseImport.Request(
                format: .whatsapp,
                reader: LineReader(path: before),
                caseReference: "North-A",
                asEmail: worker.email,
                dryRun: false,
                mappings: map
            )
            request.secondReading = LineReader(path: after)

            // MUT
            var failure: CaseImport.Failure?
            do {
                _ = try await CaseImport.run(request, on: app.db, key: app.auditKey)
            } catch let f as CaseImport.Failure {
                failure = f
            }
            let written = try await CommunicationRecord.query(on: app.db).count()
            let again = try await CaseImport.run(
                .init(
                    format: .whatsapp,
                    reader: LineReader(path: after),
                    caseReference: "North-A",
                    asEmail: worker.email,
                    dryRun: false,
                    mappings: map
                ),
                on: app.db,
                key: app.auditKey
            )

            // validation
            #expect(
                failure?.description
                    == "the file changed while it was being imported. \(CaseImport.batchSize) records were written in whole batches; import the file again to finish (nothing is written twice)"
            )
            #expect(written == CaseImport.batchSize, "whole batches only")
            #expect(again.imported == 6 && again.alreadyImported == CaseImport.batchSize)
            #expect(try await CommunicationRecord.query(on: app.db).count() == CaseImport.batchSize + 6)
        }
    }

    @Test(arguments: Backend.available)
    func aBrokenFileWritesNothing(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!
            let report = try await CaseImport.run(
                Self.request("broken.txt", dryRun: false, as: worker.email, map: ["Jo Bloggs": worker.email]),
                on: app.db,
                key: app.auditKey
            )
            #expect(report.errors.map(\.line) == [1, 2] && report.imported == nil)
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
            // A member of staff who may not write on the case is refused.
            let admin = world.north.staff["admin"]!.email
            await #expect(throws: CaseImport.Failure.mayNotRecord(email: admin, reference: "North-A")) {
                try await CaseImport.run(
                    Self.request("android-uk-24h.txt", dryRun: false, as: world.north.staff["admin"]!.email),
                    on: app.db,
                    key: app.auditKey
                )
            }
        }
    }

    /// On a terminal `safecomms import` draws its progress (the bar, the share, the rate) on standard
    /// error; piped, it draws nothing. The terminal is a real pseudo-terminal, made by `script`.
    @Test func theCommandDrawsProgressOnlyOnATerminal() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-progress-\(UUID().uuidString.prefix(8))"
        ).path
        try await withTestApp(.sqlite, config: { $0.dataDirectory = data }) { app in
            _ = try await World.make(app)
            let file = Self.fixtures.appendingPathComponent("iphone-us-12h.txt").path
            let piped = try CLITests().run(["import", "whatsapp", file, "--case", "North-A", "--dry-run"], data: data)
            #expect(!piped.stderr.contains("Reading"), "\(piped.stderr)")
            let command = [CLITests.binary.path, "import", "whatsapp", file, "--case", "North-A", "--dry-run"]
                .map { "'" + $0 + "'" }.joined(separator: " ")
            let onTerminal = try CLITests().run(
                ["-qec", command, "/dev/null"],
                data: data,
                executable: URL(fileURLWithPath: "/usr/bin/script")
            )
            #expect(
                onTerminal.stdout.contains("Reading iphone-us-12h.txt [####################] 100%"),
                "\(onTerminal.stdout)"
            )
            #expect(onTerminal.stdout.contains("/s"))
        }
    }

    /// `safecomms import … --dry-run --json`: one JSON object on stdout, as the issue specifies.
    @Test func theCommandsDryRunJSON() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-import-\(UUID().uuidString.prefix(8))"
        ).path
        try await withTestApp(.sqlite, config: { $0.dataDirectory = data }) { app in
            _ = try await World.make(app)
            let cli = CLITests()
            let file = Self.fixtures.appendingPathComponent("iphone-us-12h.txt").path
            let r = try cli.run(["import", "whatsapp", file, "--case", "North-A", "--dry-run", "--json"], data: data)
            #expect(r.status == 1, "names are unmatched: \(r.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                "\(r.stdout)"
            )
            #expect(Set(json.keys) == ["format", "messages", "first", "last", "participants", "unmatched", "errors"])
            #expect(json["format"] as? String == "whatsapp" && json["messages"] as? Int == 5)
            #expect(
                json["first"] as? String == "2024-03-12T09:15:31" && json["last"] as? String == "2024-03-13T19:05:00"
            )
            #expect(
                json["participants"] as? [String] == ["Jo Bloggs", "Sam Parent"]
                    && (json["errors"] as? [Any])?.isEmpty == true
            )
            let mapped = try cli.run(
                [
                    "import", "whatsapp", file, "--case", "North-A", "--dry-run", "--json", "--map",
                    "Jo Bloggs=practitioner@north.example.org", "--map", "Sam Parent=Child A Full",
                ],
                data: data
            )
            #expect(
                mapped.status == 0 && mapped.stdout.contains(#""unmatched":[]"#),
                "\(mapped.stdout) \(mapped.stderr)"
            )
            let badCase = try cli.run(["import", "whatsapp", file, "--case", "Nope", "--dry-run"], data: data)
            #expect(badCase.status == 2 && badCase.stderr.contains("--case"))
            let broken = try cli.run(
                [
                    "import", "whatsapp", Self.fixtures.appendingPathComponent("broken.txt").path, "--case", "North-A",
                    "--dry-run", "--json",
                ],
                data: data
            )
            let errors = try #require(
                (try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any])?["errors"]
                    as? [[String: Any]]
            )
            #expect(broken.status == 1 && errors.compactMap { $0["line"] as? Int } == [1, 2])
        }
    }

    /// An import killed part-way (kill -9) is run again to completion, with no message twice.
    @Test func anInterruptedImportCompletesWithoutDuplicates() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-kill-\(UUID().uuidString.prefix(8))"
        ).path
        let chat = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chat-\(UUID().uuidString.prefix(8)).txt"
        )
        defer { try? FileManager.default.removeItem(at: chat) }
        let total = 30_000
        var text = "01/01/2024, 00:00 - Messages and calls are end-to-end encrypted.\n"
        for i in 0..<total {
            let minute = i / 4  // four messages a minute, some identical
            let stamp = String(
                format: "%02d/%02d/2024, %02d:%02d",
                1 + minute / 1440 % 28,
                1 + minute / 40_320,
                minute / 60 % 24,
                minute % 60
            )
            text += "\(stamp) - \(i % 3 == 0 ? "Jo Bloggs" : "Sam Parent"): \(i % 8 < 2 ? "ok" : "message \(i)")\n"
        }
        try text.write(to: chat, atomically: true, encoding: .utf8)
        try await withTestApp(.sqlite, config: { $0.dataDirectory = data }) { app in
            let world = try await World.make(app)
            let args = [
                "import", "whatsapp", chat.path, "--case", "North-A", "--as", world.north.staff["practitioner"]!.email,
                "--map", "Jo Bloggs=\(world.north.staff["practitioner"]!.email)", "--map", "Sam Parent=Child A Full",
            ]
            // First run: killed once some batches, not all, are in.
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["SAFECOMMS_DATA"] = data
            env["SAFECOMMS_DATA_KEY_FILE"] = sharedDataKeyFile
            env.removeValue(forKey: "DATABASE_URL")
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Polled until the first batch is in (a slow machine may take a while to check the file).
            let deadline = Date().addingTimeInterval(180)
            while p.isRunning, Date() < deadline {
                if try await CommunicationRecord.query(on: app.db).count() > 0 { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let afterKill = try await CommunicationRecord.query(on: app.db).count()
            // Second run: completes.
            let second = try CLITests().run(args + ["--json"], data: data)
            let records = try await CommunicationRecord.query(on: app.db).all()

            #expect(p.terminationReason == .uncaughtSignal, "killed, not finished")
            #expect(
                afterKill > 0 && afterKill < total && afterKill % CaseImport.batchSize == 0,
                "whole batches only: \(afterKill)"
            )
            #expect(second.status == 0, "\(second.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
            #expect(json["imported"] as? Int == total - afterKill && json["already_imported"] as? Int == afterKill)
            #expect(records.count == total && Set(records.compactMap(\.naturalKey)).count == total)
        }
    }
}
