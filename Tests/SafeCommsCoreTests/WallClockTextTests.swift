import Foundation
import Testing

@testable import SafeCommsCore

/// The page's date and time text by arithmetic, against Foundation's formatter in British English.
@Suite struct WallClockTextTests {
    @Test(arguments: ["Europe/London", "Europe/Dublin", "America/New_York", "Asia/Kolkata"])
    func matchesFoundationsFormatter(zoneID: String) {
        let zone = TimeZone(identifier: zoneID)!
        var style = Date.FormatStyle(date: .abbreviated, time: .shortened)
        style.timeZone = zone
        style.locale = Locale(identifier: "en_GB")
        var random = SeededRandom(seed: 42)
        // Every month and both sides of each clock change, at random minutes over 2000-2030.
        for _ in 0..<3_000 {
            let instant = Date(timeIntervalSince1970: Double(946_684_800 + Int(random.next() % 946_080_000)))
            #expect(WallClockText.dateTime(instant, zone: zone) == instant.formatted(style), "\(instant)")
        }
        let changes = [
            "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-10-25T00:59:00Z", "2026-10-25T01:00:00Z",
            "2026-09-07T23:05:00Z",
        ]
        for text in changes {
            let instant = try! Date(text, strategy: .iso8601)
            #expect(WallClockText.dateTime(instant, zone: zone) == instant.formatted(style), "\(text)")
        }
    }
}
