import Foundation

/// WhatsApp's "Export chat" text (Android and iPhone, with or without media) read as messages.
///
/// A message starts on a line that begins with its date and time:
/// - Android: `12/03/2024, 14:05 - Jo Bloggs: text` (a system message has no `Name:`).
/// - iPhone: `[12/03/2024, 14:05:33] Jo Bloggs: text`, often after an invisible U+200E mark; a system
///   message carries the chat's name as its sender and starts its text with U+200E.
/// Any other line continues the message before it. Dates are day-first or month-first depending on the
/// phone's language, with two- or four-digit years and `/`, `.` or `-`; which order the file uses is
/// decided from the whole file (a four-digit year first means year-first; a two-digit year written
/// first is told by its last number, the day, changing more often than its first, since the day is
/// what changes fastest in a chat; a first number over 12 means day-first, a second over 12
/// month-first, otherwise the order under which the messages run forwards in time, then day-first as
/// UK phones write it). Times are 24-hour or 12-hour, with a space, no-break space or narrow no-break space
/// before AM/PM.
///
/// The file is read twice, a line at a time: memory stays constant and time linear.
public enum WhatsAppExport {
    public enum DateOrder: String, Sendable {
        case dayFirst = "day-first", monthFirst = "month-first", yearFirst = "year-first"
    }

    public struct Summary: Sendable, Equatable {
        public var dateOrder: DateOrder
        /// Messages from people (system messages are not counted).
        public var messages = 0
        public var systemMessages = 0
        public var first: LocalDateTime?
        public var last: LocalDateTime?
        /// Senders as written in the file, in order of first appearance.
        public var participants: [String] = []
        public var errors: [ImportError] = []
    }

    /// At most this many errors are listed; the rest are counted in the last one.
    public static let maxErrors = 100
    /// WhatsApp allows 65,536 characters; a "message" far longer is a file that is not an export.
    static let maxMessageBytes = 1 << 20

