import Crypto
import Foundation
import SafeCommsCore

/// What a case's import makes of each item of a file, before anything is stored: who it is between
/// (`ImportSides`), when it happened, the record it becomes and the natural key that keeps a file
/// imported twice from adding anything (`ImportPlanner`). The store writes what this plans.

/// Who an item is between, from the case's side: its person, the member of staff, and which way it
/// went. Names are matched once each.
public struct ImportSides: Sendable {
    public struct Found: Sendable {
        public var personID: UUID?
        public var staffID: UUID?
        public var outgoing: Bool
        /// Whether everyone named in a conversation is matched (or mapped).
        public var allMatched: Bool
    }

    let matcher: ParticipantMatcher
    let personIDs: Set<UUID>
    let importerID: UUID?
    private var matches: [String: ParticipantMatcher.Match?] = [:]

    public init(matcher: ParticipantMatcher, personIDs: Set<UUID>, importerID: UUID?) {
        self.matcher = matcher
        self.personIDs = personIDs
        self.importerID = importerID
    }

    public mutating func match(_ name: String) -> ParticipantMatcher.Match? {
        if let known = matches[name] { return known }
        let m = matcher.match(name)
        matches[name] = m
        return m
    }

    /// nil for an item of a phone's backup or bill whose other party is not the case's.
    public mutating func of(_ item: ImportItem) -> Found? {
        if let phoneSide = item.outgoing {
            // The first of the other party's names or numbers that matches anyone.
            var first: ParticipantMatcher.Match?
            for name in item.other where first == nil { first = match(name) }
            guard case .person(let id)? = first, personIDs.contains(id) else { return nil }
            return Found(personID: id, staffID: importerID, outgoing: phoneSide, allMatched: true)
        }
        let sender = match(item.from ?? ""), recipients = item.to.map { match($0) }
        var found = Found(
            personID: nil,
            staffID: importerID,
            outgoing: false,
            allMatched: sender != nil && !recipients.contains { $0 == nil }
        )
        switch sender {
        case .staff(let id)?:
            found.staffID = id
            found.outgoing = true
            let personIDs = personIDs
            found.personID =
                recipients.lazy.compactMap { m -> UUID? in
                    if case .person(let p)? = m, personIDs.contains(p) { p } else { nil }
                }.first
        case .person(let id)?:
            found.personID = personIDs.contains(id) ? id : nil
        case .outsider?, nil:
            break
        }
        return found
    }
}

extension ImportItem {
    /// When the item happened: as the file writes it, and as an instant. In the hour the clocks skip, a
    /// local time is read an hour on, as the phone would have shown it.
    public func times(clock: ZoneClock) -> (LocalDateTime, Date) {
        switch when {
        case .local(let t): (t, clock.instant(t))
        case .instant(let d): (written ?? LocalDateTime(d, in: clock.zone), d)
        }
    }

    /// The communication the item is, between `who`, at `at`; `names` are the case's people's names.
    public func draft(_ who: ImportSides.Found, at: Date, names: [UUID: String]) -> CommunicationDraft {
        CommunicationDraft(
            channel: channel,
            direction: who.outgoing ? .outgoing : .incoming,
            occurredAt: at,
            durationSeconds: durationSeconds,
            counterpartName: who.personID.flatMap { names[$0] },
            transcript: text,
            summary: summary
        )
    }
}

/// The second pass: each item that the first pass found good, as the record to write, with its natural
/// key (case, format, what the item is and how many identical ones came before it at the same time).
public struct ImportPlanner: Sendable {
    /// What one item becomes.
    public struct Planned: Sendable {
        public var draft: CommunicationDraft
        public var staffID: UUID
        public var personID: UUID?
        public var naturalKey: String
    }

    /// The file read differently the second time.
    public struct Changed: Error {
        public var line: Int
        public init(line: Int) { self.line = line }
    }

    public let format: ImportFormat
    var sides: ImportSides
    let caseID: UUID
    let now: Date
    let names: [UUID: String]
    /// In a WhatsApp chat with one of the case's people, who the worker's messages went to.
    let chatPerson: UUID?
    let keyHead: String
    private var occurrences: (at: ImportItem.When?, counts: [String: Int]) = (nil, [:])

    public init(
        format: ImportFormat,
        sides: ImportSides,
        caseID: UUID,
        now: Date,
        names: [UUID: String],
        chatPerson: UUID?
    ) {
        self.format = format
        self.sides = sides
        self.caseID = caseID
        self.now = now
        self.names = names
        self.chatPerson = chatPerson
        keyHead = "\(format.rawValue)\u{1F}\(caseID.uuidText)\u{1F}"
    }

    /// nil for an item the import leaves out (another party's, in a whole phone's backup or bill).
    /// - Throws: `Changed` when the item is not one the first pass found good.
    public mutating func plan(_ item: ImportItem, clock: ZoneClock) throws -> Planned? {
        guard let who = sides.of(item), let staffID = who.staffID else { return nil }
        let (_, at) = item.times(clock: clock)
        var draft = item.draft(who, at: at, names: names)
        guard who.allMatched, draft.problems(now: now).isEmpty else { throw Changed(line: item.line) }
        // Identical items at the same time are told apart by their order.
        if occurrences.at != item.when { occurrences = (item.when, [:]) }
        let n = occurrences.counts[item.identity, default: 0]
        occurrences.counts[item.identity] = n + 1
        let digest = SHA256.hash(data: Data((keyHead + item.identity + "\u{1F}\(n)").utf8))
        var personID = who.personID
        if let chatPerson, who.outgoing {
            personID = chatPerson
            draft.counterpartName = names[chatPerson]
        }
        return Planned(
            draft: draft,
            staffID: staffID,
            personID: personID,
            naturalKey: "\(format.rawValue):" + Self.timePrefix(item.when.fileSeconds)
                + Hex.lowercase(digest.prefix(16))
        )
    }

    /// The item's time, in fixed-width hex, before its digest: a file is imported in time order, so its
    /// keys arrive in order and the unique index grows at its end rather than at random places.
    static func timePrefix(_ fileSeconds: Double) -> String {
        let seconds = UInt64(max(0, fileSeconds))
        return Hex.lowercase((0..<5).reversed().map { UInt8(truncatingIfNeeded: seconds >> (8 * UInt64($0))) })
    }
}
