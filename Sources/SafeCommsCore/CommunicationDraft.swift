import Foundation

/// A communication someone wants to put on a case's chronology, before it is stored. The rules that
/// decide whether it can be accepted live here so the API, the importers and the CLI apply the same ones.
public struct CommunicationDraft: Sendable, Equatable {
    public var channel: Channel
    public var direction: Direction
    public var occurredAt: Date
    public var durationSeconds: Int?
    public var counterpartName: String?
    public var counterpartRole: PersonRole?
    public var counterpartAddress: String?
    public var transcript: String?
    public var summary: String?
    public var significant: Bool

    public init(
        channel: Channel,
        direction: Direction,
        occurredAt: Date,
        durationSeconds: Int? = nil,
        counterpartName: String? = nil,
        counterpartRole: PersonRole? = nil,
        counterpartAddress: String? = nil,
        transcript: String? = nil,
        summary: String? = nil,
        significant: Bool = false
    ) {
        self.channel = channel
        self.direction = direction
        self.occurredAt = occurredAt
        self.durationSeconds = durationSeconds
        self.counterpartName = counterpartName
        self.counterpartRole = counterpartRole
        self.counterpartAddress = counterpartAddress
        self.transcript = transcript
        self.summary = summary
        self.significant = significant
    }

    /// Clocks on phones and servers drift; a record a few minutes "in the future" is not an error.
    public static let clockSkewAllowance: TimeInterval = 5 * 60
    /// The longest transcript kept in one record (a long e-mail thread is split by the importer).
    public static let maxTranscriptLength = 100_000

    /// Every problem with the draft, each naming its field.
    /// - Parameter now: the time the record is being made.
    public func problems(now: Date) -> [ValidationError] {
        var found: [ValidationError] = []
        if occurredAt.timeIntervalSince(now) > Self.clockSkewAllowance {
            found.append(
                .init(field: "occurred_at", reason: "is in the future; a record describes contact that has happened")
            )
        }
        if occurredAt < Date(timeIntervalSince1970: 946_684_800) {  // 2000-01-01
            found.append(.init(field: "occurred_at", reason: "is before 2000; check the date"))
        }
        // Blank means only white space; checked from the front, so a real message costs a character
        // or two rather than a copy (an import checks every message).
        func blank(_ s: String?) -> Bool {
            s?.unicodeScalars.allSatisfy { CharacterSet.whitespacesAndNewlines.contains($0) } ?? true
        }
        let noText = blank(transcript)
        if channel.isWritten, noText {
            found.append(
                .init(
                    field: "transcript",
                    reason: "is required for \(channel.rawValue): record the words sent or received (PD-1.1, WA-11)"
                )
            )
        }
        if !channel.isWritten, noText, blank(summary) {
            found.append(
                .init(field: "summary", reason: "is required for \(channel.rawValue): summarise what was said (PD-1.1)")
            )
        }
        // Counting characters walks the whole text; the byte count bounds it from above first.
        if let t = transcript, t.utf8.count > Self.maxTranscriptLength, t.count > Self.maxTranscriptLength {
            found.append(.init(field: "transcript", reason: "is longer than \(Self.maxTranscriptLength) characters"))
        }
        if let d = durationSeconds {
            if d < 0 { found.append(.init(field: "duration_seconds", reason: "cannot be negative")) }
            if !channel.isSpoken {
                found.append(.init(field: "duration_seconds", reason: "only calls and recordings have a duration"))
            }
            if d > 86_400 { found.append(.init(field: "duration_seconds", reason: "is longer than a day")) }
        }
        if (counterpartName ?? "").count > 200 {
            found.append(.init(field: "counterpart_name", reason: "is longer than 200 characters"))
        }
        return found
    }
}
