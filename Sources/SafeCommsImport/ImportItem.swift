import Foundation
import SafeCommsCore

/// The formats `safecomms import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    case whatsapp
    case smsBackup = "sms-backup"
    case email
    case calls

    /// Written from the phone owner's side, covering every contact the phone had: only the items with
    /// the case's people belong to the case; the rest are left out, not listed as unmatched.
    public var coversWholePhone: Bool { self == .smsBackup || self == .calls }
}

/// One communication read from any import format, in the terms the case chronology needs. The formats
/// differ in whose side they are written from: a WhatsApp export or an e-mail names each message's
/// sender (and who that is decides the direction); an SMS backup or a carrier's bill is written from
/// the phone owner's side, naming the other party and the direction.
public struct ImportItem: Sendable {
    public enum When: Sendable, Equatable {
        /// As written, with no zone: the organisation's zone applies.
        case local(LocalDateTime)
        case instant(Date)
    }

    public var line: Int
    public var when: When
    /// The time as the file wrote it, when that is not `when` in the organisation's zone (an e-mail's
    /// Date header, in the sender's own offset).
    public var written: LocalDateTime?
    public var channel: Channel
    /// The sender as written (WhatsApp, e-mail); nil for the phone-side formats.
    public var from: String?
    /// E-mail's recipients as written (To, then Cc).
    public var to: [String] = []
    /// The phone-side formats' other party: the number as written, then the phone's name for it (tried
    /// when the number matches nobody).
    public var other: [String] = []
    /// The phone-side formats' direction: true when the phone's owner sent or made it.
    public var outgoing: Bool?
    public var text: String?
    /// For calls: what the log says of it, as the record's summary.
    public var summary: String?
    public var durationSeconds: Int?
    /// What makes the item itself, for its natural key (with the case, the format and its place among
    /// identical ones): importing the file again finds the same key.
    public var identity: String
}

extension ImportItem {
    /// Media is never kept, only named (an image may be one we must never store).
    static func attachmentNote(_ names: [String]) -> String {
        names.map { "[attachment: \($0) — the file itself is not kept]" }.joined(separator: "\n")
    }

    static func joined(_ parts: String?...) -> String? {
        let kept = parts.compactMap { $0 }.filter { !$0.isEmpty }
        return kept.isEmpty ? nil : kept.joined(separator: "\n")
    }

    static func durationText(_ seconds: Int) -> String {
        seconds < 60
            ? "\(seconds) s" : seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(seconds % 60) s"
    }

    /// A WhatsApp message (system messages are not communications and give nil). `media` lists a .zip
    /// export's files: one the message names is noted with its size and SHA-256, never kept. The natural
    /// key is the text as written, so the same chat imported as text and again as a .zip adds nothing.
    public init?(whatsapp m: ImportedMessage, media: [String: MediaFile] = [:]) {
        guard m.kind != .system, let sender = m.sender else { return nil }
        let text = m.text.isEmpty ? "(an empty message)" : m.text
        var transcript = text
        if let name = m.attachment, let file = media[name] {
            transcript +=
                "\n[attachment: \(name), \(Self.sizeText(file.bytes)) in the export"
                + (file.sha256.map { ", SHA-256 \($0)" } ?? "") + " — the file itself is not kept]"
        }
        self.init(
            line: m.line,
            when: .local(m.at),
            channel: .whatsapp,
            from: sender,
            text: transcript,
            identity: "\(sender)\u{1F}\(m.at)\u{1F}\(text)"
        )
    }

    static func sizeText(_ bytes: UInt64) -> String {
        bytes < 1024 ? "\(bytes) bytes" : bytes < 1 << 20 ? "\(bytes / 1024) KB" : "\(bytes / (1 << 20)) MB"
    }

    /// An e-mail: the sender and recipients by address (as the case's people and staff are matched),
    /// the subject before the text, attachments named only. The Message-ID is the natural key when
    /// there is one (a message saved twice, in an .eml and in an .mbox, is one message).
    public init(email m: Email.Message) {
        let body = Self.joined(
            m.subject.isEmpty ? nil : "Subject: \(m.subject)",
            m.text,
            m.attachments.isEmpty ? nil : Self.attachmentNote(m.attachments),
            m.timeFrom == .dateHeader
                ? nil : "(The e-mail has no Date header: its time is from \(m.timeFrom.rawValue).)"
        )
        self.init(
            line: m.line,
            when: .instant(m.at),
            written: m.written,
            channel: .email,
            from: m.from.email,
            to: m.to.map(\.email),
            text: body ?? "(an empty e-mail)",
            identity: m.messageID.map { "message-id\u{1F}\($0)" }
                ?? "\(m.from.email)\u{1F}\(m.at.timeIntervalSince1970)\u{1F}\(m.subject)"
        )
    }

