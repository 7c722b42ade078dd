import Foundation
import SafeCommsCore

/// Android "SMS Backup & Restore" files: messages (`<smses>` of `<sms>` and `<mms>`) and call logs
/// (`<calls>` of `<call>`). Read by a small tag scanner rather than an XML parser, because the app
/// writes emoji as pairs of UTF-16 surrogate references (`&#55357;&#56832;`), which XML forbids and
/// strict parsers refuse; they are joined back into the character here. Times are the app's
/// milliseconds since 1970, so they are instants, with no zone to guess. Media is never kept: an MMS
/// part that is not text becomes its file name.
public enum SMSBackup {
    public struct Item: Sendable, Equatable {
        public enum Kind: String, Sendable { case sms, mms, call }

        /// The line its element starts on.
        public var line: Int
        public var kind: Kind
        public var at: Date
        /// As written; empty for a withheld caller.
        public var address: String
        public var e164: String?
        /// The phone's name for the contact; nil when it had none.
        public var contactName: String?
        /// Messages: `received`, `sent`, `draft`, `outbox`, `failed` or `queued`. Calls: `incoming`,
        /// `outgoing`, `missed`, `voicemail`, `rejected` or `blocked`.
        public var box: String
        public var body: String?
        public var attachments: [String]
        public var durationSeconds: Int?

        /// Sent by the phone's owner (nil when neither way, as for a draft or a missed call).
        public var outgoing: Bool? {
            switch box {
            case "sent", "outgoing": true
            case "received", "incoming": false
            default: nil
            }
        }
    }

    public struct Summary: Sendable, Equatable {
        public var items = 0
        public var errors: [ImportError] = []
    }

    static let messageBoxes = ["1": "received", "2": "sent", "3": "draft", "4": "outbox", "5": "failed", "6": "queued"]
    static let callTypes = [
        "1": "incoming", "2": "outgoing", "3": "missed", "4": "voicemail", "5": "rejected", "6": "blocked",
    ]

