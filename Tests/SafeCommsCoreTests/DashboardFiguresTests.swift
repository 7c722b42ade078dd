import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct DashboardFiguresTests {
    let a = UUID(), b = UUID()
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func recorded(_ who: UUID, after minutes: Double) -> DashboardFigures.Recorded {
        .init(staffID: who, occurredAt: t0, recordedAt: t0 + minutes * 60)
    }

    @Test func recordingDelayIsTheMedianAndWorstPerWorkerAgainstTheTarget() {
        let delays = DashboardFigures.recordingDelay(
            [
                recorded(a, after: 10), recorded(a, after: 2000), recorded(a, after: 30), recorded(a, after: 45),
                recorded(b, after: 5), recorded(b, after: -3),
            ],
            targetMinutes: 1440
        )
        // Of an even number the lower middle one; a record dated after its entry counts as no delay.
        #expect(
            delays == [
                .init(staffID: a, records: 4, medianMinutes: 30, worstMinutes: 2000, overTarget: 1),
                .init(staffID: b, records: 2, medianMinutes: 0, worstMinutes: 5, overTarget: 0),
            ]
        )
        #expect(DashboardFigures.recordingDelay([], targetMinutes: 60).isEmpty)
    }

    @Test func contactIsCountedInTheLocalHourItHappened() {
        let london = TimeZone(identifier: "Europe/London")!
        // 2026-07-01 07:45 UTC is 08:45 in London (summer time); 2026-12-01 07:45 UTC is 07:45.
        let summer = Date(timeIntervalSince1970: 1_782_891_900)
        let winter = Date(timeIntervalSince1970: 1_796_111_100)
        let counts = DashboardFigures.byHour(
            [("sms", summer), ("sms", winter), ("email", winter)],
            zone: london
        )
        #expect(counts["sms"]?[8] == 1 && counts["sms"]?[7] == 1 && counts["email"]?[7] == 1)
        #expect(counts.values.map { $0.reduce(0, +) }.reduce(0, +) == 3)
    }

    @Test func hoursOutsideOfficeAreThoseNotWhollyInside() {
        // 08:30 to 17:00: 08:00 is partly outside, 16:00 wholly inside, 17:00 outside.
        let outside = DashboardFigures.hoursOutsideOffice(.standard)
        #expect(outside.contains(8) && !outside.contains(9) && !outside.contains(16) && outside.contains(17))
        #expect(outside.count == 24 - 8)
    }

    @Test func ageBandsPutABoundaryInTheOlderBand() {
        let now = t0
        let ages = DashboardFigures.ages(
            [now - 3600, now - 86_400, now - 3 * 86_400 + 1, now - 3 * 86_400, now - 7 * 86_400, now - 30 * 86_400],
            now: now
        )
        #expect(ages == [1, 2, 1, 2])
    }
}
