import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport
import SafeCommsStore
import Testing
import Vapor

@testable import SafeCommsServer

/// A phone's SMS backup, its call log, a carrier's bill and a WhatsApp .zip export into a
/// case's chronology (PD-1.1, PD-1.8, WA-11, WA-12), on SQLite and PostgreSQL.
@Suite struct PhoneImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/imports")

    static func run(
        _ format: ImportFormat,
        _ path: String,
        _ app: Application,
        as email: String?,
        dryRun: Bool = false,
        map: [String: String] = [:]
    )
        async throws -> CaseImport.Report
    {
        let file = try ImportFile(path: fixtures.appendingPathComponent(path).path)
        defer { file.close() }
        return try await CaseImport.run(
            .init(
                format: format,
                reader: file.reader,
                media: file.media,
                caseReference: "North-A",
                asEmail: email,
                dryRun: dryRun,
                mappings: map
            ),
            on: app.db,
            key: app.auditKey
        )
    }

    @Test(arguments: Backend.available)
    func anSMSBackupBringsTheCasesMessagesOnly(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!

            let dry = try await Self.run(.smsBackup, "sms-backup/sms.xml", app, as: nil, dryRun: true)
            let first = try await Self.run(.smsBackup, "sms-backup/sms.xml", app, as: worker.email)
            let again = try await Self.run(.smsBackup, "sms-backup/sms.xml", app, as: worker.email)
            let records = try await CommunicationRecord.query(on: app.db).sort(\.$occurredAt).all()

            // Matched by the number (the case's person is "Child A Full"; the phone calls her "Sam Parent").
            #expect(
                dry.messages == 3 && dry.unmatched.isEmpty && dry.participants == ["+447700900001"] && dry.notSent == 1,
                "\(dry)"
            )
            #expect(
                dry.first == "2024-03-12T09:15:00" && dry.last == "2024-03-13T18:40:00",
                "local times in the organisation's zone"
            )
            #expect(first.imported == 3 && again.imported == 0 && again.alreadyImported == 3)
            #expect(
                records.count == 3
                    && records.allSatisfy {
                        $0.channel == "sms" && $0.personID == world.north.personA && $0.source == "import:sms-backup"
                    }
            )
            #expect(records.map(\.direction) == ["outgoing", "incoming", "incoming"])
            #expect(records[1].transcript == "Yes that's fine\nsee you then 😀 & thanks")
            #expect(
                records[2].transcript?.hasSuffix("[attachment: IMG_0042.jpg — the file itself is not kept]") == true,
                "media named, never kept"
            )
            #expect(records.allSatisfy { $0.staffID == worker.id && $0.counterpartName == "Child A Full" })
        }
    }

    @Test(arguments: Backend.available)
    func aCallLogLeavesOutOtherPeoplesCalls(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!

            let report = try await Self.run(.smsBackup, "sms-backup/calls.xml", app, as: worker.email)
            let records = try await CommunicationRecord.query(on: app.db).sort(\.$occurredAt).all()

            #expect(report.imported == 2 && report.leftOut == 1, "the withheld call is no case contact: \(report)")
            #expect(
                records.map(\.channel) == ["phone_call", "phone_call"] && records.map(\.durationSeconds) == [250, 0]
            )
            #expect(
                records[0].summary == "Outgoing call, 4 min 10 s (from the phone's call log)"
                    && records[1].direction == "incoming"
            )
        }
    }

    @Test(arguments: Backend.available)
    func aCarriersBillBecomesCallAndTextRecords(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!

            let report = try await Self.run(.calls, "calls/week.csv", app, as: worker.email)
            let again = try await Self.run(.calls, "calls/week.csv", app, as: worker.email)
            let records = try await CommunicationRecord.query(on: app.db).sort(\.$occurredAt).all()
            let broken = try await Self.run(.calls, "calls/bill.csv", app, as: worker.email)
            let afterBroken = try await CommunicationRecord.query(on: app.db).count()

            #expect(report.messages == 4 && report.leftOut == 2 && report.imported == 4, "\(report)")
            #expect(
                again.imported == 0 && again.alreadyImported == 4,
                "two identical texts in one minute are both kept, once"
            )
            #expect(records.map(\.channel) == ["phone_call", "phone_call", "sms", "sms"])
            // PD-1.2: the evening call is out of hours.
            #expect(records.map(\.outOfHours) == [false, true, false, false])
            #expect(
                broken.errors.map(\.line) == [6] && broken.imported == nil && afterBroken == 4,
                "a bad row writes nothing: \(broken.errors)"
            )
        }
    }

    @Test(arguments: Backend.available)
    func aZipExportIsTheSameChatAsItsText(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!
            let map = ["Jo Bloggs": worker.email, "Sam Parent": "Child A Full"]

            let zip = try await Self.run(.whatsapp, "whatsapp/iphone-media.zip", app, as: worker.email, map: map)
            let text = try await Self.run(.whatsapp, "whatsapp/iphone-us-12h.txt", app, as: worker.email, map: map)
            let photo = try await CommunicationRecord.query(on: app.db).all().filter {
                $0.transcript?.contains("PHOTO") == true
            }

            #expect(zip.imported == 5 && text.imported == 0 && text.alreadyImported == 5, "\(zip) \(text)")
            let digest = "1cdcc995ee4e747a596f4436d70536143869bef2bd3b5086600d7a25318cc860"
            #expect(
                photo.count == 1
                    && photo[0].transcript?.contains(
                        "1 KB in the export, SHA-256 \(digest) — the file itself is not kept"
                    ) == true
            )
            // PD-2.3: an incident raised from that message gives the police the file's name, size and
            // SHA-256; no table holds the file.
            let raised = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: world.north.token("practitioner"),
                json:
                    #"{"kind":"image_received","case_id":"\#(world.north.caseA)","source":{"type":"communication","id":"\#(photo[0].id!)"},"occurred_at":"2024-03-12T12:01:00Z","summary":"A photo arrived in the chat; not opened"}"#
            )
            #expect(raised.status == .created, "\(raised.text)")
            let browser = PageSession(app)
            try await browser.signIn(worker.email)
            let page = try await browser.get("/incidents/\(try #require(raised.json["id"] as? String))")
            #expect(page.text.contains("00000012-PHOTO-2024-03-12-12-01-00.jpg, 1 KB in the export, SHA-256 \(digest)"))
            #expect(page.text.contains("the file itself was never kept"))
        }
    }

    @Test(arguments: Backend.available)
    func eMailIsMatchedByAddress(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let worker = world.north.staff["practitioner"]!
            let map = ["alex.worker@north.gov.uk": worker.email, "sam.parent@example.com": "Child A Full"]

            let unmatched = try await Self.run(.email, "email/gmail-mixed-attachments.eml", app, as: worker.email)
            let incoming = try await Self.run(
                .email,
                "email/gmail-mixed-attachments.eml",
                app,
                as: worker.email,
                map: map
            )
            let copied = try await Self.run(
                .email,
                "email/outlook-alternative-windows-1252.eml",
                app,
                as: worker.email,
                map: map
            )
            // The school's office, copied in, is outside the case: mapped to "-".
            let outsider = map.merging(["office@school.example.org": "-"]) { a, _ in a }
            let outgoing = try await Self.run(
                .email,
                "email/outlook-alternative-windows-1252.eml",
                app,
                as: worker.email,
                map: outsider
            )
            let again = try await Self.run(.email, "email/gmail-mixed-attachments.eml", app, as: worker.email, map: map)
            let broken = try await Self.run(.email, "email/bad-date.eml", app, as: worker.email, map: outsider)
            let records = try await CommunicationRecord.query(on: app.db).sort(\.$occurredAt).all()

            #expect(
                unmatched.unmatched == ["sam.parent@example.com", "alex.worker@north.gov.uk"]
                    && unmatched.imported == nil,
                "\(unmatched)"
            )
            #expect(
                copied.unmatched == ["office@school.example.org"] && copied.imported == nil,
                "a copied-in address is named: \(copied)"
            )
            #expect(
                incoming.imported == 1 && outgoing.imported == 1 && again.imported == 0 && again.alreadyImported == 1,
                "\(outgoing)"
            )
            #expect(incoming.first == "2024-03-13T16:42:07", "the Date header as written")
            try #require(records.count == 2)
            #expect(records.allSatisfy { $0.channel == "email" && $0.personID == world.north.personA })
            #expect(records.map(\.direction) == ["outgoing", "incoming"])
            #expect(
                records[1].transcript?.hasPrefix("Subject: Jamie’s plan and drawing\n") == true,
                "RFC 2047 subject: \(records[1].transcript ?? "")"
            )
            #expect(
                records[1].transcript?.contains("— the file itself is not kept]") == true,
                "attachments named, never kept"
            )
            #expect(
                broken.errors.count == 1 && broken.unmatched.isEmpty && broken.imported == nil,
                "a message whose Date cannot be read stops the import: \(broken)"
            )
        }
    }

    /// `safecomms import calls` with a column map, and the formats named in a usage error.
    @Test func theCommandTakesEveryFormat() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-import-\(UUID().uuidString.prefix(8))"
        ).path
        try await withTestApp(.sqlite, config: { $0.dataDirectory = data }) { app in
            let world = try await World.make(app)
            let cli = CLITests()
            let calls = Self.fixtures.appendingPathComponent("calls")
            let mapped = try cli.run(
                [
                    "import", "calls", calls.appendingPathComponent("mapped.csv").path, "--columns",
                    calls.appendingPathComponent("columns.yaml").path,
                    "--case", "North-A", "--as", world.north.staff["practitioner"]!.email, "--json",
                ],
                data: data
            )
            #expect(mapped.status == 0, "\(mapped.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(mapped.stdout.utf8)) as? [String: Any],
                "\(mapped.stdout)"
            )
            #expect(json["imported"] as? Int == 1 && json["format"] as? String == "calls")
            let dry = try cli.run(
                [
                    "import", "sms-backup", Self.fixtures.appendingPathComponent("sms-backup/sms.xml").path, "--case",
                    "North-A", "--dry-run", "--json",
                ],
                data: data
            )
            let dryJSON = try #require(
                try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any],
                "\(dry.stdout)"
            )
            #expect(
                dry.status == 0
                    && Set(dryJSON.keys) == [
                        "format", "messages", "first", "last", "participants", "unmatched", "errors",
                    ]
            )
            let unknown = try cli.run(
                ["import", "fax", calls.appendingPathComponent("mapped.csv").path, "--case", "North-A"],
                data: data
            )
            #expect(unknown.status == 2 && unknown.stderr.contains("whatsapp, sms-backup"), "\(unknown.stderr)")
            let wrongColumns = try cli.run(
                [
                    "import", "whatsapp", calls.appendingPathComponent("mapped.csv").path, "--columns",
                    calls.appendingPathComponent("columns.yaml").path, "--case", "North-A",
                ],
                data: data
            )
            #expect(wrongColumns.status == 2 && wrongColumns.stderr.contains("--columns"))
        }
    }
}