    /// Reads every item in file order. The root's `count` is checked against what was found, so a
    /// backup cut short is reported rather than imported in part unnoticed.
    public static func read(_ reader: LineReader, _ each: (Item) throws -> Void) throws -> Summary {
        var summary = Summary()
        var root: (name: String, count: Int?, line: Int)?
        var mms: (attributes: [String: String], line: Int, texts: [String], attachments: [String])?
        func fail(_ line: Int, _ reason: String) {
            if summary.errors.count < 100 { summary.errors.append(ImportError(line: line, reason: reason)) }
        }
        func instant(_ a: [String: String], _ line: Int) -> Date? {
            guard let ms = a["date"].flatMap(Int64.init), ms > 0 else {
                fail(line, "the date '\(a["date"] ?? "")' is not the app's milliseconds since 1970")
                return nil
            }
            return Date(timeIntervalSince1970: Double(ms) / 1000)
        }
        func contact(_ a: [String: String]) -> String? {
            guard let name = a["contact_name"], !name.isEmpty, name != "(Unknown)", name != "null" else { return nil }
            return name
        }
        func e164(_ address: String) -> String? { try? PhoneNumber(parsing: address, field: "address").e164 }

        try Tags.scan(reader) { tag, line in
            switch tag {
            case .open(let name, let a, let selfClosing):
                switch name {
                case "smses", "calls":
                    root = (name, a["count"].flatMap(Int.init), line)
                case "sms":
                    guard let at = instant(a, line) else { return }
                    let address = a["address"] ?? ""
                    summary.items += 1
                    try each(
                        Item(
                            line: line,
                            kind: .sms,
                            at: at,
                            address: address,
                            e164: e164(address),
                            contactName: contact(a),
                            box: messageBoxes[a["type"] ?? ""] ?? "unknown",
                            body: a["body"].flatMap { $0 == "null" ? nil : $0 },
                            attachments: [],
                            durationSeconds: nil
                        )
                    )
                case "call":
                    guard let at = instant(a, line) else { return }
                    let number = a["number"] ?? ""
                    guard let duration = Int(a["duration"] ?? "0"), duration >= 0 else {
                        fail(line, "the duration '\(a["duration"] ?? "")' is not a whole number of seconds")
                        return
                    }
                    summary.items += 1
                    try each(
                        Item(
                            line: line,
                            kind: .call,
                            at: at,
                            address: number,
                            e164: e164(number),
                            contactName: contact(a),
                            box: callTypes[a["type"] ?? ""] ?? "unknown",
                            body: nil,
                            attachments: [],
                            durationSeconds: duration
                        )
                    )
                case "mms" where !selfClosing:
                    mms = (a, line, [], [])
                case "part":
                    guard mms != nil else { break }
                    if a["ct"] == "text/plain", let text = a["text"], text != "null" {
                        mms!.texts.append(text)
                    } else if a["ct"] != "application/smil" {
                        let file = [a["name"], a["cl"], a["fn"]].compactMap { $0 }.first { $0 != "null" && !$0.isEmpty }
                        mms!.attachments.append(file ?? (a["ct"] ?? "attachment"))
                    }
                default:
                    break
                }
            case .close(let name):
                guard name == "mms", let m = mms else { return }
                mms = nil
                guard let at = instant(m.attributes, m.line) else { return }
                let address = m.attributes["address"] ?? ""
                summary.items += 1
                try each(
                    Item(
                        line: m.line,
                        kind: .mms,
                        at: at,
                        address: address,
                        e164: e164(address.split(separator: "~").first.map(String.init) ?? address),
                        contactName: contact(m.attributes),
                        box: messageBoxes[m.attributes["msg_box"] ?? ""] ?? "unknown",
                        body: m.texts.isEmpty ? nil : m.texts.joined(separator: "\n"),
                        attachments: m.attachments,
                        durationSeconds: nil
                    )
                )
            }
        }
        if let root {
            if let count = root.count, count != summary.items + summary.errors.count {
                fail(
                    root.line,
                    "the backup says it holds \(count) \(root.name == "calls" ? "calls" : "messages") but \(summary.items + summary.errors.count) were found: it may be cut short"
                )
            }
        } else if summary.errors.isEmpty {
            fail(0, "this is not an SMS Backup & Restore file: there is no <smses> or <calls> element")
        }
        return summary
    }
}

/// The tags of a simple XML document, with attributes decoded; text between tags is ignored (the
/// backups keep everything in attributes). Comments, processing instructions and declarations are
/// skipped.
enum Tags {
    enum Tag {
        case open(name: String, attributes: [String: String], selfClosing: Bool)
        case close(name: String)
    }

