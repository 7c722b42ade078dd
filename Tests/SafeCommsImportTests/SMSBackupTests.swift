import Foundation
import Testing

@testable import SafeCommsImport

/// SMS Backup & Restore files, written from the app's documented layout.
@Suite struct SMSBackupTests {
    static func read(_ name: String) throws -> (SMSBackup.Summary, [SMSBackup.Item]) {
        var items: [SMSBackup.Item] = []
        let s = try SMSBackup.read(LineReader(path: fixtures.appendingPathComponent("sms-backup/\(name)").path)) {
            items.append($0)
        }
        return (s, items)
    }

    @Test func messagesSMSAndMMS() throws {
        let (s, items) = try Self.read("sms.xml")
        #expect(s.errors.isEmpty && s.items == 4, "\(s.errors)")
        #expect(items.map(\.kind) == [.sms, .sms, .mms, .sms])
        #expect(
            items[0].box == "sent" && items[0].outgoing == true && items[0].e164 == "+447700900001"
                && items[0].contactName == "Sam Parent"
        )
        let quarterPast = try Date("2024-03-12T09:15:00Z", strategy: .iso8601)
        #expect(items[0].at == quarterPast && items[0].line == 5)
        #expect(
            items[1].body == "Yes that's fine\nsee you then 😀 & thanks",
            "entities, a line break and an emoji written as a surrogate pair"
        )
        #expect(items[1].outgoing == false && items[1].e164 == "+447700900001")
        #expect(
            items[2].body == "Here's the school letter" && items[2].attachments == ["IMG_0042.jpg"]
                && items[2].box == "received",
            "media is its file name only"
        )
        #expect(items[3].box == "draft" && items[3].outgoing == nil)
    }

    @Test func callLogs() throws {
        let (s, items) = try Self.read("calls.xml")
        #expect(s.errors.isEmpty && items.count == 3)
        let tenPast = try Date("2024-03-12T10:10:00Z", strategy: .iso8601)
        #expect(items[0].box == "outgoing" && items[0].durationSeconds == 250 && items[0].at == tenPast)
        #expect(items[1].box == "missed" && items[1].outgoing == nil)
        #expect(items[2].address == "" && items[2].e164 == nil && items[2].contactName == nil, "a withheld number")
    }

    @Test func problemsAreNamed() throws {
        let truncated =
            "<smses count=\"3\">\n<sms address=\"1\" date=\"1710234900000\" type=\"1\" body=\"a\" />\n<sms address=\"1\" date=\"soon\" type=\"1\" body=\"b\" />\n</smses>\n"
        let s = try SMSBackup.read(LineReader(truncated)) { _ in }
        #expect(s.errors.map(\.line) == [3, 1], "\(s.errors)")
        #expect(s.errors[1].reason.contains("holds 3 messages but 2 were found"))
        #expect(
            try SMSBackup.read(LineReader("<html><body/></html>")) { _ in }.errors.first?.reason.contains(
                "not an SMS Backup"
            ) == true
        )
        #expect(throws: ImportError.self) {
            try SMSBackup.read(LineReader("<smses count=\"1\">\n<sms address=\"1\" date=\"17")) { _ in }
        }
        #expect(throws: ImportError.self) {
            try SMSBackup.read(LineReader("<smses>\n<sms body=\"&bogus;\" />\n</smses>")) { _ in }
        }
    }
}
