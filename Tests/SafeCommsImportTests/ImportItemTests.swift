import Foundation
import Testing

@testable import SafeCommsImport

/// Every format read as the items a case import writes, and a WhatsApp .zip export opened.
@Suite struct ImportItemTests {
    static func items(
        _ format: ImportFormat,
        _ path: String,
        columns: CarrierCallLog.ColumnMap? = nil
    ) throws -> (ImportReader.Outcome, [ImportItem]) {
        var items: [ImportItem] = []
        let outcome = try ImportReader.read(
            format,
            LineReader(path: fixtures.appendingPathComponent(path).path),
            columns: columns
        ) { items.append($0) }
        return (outcome, items)
    }

    @Test func smsBackupMessagesAreFromThePhoneOwnersSide() throws {
        let (outcome, items) = try Self.items(.smsBackup, "sms-backup/sms.xml")
        #expect(outcome.errors.isEmpty && outcome.notSent == 1, "the draft was never sent, and is counted")
        #expect(items.count == 3 && items.allSatisfy { $0.channel == .sms && $0.from == nil })
        #expect(items.map(\.outgoing) == [true, false, false])
        #expect(items[0].other == ["+447700900001", "Sam Parent"], "the number first, then the phone's name for it")
        #expect(items[2].text == "Here's the school letter\n[attachment: IMG_0042.jpg — the file itself is not kept]")
        #expect(items[0].when == .instant(try Date("2024-03-12T09:15:00Z", strategy: .iso8601)))
    }

    @Test func smsBackupCallsHaveASummaryAndDuration() throws {
        let (outcome, items) = try Self.items(.smsBackup, "sms-backup/calls.xml")
        #expect(outcome.errors.isEmpty && items.count == 3)
        #expect(items.map(\.channel) == [.phoneCall, .phoneCall, .phoneCall] && items.map(\.text) == [nil, nil, nil])
        #expect(
            items[0].summary == "Outgoing call, 4 min 10 s (from the phone's call log)"
                && items[0].durationSeconds == 250 && items[0].outgoing == true
        )
        #expect(items[1].summary == "Missed call (from the phone's call log)" && items[1].outgoing == false)
    }

    @Test func carrierRowsAreCallsAndTexts() throws {
        let (outcome, items) = try Self.items(.calls, "calls/week.csv")
        #expect(outcome.errors.isEmpty && items.count == 6)
        #expect(
            items[0].channel == .phoneCall && items[0].outgoing == true && items[0].durationSeconds == 250
                && items[0].other == ["07700 900001"]
        )
        #expect(items[0].when == .local(LocalDateTime(year: 2026, month: 11, day: 2, hour: 9, minute: 5, second: 0)))
        #expect(
            items[3].channel == .sms && items[3].text?.contains("words are not known") == true
                && items[3].durationSeconds == nil
        )
        #expect(
            items[3].identity == items[4].identity,
            "two texts in one minute are told apart by their order when imported"
        )
        #expect(items[2].outgoing == false)
    }

    @Test func whatsappSystemMessagesAreNotItems() throws {
        let (outcome, items) = try Self.items(.whatsapp, "whatsapp/android-group-media.txt")
        #expect(outcome.errors.isEmpty && items.count == 2 && items.map(\.from) == ["Sam Parent", "Jo Bloggs"])
    }

    @Test func aZipExportIsReadAndItsMediaOnlyNamed() throws {
        let file = try ImportFile(path: fixtures.appendingPathComponent("whatsapp/iphone-media.zip").path)
        defer { file.close() }
        // The stand-in photo's SHA-256, as `python3 -c "import hashlib; …"` gives it from make-zips.py's bytes.
        let digest = "1cdcc995ee4e747a596f4436d70536143869bef2bd3b5086600d7a25318cc860"
        #expect(file.media == ["00000012-PHOTO-2024-03-12-12-01-00.jpg": MediaFile(bytes: 2025, sha256: digest)])
        var items: [ImportItem] = []
        let outcome = try ImportReader.read(.whatsapp, file.reader, media: file.media) { items.append($0) }
        #expect(outcome.errors.isEmpty && items.count == 5)
        let photo = try #require(items.first { $0.text?.contains("PHOTO") == true })
        #expect(
            photo.text
                == "<attached: 00000012-PHOTO-2024-03-12-12-01-00.jpg>\n[attachment: 00000012-PHOTO-2024-03-12-12-01-00.jpg, 1 KB in the export, SHA-256 \(digest) — the file itself is not kept]"
        )
        #expect(
            photo.identity.hasSuffix("<attached: 00000012-PHOTO-2024-03-12-12-01-00.jpg>"),
            "the same key as the text export's"
        )

        let android = try ImportFile(path: fixtures.appendingPathComponent("whatsapp/android-media.zip").path)
        defer { android.close() }
        #expect(android.media.keys.sorted() == ["IMG-20240201-WA0001.jpg"])
        let summary = try WhatsAppExport.read(android.reader)
        #expect(summary.messages == 2 && summary.errors.isEmpty)
    }

    @Test func theUnpackedChatIsRemovedOnClose() throws {
        let file = try ImportFile(path: fixtures.appendingPathComponent("whatsapp/iphone-media.zip").path)
        guard case .file(let path) = file.reader.source else {
            Issue.record("a zip's chat is unpacked to a file")
            return
        }
        #expect(FileManager.default.fileExists(atPath: path))
        file.close()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aZipThatIsNotAnExportIsNamed() throws {
        #expect(throws: ImportError.self) {
            try ImportFile(path: fixtures.appendingPathComponent("whatsapp/not-an-export.zip").path)
        }
        do {
            _ = try ImportFile(path: fixtures.appendingPathComponent("whatsapp/not-an-export.zip").path)
        } catch let e as ImportError {
            #expect(e.reason.contains("2 text files") && e.reason.contains("_chat.txt"), "\(e.reason)")
        }
        // A file with a zip's name but not its bytes is read as text.
        let plain = try ImportFile(path: fixtures.appendingPathComponent("whatsapp/android-uk-24h.txt").path)
        #expect(plain.media.isEmpty)
    }

    @Test func anInstantsWallClockTimeInAZone() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let summer = try Date("2024-07-01T08:30:15Z", strategy: .iso8601)
        #expect(LocalDateTime(summer, in: london).description == "2024-07-01T09:30:15")
        let winter = try Date("2024-01-31T23:59:59Z", strategy: .iso8601)
        #expect(LocalDateTime(winter, in: london).description == "2024-01-31T23:59:59")
        let leap = try Date("2024-02-29T12:00:00Z", strategy: .iso8601)
        #expect(LocalDateTime(leap, in: TimeZone(secondsFromGMT: 0)!).description == "2024-02-29T12:00:00")
        // Round trip through the organisation's zone, a minute at a time over two clock changes
        // (in the hour the clocks go back, both instants show the same wall-clock time).
        for minutes in stride(from: 0, to: 60 * 24 * 400, by: 53) {
            let d = Date(timeIntervalSince1970: 1_700_000_000 + Double(minutes) * 60)
            let wall = LocalDateTime(d, in: london)
            #expect(LocalDateTime(try #require(wall.instant(in: london)), in: london) == wall)
        }
    }
}