    static func scan(_ reader: LineReader, _ each: (Tag, Int) throws -> Void) throws {
        var buffer: [UInt8] = []
        var inTag = false, quote: UInt8 = 0, start = 0
        var inComment = false
        try reader.forEachLine { line, number in
            var i = line.startIndex
            if inTag { buffer.append(0x0A) }
            while i < line.endIndex {
                let b = line[i]
                if inComment {
                    buffer.append(b)
                    if buffer.count >= 3, buffer.suffix(3).elementsEqual(Array("-->".utf8)) {
                        inComment = false
                        inTag = false
                        buffer.removeAll(keepingCapacity: true)
                    }
                } else if !inTag {
                    if b == UInt8(ascii: "<") {
                        inTag = true
                        start = number
                        buffer.removeAll(keepingCapacity: true)
                        buffer.append(b)
                    }
                } else {
                    buffer.append(b)
                    if buffer.count == 4, buffer.elementsEqual(Array("<!--".utf8)) {
                        inComment = true
                    } else if quote != 0 {
                        if b == quote { quote = 0 }
                    } else if b == 0x22 || b == 0x27 {
                        quote = b
                    } else if b == UInt8(ascii: ">") {
                        inTag = false
                        if let tag = try parse(buffer, line: start) { try each(tag, start) }
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                i += 1
            }
            if buffer.count > LineReader.maxLineBytes * 16 {
                throw ImportError(line: start, reason: "an element runs on for more than 16 MB")
            }
            return true
        }
        if inTag || inComment {
            throw ImportError(line: start, reason: "an element is not closed before the end of the file")
        }
    }

    /// `<name a="1" b='2'/>`, `</name>`; nil for `<?…?>` and `<!…>`.
    static func parse(_ t: [UInt8], line: Int) throws -> Tag? {
        guard t.count >= 3 else { throw ImportError(line: line, reason: "an empty element '<>'") }
        if t[1] == UInt8(ascii: "?") || t[1] == UInt8(ascii: "!") { return nil }
        var i = 1
        let closing = t[1] == UInt8(ascii: "/")
        if closing { i += 1 }
        let nameStart = i
        while i < t.count, !isSpace(t[i]), t[i] != UInt8(ascii: "/"), t[i] != UInt8(ascii: ">") { i += 1 }
        let name = String(decoding: t[nameStart..<i], as: UTF8.self)
        if closing { return .close(name: name) }
        var attributes: [String: String] = [:]
        while i < t.count {
            while i < t.count, isSpace(t[i]) { i += 1 }
            guard i < t.count, t[i] != UInt8(ascii: "/"), t[i] != UInt8(ascii: ">") else { break }
            let keyStart = i
            while i < t.count, t[i] != UInt8(ascii: "="), !isSpace(t[i]) { i += 1 }
            let key = String(decoding: t[keyStart..<i], as: UTF8.self)
            while i < t.count, isSpace(t[i]) { i += 1 }
            guard i + 1 < t.count, t[i] == UInt8(ascii: "="), t[i + 1] == 0x22 || t[i + 1] == 0x27 else {
                throw ImportError(line: line, reason: "the attribute '\(key)' of <\(name)> has no quoted value")
            }
            let q = t[i + 1]
            i += 2
            let valueStart = i
            while i < t.count, t[i] != q { i += 1 }
            attributes[key] = try decode(t[valueStart..<i], line: line)
            i += 1
        }
        return .open(
            name: name,
            attributes: attributes,
            selfClosing: t.count >= 2 && t[t.count - 2] == UInt8(ascii: "/")
        )
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// XML's five named entities and numeric references, a UTF-16 surrogate pair written as two
    /// references joined into one character.
    static func decode(_ v: ArraySlice<UInt8>, line: Int) throws -> String {
        guard v.contains(UInt8(ascii: "&")) else { return String(decoding: v, as: UTF8.self) }
        var out: [UInt8] = []
        var pendingHigh: UInt32?
        var i = v.startIndex
        func append(_ scalar: UInt32) {
            if let s = Unicode.Scalar(scalar) { out.append(contentsOf: Array(String(Character(s)).utf8)) }
        }
        while i < v.endIndex {
            guard v[i] == UInt8(ascii: "&"), let semi = v[i...].firstIndex(of: UInt8(ascii: ";")), semi - i <= 12 else {
                if pendingHigh != nil {
                    append(0xFFFD)
                    pendingHigh = nil
                }
                out.append(v[i])
                i += 1
                continue
            }
            let name = String(decoding: v[(i + 1)..<semi], as: UTF8.self)
            i = semi + 1
            var scalar: UInt32?
            switch name {
            case "amp": scalar = 0x26
            case "lt": scalar = 0x3C
            case "gt": scalar = 0x3E
            case "quot": scalar = 0x22
            case "apos": scalar = 0x27
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst())
                }
            }
            guard let code = scalar else {
                throw ImportError(line: line, reason: "'&\(name);' is not an XML character reference")
            }
            if (0xD800...0xDBFF).contains(code) {
                if pendingHigh != nil { append(0xFFFD) }
                pendingHigh = code
            } else if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                append(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
                pendingHigh = nil
            } else {
                if pendingHigh != nil {
                    append(0xFFFD)
                    pendingHigh = nil
                }
                append(code)
            }
        }
        if pendingHigh != nil { append(0xFFFD) }
        return String(decoding: out, as: UTF8.self)
    }
}
