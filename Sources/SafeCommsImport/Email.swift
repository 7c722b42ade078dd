import Foundation

/// E-mail saved as a single .eml or many to an .mbox, read a line at a time so memory stays that of
/// one message however big the file. Only what a chronology needs is kept: who, when, the subject, the
/// text and the names of attachments. An attachment's content is skipped without being decoded (it may
/// be an image of a child, which must not be stored). A message that cannot be read exactly is
/// reported with its line rather than imported in part.
public enum Email {
    /// A mailbox from a From, To or Cc header.
    public struct Address: Sendable, Equatable {
        /// The display name (or, for `jane@x.org (Jane)`, the comment), RFC 2047 decoded; nil when none.
        public var name: String?
        /// Lower-cased.
        public var email: String

        public init(name: String? = nil, email: String) {
            self.name = name
            self.email = email
        }
    }

    /// One message, as a mail client would show it.
    public struct Message: Sendable, Equatable {
        /// The line its headers start on (for an mbox, the line after the `From ` separator).
        public var line: Int
        /// The instant in the Date header, its zone offset applied.
        public var at: Date
        /// The Date header's wall-clock time as written, in its own offset.
        public var written: LocalDateTime
        public var from: Address
        /// To, then Cc.
        public var to: [Address]
        /// RFC 2047 decoded; empty when there is none.
        public var subject: String
        /// The text/plain body, or failing that the text/html one without its markup; several inline
        /// text parts of a multipart/mixed (text, a photo, more text) are joined in order. Line ends
        /// are `\n`; trailing whitespace is trimmed.
        public var text: String
        /// The file names of the parts that are not body text, in order; `(unnamed image/png)` for a
        /// part that gives none, so that no part goes unmentioned. Their content is never kept.
        public var attachments: [String]
        /// Without angle brackets.
        public var messageID: String?
        /// Where the time came from: the Date header, or for a message without one its newest
        /// Received header or the mbox `From ` line before it.
        public var timeFrom: TimeSource = .dateHeader
    }

    public enum TimeSource: String, Sendable, Equatable {
        case dateHeader = "the Date header"
        case receivedHeader = "the Received header"
        case mboxFromLine = "the mbox 'From ' line"
    }

    public struct Summary: Sendable, Equatable {
        /// Messages passed to `each`.
        public var messages = 0
        /// One per message that was not passed to `each`, at most `maxErrors`.
        public var errors: [ImportError] = []
    }

    static let maxErrors = 100

    /// Reads a single .eml or an .mbox (a file whose first non-empty line starts with `From `), calling
    /// `each` per message in file order. A message with a problem is not passed on; its error is added
    /// to the summary and reading goes on with the next.
    public static func read(_ reader: LineReader, _ each: (Message) throws -> Void) throws -> Summary {
        var summary = Summary()
        var isMbox: Bool?  // decided by the first non-empty line
        var current: MessageParser?
        var previousBlank = true
        var lastLine = 0

        func end() throws {
            guard var parser = current else { return }
            current = nil
            switch parser.finish(lastLine: lastLine) {
            case .success(let message):
                summary.messages += 1
                try each(message)
            case .failure(let error):
                if summary.errors.count < maxErrors { summary.errors.append(error) }
            }
        }

        try reader.forEachLine { whole, number in
            defer { lastLine = number }
            var line = whole
            if isMbox == nil {
                // a byte-order mark, as Windows tools write
                if number == 1, MIME.hasPrefix(line, [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
                if line.allSatisfy(MIME.isWhitespace) { return true }
                let mbox = isFromLine(line)
                isMbox = mbox
                current = MessageParser(
                    start: mbox ? number + 1 : number,
                    fromLine: mbox ? String(decoding: line, as: UTF8.self) : nil
                )
                if mbox { return true }
            } else if isMbox == true {
                if isFromLine(line), previousBlank || isEnvelope(line) {
                    try end()
                    current = MessageParser(start: number + 1, fromLine: String(decoding: line, as: UTF8.self))
                    previousBlank = false
                    return true
                }
                previousBlank = line.isEmpty
                current?.feed(unescaped(line), number)
                return true
            }
            current?.feed(line, number)
            return true
        }
        try end()
        return summary
    }

    static let fromSpace = Array("From ".utf8)

    /// A line starting `From ` that is not the obsolete header form `From  : …` (RFC 5322 A.6.3).
    static func isFromLine(_ line: ArraySlice<UInt8>) -> Bool {
        guard MIME.hasPrefix(line, fromSpace) else { return false }
        return line.dropFirst(fromSpace.count).first(where: { !MIME.isWhitespace($0) }) != UInt8(ascii: ":")
    }

    /// mboxrd and mboxo writers put `>` before a body line that starts `From ` (and mboxrd before one
    /// already quoted, `>>From `); one is taken off again.
    static func unescaped(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard line.first == UInt8(ascii: ">") else { return line }
        var i = line.startIndex
        while i < line.endIndex, line[i] == UInt8(ascii: ">") { i += 1 }
        return MIME.hasPrefix(line[i...], fromSpace) ? line.dropFirst() : line
    }

    /// `From sender Tue Mar 12 09:15:00 2024`: the shape of an envelope line, for the writers that put no
    /// blank line before one. A body line that happens to start `From ` (after a line of text) is far
    /// less likely to go on with a day and a month name.
    static func isEnvelope(_ line: ArraySlice<UInt8>) -> Bool {
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 4, omittingEmptySubsequences: true)
        guard words.count >= 4 else { return false }
        let day = String(decoding: words[2], as: UTF8.self).lowercased()
        let month = String(decoding: words[3], as: UTF8.self).lowercased()
        return DateParser.weekday(day) && DateParser.month(month) != nil
    }
}
