import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct OfficeHoursTests {
    let hours = OfficeHours.standard

    func at(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    @Test func workingDayBoundaries() {
        // Winter: London is UTC.
        #expect(hours.isOutOfHours(at("2026-11-23T08:29:00Z")))
        #expect(!hours.isOutOfHours(at("2026-11-23T08:30:00Z")))
        #expect(!hours.isOutOfHours(at("2026-11-23T16:59:59Z")))
        #expect(hours.isOutOfHours(at("2026-11-23T17:00:00Z")), "17:00 exactly is already out of hours")
    }

    @Test func summerTimeUsesLocalClock() {
        // 07:45 UTC in July is 08:45 in London.
        #expect(!hours.isOutOfHours(at("2026-07-01T07:45:00Z")))
        // 16:30 UTC in July is 17:30 in London.
        #expect(hours.isOutOfHours(at("2026-07-01T16:30:00Z")))
    }

    @Test func weekendsAndBankHolidays() {
        #expect(hours.isOutOfHours(at("2026-11-21T11:00:00Z")))  // Saturday
        #expect(hours.isOutOfHours(at("2026-12-28T11:00:00Z")))  // Boxing Day substitute
        #expect(hours.isOutOfHours(at("2026-08-31T10:00:00Z")))  // summer bank holiday
        var noHolidays = hours
        noHolidays.excludeBankHolidays = false
        #expect(!noHolidays.isOutOfHours(at("2026-08-31T10:00:00Z")))
    }

    @Test func otherTimeZone() {
        var h = hours
        h.timeZone = "America/New_York"
        #expect(!h.isOutOfHours(at("2026-11-23T14:00:00Z")))  // 09:00 in New York
        #expect(h.isOutOfHours(at("2026-11-23T12:00:00Z")))  // 07:00 in New York
    }

    @Test func validation() {
        var h = hours
        h.timeZone = "Mars/Olympus"
        #expect(throws: ValidationError.self) { try h.validate() }
        h = hours
        h.closesAtMinute = h.opensAtMinute
        #expect(throws: ValidationError.self) { try h.validate() }
        #expect(throws: ValidationError.self) { try OfficeHours.parseClock("25:00", field: "opens") }
        #expect((try? OfficeHours.parseClock("08:30", field: "opens")) == 510)
    }
}