    /// Reads every message, calling `each` in file order (system messages included, marked `.system`).
    /// Problems are collected in the summary, each with its line; a message is never silently dropped.
    @discardableResult
    public static func read(_ reader: LineReader, _ each: (ImportedMessage) throws -> Void = { _ in }) throws -> Summary
    {
        let order = try decideDateOrder(reader)
        var summary = Summary(dateOrder: order)
        var seen = Set<String>()
        var pending: (header: Header, at: LocalDateTime, text: [UInt8])?
        var overflow = 0

        func fail(_ line: Int, _ reason: String) {
            if summary.errors.count < maxErrors {
                summary.errors.append(ImportError(line: line, reason: reason))
            } else {
                overflow += 1
            }
        }
        func flush() throws {
            guard let p = pending else { return }
            pending = nil
            let message = classify(p.header, at: p.at, text: p.text)
            if message.kind == .system {
                summary.systemMessages += 1
            } else {
                summary.messages += 1
                if summary.first == nil { summary.first = message.at }
                summary.last = message.at
                if let s = message.sender, seen.insert(s).inserted { summary.participants.append(s) }
            }
            try each(message)
        }

        try reader.forEachLine { line, number in
            if var h = Header.parse(line) {
                h.line = number
                try flush()
                guard let at = h.date(order) else {
                    fail(
                        number,
                        "'\(String(decoding: line.prefix(40), as: UTF8.self))' does not have a real date and time (read \(order.rawValue))"
                    )
                    return true
                }
                pending = (h, at, Array(line[h.bodyStart...]))
            } else if pending != nil {
                pending!.text.append(0x0A)
                pending!.text.append(contentsOf: line)
                if pending!.text.count > maxMessageBytes {
                    fail(number, "a message runs on for more than 1 MB: this does not look like a WhatsApp export")
                    return false
                }
            } else if !isBlank(line) {
                fail(
                    number,
                    "expected a WhatsApp message starting with its date and time, such as '12/03/2024, 14:05 - Name: text' or '[12/03/2024, 14:05:33] Name: text'"
                )
            }
            return true
        }
        try flush()
        if overflow > 0 { summary.errors.append(ImportError(line: 0, reason: "and \(overflow) more problems")) }
        if summary.messages == 0 && summary.systemMessages == 0 && summary.errors.isEmpty {
            summary.errors.append(ImportError(line: 0, reason: "no WhatsApp messages found: the file is empty"))
        }
        return summary
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 } || Header.skipMarks(line, from: line.startIndex) == line.endIndex
    }

    /// First pass: which way round the dates are.
    static func decideDateOrder(_ reader: LineReader) throws -> DateOrder {
        var dayLine = 0, monthLine = 0, yearFirst = 0, others = 0
        var backwards = (day: 0, month: 0)
        var previous = (day: Int?.none, month: Int?.none)
        // For a two-digit year written first (`24-03-01`): how often the first and the last number
        // change from one message to the next, and whether every date is a real one read that way.
        var changes = (first: 0, last: 0)
        var last: Header?
        var shortYearFirstValid = true
        try reader.forEachLine { line, number in
            guard let h = Header.parse(line) else { return true }
            if h.a >= 1000 {
                yearFirst += 1
                return true
            }
            others += 1
            if let p = last {
                if p.a != h.a { changes.first += 1 }
                if p.c != h.c { changes.last += 1 }
            }
            last = h
            if shortYearFirstValid, h.yearDigits != 2 || h.date(.yearFirst) == nil { shortYearFirstValid = false }
            if h.a > 12, h.b <= 12, dayLine == 0 { dayLine = number }
            if h.b > 12, h.a <= 12, monthLine == 0 { monthLine = number }
            if let d = h.date(.dayFirst)?.sortKey {
                if let p = previous.day, d < p { backwards.day += 1 }
                previous.day = d
            }
            if let m = h.date(.monthFirst)?.sortKey {
                if let p = previous.month, m < p { backwards.month += 1 }
                previous.month = m
            }
            return true
        }
        if yearFirst > 0 && others == 0 { return .yearFirst }
        // In a chat that runs forwards in time the day changes most often. Written day-first, that is
        // the first number; written year-first with a two-digit year, the last.
        if yearFirst == 0, others > 0, shortYearFirstValid, changes.last > changes.first { return .yearFirst }
        if dayLine > 0 && monthLine > 0 {
            throw ImportError(
                line: monthLine,
                reason:
                    "the dates mix day-first (line \(dayLine)) and month-first (line \(monthLine)) writing: this is not one export"
            )
        }
        if dayLine > 0 { return .dayFirst }
        if monthLine > 0 { return .monthFirst }
        return backwards.month < backwards.day ? .monthFirst : .dayFirst
    }

    static let systemPhrases = [
        "Messages and calls are end-to-end encrypted",
        "Messages to this group are now secured with end-to-end encryption",
        "joined using this group's invite link", " created group ", " created this group", " added ", " removed ",
        " left", " joined",
        "changed the subject", "changed this group's icon", "changed the group description",
        "deleted this group's icon",
        "Your security code with", "security code changed", "changed their phone number", "changed to ",
        "You're now an admin",
        "is now an admin", "This chat is with a business account", "disappearing messages", "pinned a message",
        "Waiting for this message",
    ]

    /// What kind of message a header and its text make. On bytes: Foundation's string search cost
    /// more than everything else in a parse (measured: 1,000,000 lines took 17 s with it).
    static func classify(_ h: Header, at: LocalDateTime, text raw: [UInt8]) -> ImportedMessage {
        var nameBytes: ArraySlice<UInt8>?
        var body = raw[...]
        if let colon = firstColonSpace(raw) {
            let name = trimmedBytes(raw[..<colon])
            // An Android system line has no sender, but may hold ": " in a quoted subject.
            if !name.isEmpty, !name.contains(0x0A),
                !(name.contains(0x22) || name.count > 60)
                    || !containsSystemPhrase(String(decoding: name, as: UTF8.self))
            {
                nameBytes = name
                body = raw[(colon + 2)...]
            }
        } else if raw.last == UInt8(ascii: ":"), !raw.contains(0x0A) {
            // "Name:" with nothing after it: an empty message.
            nameBytes = trimmedBytes(raw.dropLast())
            body = []
        }
        let markedBySystem = body.starts(with: lrm)
        let textBytes = trimmedBytes(body)
        let text = String(decoding: textBytes, as: UTF8.self)
        guard let nameBytes else {
            return ImportedMessage(line: h.line, at: at, sender: nil, text: text, kind: .system)
        }
        let who = String(decoding: nameBytes, as: UTF8.self)
        let firstLine = textBytes.prefix { $0 != 0x0A }
        // iPhone: the chat's name as sender, the text marked with U+200E.
        if markedBySystem, !firstLine.ends(with: omitted), !firstLine.starts(with: attachedOpen),
            containsSystemPhrase(text)
        {
            return ImportedMessage(line: h.line, at: at, sender: nil, text: text, kind: .system)
        }
        if deleted.contains(where: { firstLine.elementsEqual($0) }) {
            return ImportedMessage(line: h.line, at: at, sender: who, text: text, kind: .deleted)
        }
        if firstLine.elementsEqual(mediaOmitted) || firstLine.ends(with: omitted) && firstLine.count < 80 {
            return ImportedMessage(line: h.line, at: at, sender: who, text: text, kind: .media)
        }
        if firstLine.starts(with: attachedOpen), firstLine.last == UInt8(ascii: ">") {
            let name = firstLine.dropFirst(attachedOpen.count).dropLast()
            return ImportedMessage(
                line: h.line,
                at: at,
                sender: who,
                text: text,
                kind: .media,
                attachment: String(decoding: name, as: UTF8.self)
            )
        }
        if firstLine.ends(with: fileAttached) {
            let name = trimmedBytes(firstLine.dropLast(fileAttached.count))
            return ImportedMessage(
                line: h.line,
                at: at,
                sender: who,
                text: text,
                kind: .media,
                attachment: String(decoding: name, as: UTF8.self)
            )
        }
        if calls.contains(where: { firstLine.starts(with: $0) }) {
            return ImportedMessage(line: h.line, at: at, sender: who, text: text, kind: .call)
        }
        return ImportedMessage(line: h.line, at: at, sender: who, text: text, kind: .text)
    }

    static func containsSystemPhrase(_ text: String) -> Bool { systemPhrases.contains { text.contains($0) } }

    static let lrm: [UInt8] = [0xE2, 0x80, 0x8E]
    static let omitted = Array(" omitted".utf8), mediaOmitted = Array("<Media omitted>".utf8),
        attachedOpen = Array("<attached: ".utf8)
    static let fileAttached = Array(" (file attached)".utf8)
    static let deleted = [
        "This message was deleted", "This message was deleted.", "You deleted this message",
        "You deleted this message.",
    ].map { Array($0.utf8) }
    static let calls = ["Missed voice call", "Missed video call", "Voice call", "Video call"].map { Array($0.utf8) }

    static func firstColonSpace(_ b: [UInt8]) -> Int? {
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x3A, b[i + 1] == 0x20 { return i }
            i += 1
        }
        return nil
    }

    /// Without the marks and spaces `marks` lists, at either end (UTF-8).
    static func trimmedBytes(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = b.startIndex, hi = b.endIndex
        func markLength(at i: Int) -> Int {
            switch b[i] {
            case 0x20, 0x09: return 1
            case 0xC2 where i + 1 < hi && b[i + 1] == 0xA0: return 2
            case 0xE2
            where i + 2 < hi && b[i + 1] == 0x80 && (b[i + 2] == 0x8E || b[i + 2] == 0x8F || b[i + 2] == 0xAF): return 3
            case 0xEF where i + 2 < hi && b[i + 1] == 0xBB && b[i + 2] == 0xBF: return 3
            default: return 0
            }
        }
        while lo < hi, case let n = markLength(at: lo), n > 0 { lo += n }
        while lo < hi {
            if b[hi - 1] == 0x20 || b[hi - 1] == 0x09 {
                hi -= 1
            } else if hi - 2 >= lo, b[hi - 2] == 0xC2, b[hi - 1] == 0xA0 {
                hi -= 2
            } else if hi - 3 >= lo, b[hi - 3] == 0xE2, b[hi - 2] == 0x80, [0x8E, 0x8F, 0xAF].contains(b[hi - 1]) {
                hi -= 3
            } else if hi - 3 >= lo, b[hi - 3] == 0xEF, b[hi - 2] == 0xBB, b[hi - 1] == 0xBF {
                hi -= 3
            } else {
                break
            }
        }
        return b[lo..<hi]
    }

    /// A message's first line: its raw date and time, and where the rest begins.
    struct Header {
        var line = 0
        /// The date's numbers as written: a/b/c.
        var a = 0, b = 0, c = 0
        var yearDigits = 0
        var hour = 0, minute = 0
        var second: Int?
        /// nil: 24-hour clock; true: PM.
        var pm: Bool?
        var bodyStart: Int

        func date(_ order: DateOrder) -> LocalDateTime? {
            var (y, m, d): (Int, Int, Int)
            switch order {
            case .yearFirst: (y, m, d) = (a < 100 ? 2000 + a : a, b, c)
            case .dayFirst: (y, m, d) = (c, b, a)
            case .monthFirst: (y, m, d) = (c, a, b)
            }
            if order != .yearFirst, yearDigits == 2 { y += 2000 }
            var h = hour
            if let pm {
                guard (1...12).contains(hour) else { return nil }
                h = hour % 12 + (pm ? 12 : 0)
            }
            return LocalDateTime.valid(year: y, month: m, day: d, hour: h, minute: minute, second: second)
        }

        /// Skips a byte-order mark and U+200E / U+200F marks.
        static func skipMarks(_ s: ArraySlice<UInt8>, from start: Int) -> Int {
            var i = start
            while i + 2 < s.endIndex {
                if s[i] == 0xEF, s[i + 1] == 0xBB, s[i + 2] == 0xBF {
                    i += 3
                    continue
                }
                if s[i] == 0xE2, s[i + 1] == 0x80, s[i + 2] == 0x8E || s[i + 2] == 0x8F {
                    i += 3
                    continue
                }
                break
            }
            return i
        }

        /// A space, no-break space (C2 A0) or narrow no-break space (E2 80 AF): its length, or 0.
        static func space(_ s: ArraySlice<UInt8>, _ i: Int) -> Int {
            guard i < s.endIndex else { return 0 }
            if s[i] == 0x20 { return 1 }
            if s[i] == 0xC2, i + 1 < s.endIndex, s[i + 1] == 0xA0 { return 2 }
            if s[i] == 0xE2, i + 2 < s.endIndex, s[i + 1] == 0x80, s[i + 2] == 0xAF { return 3 }
            return 0
        }

        static func digits(_ s: ArraySlice<UInt8>, _ i: inout Int, max: Int) -> (value: Int, count: Int)? {
            var v = 0, n = 0
            while i < s.endIndex, n < max, s[i] &- 0x30 < 10 {
                v = v * 10 + Int(s[i] &- 0x30)
                i += 1
                n += 1
            }
            return n == 0 ? nil : (v, n)
        }

        static func parse(_ s: ArraySlice<UInt8>) -> Header? {
            var i = skipMarks(s, from: s.startIndex)
            guard i < s.endIndex else { return nil }
            let bracket = s[i] == UInt8(ascii: "[")
            if bracket { i += 1 }
            guard let a = digits(s, &i, max: 4), i < s.endIndex else { return nil }
            let sep = s[i]
            guard sep == UInt8(ascii: "/") || sep == UInt8(ascii: ".") || sep == UInt8(ascii: "-") else { return nil }
            i += 1
            guard let b = digits(s, &i, max: 2), i < s.endIndex, s[i] == sep else { return nil }
            i += 1
            guard let c = digits(s, &i, max: 4), a.count == 4 ? c.count <= 2 : (c.count == 2 || c.count == 4) else {
                return nil
            }
            if i < s.endIndex, s[i] == sep { i += 1 }  // "12.03.24." in some languages
            if i < s.endIndex, s[i] == UInt8(ascii: ",") { i += 1 }
            var gap = space(s, i)
            guard gap > 0 else { return nil }
            while gap > 0 {
                i += gap
                gap = space(s, i)
            }
            guard let hour = digits(s, &i, max: 2), i < s.endIndex, s[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let minute = digits(s, &i, max: 2), minute.count == 2 else { return nil }
            var second: Int?
            if i < s.endIndex, s[i] == UInt8(ascii: ":") {
                i += 1
                guard let sec = digits(s, &i, max: 2), sec.count == 2 else { return nil }
                second = sec.value
            }
            var pm: Bool?
            var j = i
            while space(s, j) > 0 { j += space(s, j) }
            if j < s.endIndex, s[j] | 0x20 == UInt8(ascii: "a") || s[j] | 0x20 == UInt8(ascii: "p") {
                let isPM = s[j] | 0x20 == UInt8(ascii: "p")
                var k = j + 1
                if k < s.endIndex, s[k] == UInt8(ascii: ".") { k += 1 }
                if k < s.endIndex, s[k] | 0x20 == UInt8(ascii: "m") {
                    k += 1
                    if k < s.endIndex, s[k] == UInt8(ascii: ".") { k += 1 }
                    pm = isPM
                    i = k
                }
            }
            if bracket {
                guard i < s.endIndex, s[i] == UInt8(ascii: "]") else { return nil }
                i += 1
                guard space(s, i) > 0 else { return nil }
                i += space(s, i)
            } else {
                // " - " (a hyphen, or an en dash in some languages)
                guard space(s, i) > 0 else { return nil }
                i += space(s, i)
                if i < s.endIndex, s[i] == UInt8(ascii: "-") {
                    i += 1
                } else if i + 2 < s.endIndex, s[i] == 0xE2, s[i + 1] == 0x80, s[i + 2] == 0x93 {
                    i += 3
                } else {
                    return nil
                }
                guard space(s, i) > 0 else { return nil }
                i += space(s, i)
            }
            return Header(
                a: a.value,
                b: b.value,
                c: c.value,
                yearDigits: c.count,
                hour: hour.value,
                minute: minute.value,
                second: second,
                pm: pm,
                bodyStart: i
            )
        }
    }
}

extension ArraySlice<UInt8> {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix) }
}