    /// An SMS, MMS or call from an SMS Backup & Restore file. Drafts and messages that never went
    /// (failed, queued, in the outbox) were not communications and give nil; every call is one,
    /// missed and rejected ones included, since a missed call from a parent is contact to answer.
    public init?(smsBackup i: SMSBackup.Item) {
        let other = [i.address] + (i.contactName.map { [$0] } ?? [])
        let identity =
            "\(i.kind.rawValue)\u{1F}\(i.address)\u{1F}\(Int64((i.at.timeIntervalSince1970 * 1000).rounded()))\u{1F}\(i.box)"
        switch i.kind {
        case .sms, .mms:
            guard let outgoing = i.outgoing else { return nil }
            let text =
                Self.joined(i.body, i.attachments.isEmpty ? nil : Self.attachmentNote(i.attachments))
                ?? "(an empty message)"
            self.init(
                line: i.line,
                when: .instant(i.at),
                channel: .sms,
                other: other,
                outgoing: outgoing,
                text: text,
                identity: identity + "\u{1F}\(text)"
            )
        case .call:
            let duration = i.durationSeconds ?? 0
            let outgoing = i.box == "outgoing"
            let what =
                switch i.box {
                case "outgoing": "Outgoing call"
                case "incoming": "Incoming call"
                case "missed": "Missed call"
                case "voicemail": "Call to voicemail"
                case "rejected": "Rejected call"
                case "blocked": "Blocked call"
                default: "Call"
                }
            self.init(
                line: i.line,
                when: .instant(i.at),
                channel: .phoneCall,
                other: other,
                outgoing: outgoing,
                summary: "\(what)\(duration > 0 ? ", \(Self.durationText(duration))" : "") (from the phone's call log)",
                durationSeconds: duration,
                identity: identity + "\u{1F}\(duration)"
            )
        }
    }

    /// A call or text from a carrier's itemised bill. A bill that does not say which way counts it as
    /// made by the phone's owner, as bills list outgoing calls unless marked.
    public init(carrier r: CarrierCallLog.Row) {
        let outgoing = r.outgoing ?? true
        let identity =
            "\(r.number)\u{1F}\(r.at)\u{1F}\(outgoing)\u{1F}\(r.kind.rawValue)\u{1F}\(r.durationSeconds ?? -1)"
        switch r.kind {
        case .call:
            let d = r.durationSeconds ?? 0
            self.init(
                line: r.line,
                when: .local(r.at),
                channel: .phoneCall,
                other: [r.number],
                outgoing: outgoing,
                summary:
                    "\(outgoing ? "Outgoing" : "Incoming") call\(d > 0 ? ", \(Self.durationText(d))" : "") (from the carrier's bill; what was said is not known)",
                durationSeconds: d,
                identity: identity
            )
        case .text:
            self.init(
                line: r.line,
                when: .local(r.at),
                channel: .sms,
                other: [r.number],
                outgoing: outgoing,
                text: "(a text message listed on the carrier's bill; its words are not known)",
                identity: identity
            )
        }
    }
}

extension ImportItem.When {
    /// Seconds since 1970 of the time as the file gives it (a local time read as if it were UTC):
    /// for ordering natural keys, and independent of the organisation's zone setting, so a key never
    /// changes when the setting does.
    public var fileSeconds: Double {
        switch self {
        case .local(let t): t.wallSeconds
        case .instant(let d): d.timeIntervalSince1970
        }
    }
}

extension LocalDateTime {
    /// The wall-clock time an instant was in `zone`, to the second.
    public init(_ instant: Date, in zone: TimeZone) {
        let seconds = Int((instant.timeIntervalSince1970).rounded(.down)) + zone.secondsFromGMT(for: instant)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let date = BankHolidays.Day(daysSince1970: days)
        self.init(
            year: date.year,
            month: date.month,
            day: date.day,
            hour: rest / 3_600,
            minute: rest % 3_600 / 60,
            second: rest % 60
        )
    }
}

/// A problem with one line of a file, in words its user understands.
public struct ImportProblem: Sendable, Codable, Equatable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}
