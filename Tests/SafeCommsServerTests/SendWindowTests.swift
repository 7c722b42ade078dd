import Foundation
import Testing

@testable import SafeCommsServer

/// The sender's limiter: never more than Notify's 3,000 in any 60 seconds, and no wait before then.
@Suite struct SendWindowTests {
    @Test func aBacklogGoesAtTheLimitAndNeverOverIt() {
        // MUT: 10,000 sends as soon as the window allows, on a simulated clock; a send takes 1 ms
        var window = SendWindow(limit: 3000)
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        var sent: [Date] = []
        var waits: [TimeInterval] = []
        for _ in 0..<10_000 {
            let wait = window.delay(now: now)
            waits.append(wait)
            now = now.addingTimeInterval(wait)
            window.sent(at: now)
            sent.append(now)
            now = now.addingTimeInterval(0.001)
        }

        // validation
        var most = 0
        var start = 0
        for (i, t) in sent.enumerated() {
            while sent[start] <= t.addingTimeInterval(-60) { start += 1 }
            most = max(most, i - start + 1)
        }
        #expect(most == 3000, "at most 3,000 in any 60 seconds, and the limit is used")
        #expect(waits.prefix(3000).allSatisfy { $0 == 0 }, "the first 3,000 wait for nothing")
        #expect(waits[3000] > 56 && waits[3000] <= 60, "the next waits until the first is a minute old")
        let span = sent.last!.timeIntervalSince(sent.first!)
        #expect(span > 180 && span < 181, "10,000 take just over three minutes: \(span)")
    }
}
