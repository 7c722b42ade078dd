import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct CommunicationDraftTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func fields(_ d: CommunicationDraft) -> [String] { d.problems(now: now).map(\.field) }

    @Test func smsNeedsTranscript() {
        let d = CommunicationDraft(channel: .sms, direction: .outgoing, occurredAt: now.addingTimeInterval(-60))
        #expect(fields(d) == ["transcript"])
        #expect(d.problems(now: now)[0].reason.contains("PD-1.1"))
    }

    @Test func callNeedsSummaryNotTranscript() {
        var d = CommunicationDraft(
            channel: .phoneCall,
            direction: .incoming,
            occurredAt: now.addingTimeInterval(-60),
            durationSeconds: 120
        )
        #expect(fields(d) == ["summary"])
        d.summary = "Discussed the visit"
        #expect(fields(d).isEmpty)
    }

    @Test func futureIsRefusedButClockSkewIsNot() {
        var d = CommunicationDraft(
            channel: .sms,
            direction: .outgoing,
            occurredAt: now.addingTimeInterval(3600),
            transcript: "hi"
        )
        #expect(fields(d) == ["occurred_at"])
        d.occurredAt = now.addingTimeInterval(60)
        #expect(fields(d).isEmpty)
    }

    @Test func durationOnlyForSpokenChannels() {
        let d = CommunicationDraft(
            channel: .sms,
            direction: .outgoing,
            occurredAt: now,
            durationSeconds: 30,
            transcript: "hi"
        )
        #expect(fields(d) == ["duration_seconds"])
        let negative = CommunicationDraft(
            channel: .phoneCall,
            direction: .outgoing,
            occurredAt: now,
            durationSeconds: -1,
            summary: "x"
        )
        #expect(fields(negative) == ["duration_seconds"])
    }

    @Test func unknownEnumerationNamesFieldAndChoices() {
        do {
            _ = try Channel.parse("fax", field: "channel")
            Issue.record("fax was accepted")
        } catch {
            #expect(error.field == "channel")
            #expect(error.reason.contains("'fax'") && error.reason.contains("whatsapp"))
        }
    }
}
