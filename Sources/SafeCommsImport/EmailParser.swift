import Foundation

extension Email {
    /// One message, fed a line at a time: its header block, then its MIME tree (RFC 2046), with the
    /// multiparts still open kept as a stack. Only the text part being read holds its bytes; other
    /// parts are passed over a line at a time, never decoded.
    struct MessageParser {
        enum Phase { case rootHeaders, partHeaders, body }

        let start: Int
        /// An mbox's `From ` line before the message, for its time when the message has no Date.
        let fromLine: String?
        private var error: ImportError?
        private var phase = Phase.rootHeaders
        private var headers = HeaderBlock()
        private var envelope: Envelope?
        private var open: [Multipart] = []
        private var text: TextPart?
        private var attachments: [String] = []
        private var body: Piece?

        init(start: Int, fromLine: String? = nil) {
            self.start = start
            self.fromLine = fromLine
        }

        /// After the first problem the rest of the message is only counted past.
        mutating func feed(_ line: ArraySlice<UInt8>, _ number: Int) {
            guard error == nil else { return }
            do { try step(line, number) } catch { self.error = error }
        }

        /// The message, or the first problem in it, once its last line (`lastLine`) has been fed.
        mutating func finish(lastLine: Int) -> Result<Message, ImportError> {
            if error == nil {
                do throws(ImportError) {
                    if phase != .body { try endHeaders(bodyLine: lastLine + 1) }
                    try endText()
                    if let unclosed = open.first {
                        throw ImportError(
                            line: unclosed.line,
                            reason: unclosed.seen
                                ? "the multipart boundary '\(unclosed.boundary)' is never closed (the message ends at line \(lastLine))"
                                : "the multipart boundary '\(unclosed.boundary)' never appears in the message"
                        )
                    }
                } catch {
                    self.error = error
                }
            }
            if let error { return .failure(error) }
            // Set when the root headers ended, which the lines above made sure of.
            let e = envelope!
            return .success(
                Message(
                    line: start,
                    at: e.at,
                    written: e.written,
                    from: e.from,
                    to: e.to,
                    subject: e.subject,
                    text: body?.text ?? "",
                    attachments: attachments,
                    messageID: e.messageID,
                    timeFrom: e.timeFrom
                )
            )
        }

        private mutating func step(_ line: ArraySlice<UInt8>, _ number: Int) throws(ImportError) {
            if !open.isEmpty, line.count >= 2, line[line.startIndex] == 0x2D, line[line.startIndex + 1] == 0x2D,
                let (index, closing) = delimiter(line)
            {
                try endPart(number)
                // an inner multipart left open ends with its parent's part
                while open.count > index + 1 { closeInnermost() }
                if closing {
                    closeInnermost()
                    phase = .body  // the epilogue, passed over
                } else {
                    open[index].seen = true
                    phase = .partHeaders
                }
                return
            }
            switch phase {
            case .rootHeaders, .partHeaders:
                if line.isEmpty { try endHeaders(bodyLine: number + 1) } else { try headers.add(line, number) }
            case .body:
                try text?.append(line, number)
            }
        }

        /// The open multipart whose delimiter (`--boundary`, or `--boundary--` to close) this line is,
        /// innermost first; transport padding (trailing white space) is allowed.
        private func delimiter(_ line: ArraySlice<UInt8>) -> (index: Int, closing: Bool)? {
            for index in open.indices.reversed() where MIME.hasPrefix(line, open[index].delimiter) {
                let rest = line.dropFirst(open[index].delimiter.count)
                if rest.allSatisfy(MIME.isWhitespace) { return (index, false) }
                if MIME.hasPrefix(rest, [0x2D, 0x2D]), rest.dropFirst(2).allSatisfy(MIME.isWhitespace) {
                    return (index, true)
                }
            }
            return nil
        }

        /// Ends the part being read at a delimiter: one cut off in its headers has an empty body.
        private mutating func endPart(_ number: Int) throws(ImportError) {
            if phase == .partHeaders { try endHeaders(bodyLine: number) }
            try endText()
        }

        private mutating func endText() throws(ImportError) {
            guard let part = text else { return }
            text = nil
            deliver(try part.decoded())
        }

        private mutating func closeInnermost() {
            if let piece = open.removeLast().combined { deliver(piece) }
        }

        private mutating func deliver(_ piece: Piece) {
            if open.isEmpty { body = piece } else { open[open.count - 1].pieces.append(piece) }
        }

        private mutating func endHeaders(bodyLine: Int) throws(ImportError) {
            let block = headers
            headers = HeaderBlock()
            if phase == .rootHeaders { envelope = try Envelope(block, start: start, fromLine: fromLine) }
            phase = .body
            try beginBody(block, bodyLine: bodyLine)
        }

        /// Decides what the body after `block` is: a multipart to open, a text part to read, or an
        /// attachment to name and pass over.
        private mutating func beginBody(_ block: HeaderBlock, bodyLine: Int) throws(ImportError) {
            // RFC 2046: parts of a multipart/digest are messages unless they say otherwise.
            var type = MIME.Field(value: open.last?.digest == true ? "message/rfc822" : "text/plain")
            var typeLine = bodyLine
            if let header = block[.contentType] {
                let field = try MIME.Field(header.text, line: header.line)
                // RFC 2045 5.2: a Content-Type that is not type/subtype is read as the default.
                if field.value.utf8.contains(UInt8(ascii: "/")) {
                    type = field
                    typeLine = header.line
                }
            }
            if type.value.hasPrefix("multipart/") {
                guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
                    throw ImportError(line: typeLine, reason: "the \(type.value) part has no boundary")
                }
                open.append(
                    Multipart(
                        boundary: boundary,
                        delimiter: Array("--\(boundary)".utf8),
                        line: typeLine,
                        alternative: type.value == "multipart/alternative",
                        digest: type.value == "multipart/digest"
                    )
                )
                return
            }
            var disposition: MIME.Field?
            if let header = block[.disposition] { disposition = try MIME.Field(header.text, line: header.line) }
            if type.value == "text/plain" || type.value == "text/html", disposition?.value != "attachment" {
                let charsetName = type.parameters["charset"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-ascii"
                guard let charset = Charset(named: charsetName) else {
                    throw Charset.unknown(charsetName, line: typeLine)
                }
                var encoding = MIME.TransferEncoding.identity
                if let header = block[.transferEncoding] {
                    guard let e = MIME.TransferEncoding(header.text) else {
                        throw ImportError(
                            line: header.line,
                            reason: "the Content-Transfer-Encoding '\(header.text)' is not one this version can read"
                        )
                    }
                    encoding = e
                }
                text = TextPart(
                    html: type.value == "text/html",
                    encoding: encoding,
                    charset: charset,
                    charsetName: charsetName,
                    firstLine: bodyLine,
                    flowed: type.parameters["format"]?.lowercased() == "flowed",
                    delSp: type.parameters["delsp"]?.lowercased() == "yes"
                )
                return
            }
            var name: String?
            if let filename = disposition?.parameters["filename"], let header = block[.disposition] {
                name = try Self.fileName(filename, line: header.line)
            }
            if name == nil, let filename = type.parameters["name"] {
                name = try Self.fileName(filename, line: typeLine)
            }
            attachments.append(name ?? "(unnamed \(type.value))")
        }

        /// A file name parameter, RFC 2047 decoded (Outlook and Gmail encode names so, inside the
        /// quotes), without the folders old Windows clients sent with it; nil when empty.
        static func fileName(_ raw: String, line: Int) throws(ImportError) -> String? {
            let decoded = try MIME.decodeWords(raw, line: line)
            let name = decoded.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map { MIME.trimmed($0) }
            return name?.isEmpty == false ? name : nil
        }
    }

    /// Body text so far: a text part's, or several joined. `plain` when any of it came from text/plain,
    /// which multipart/alternative prefers to HTML.
    struct Piece {
        var text: String
        var plain: Bool
    }

    /// An open multipart: its delimiter, and the text its parts have given so far.
    struct Multipart {
        var boundary: String
        var delimiter: [UInt8]
        /// The Content-Type header that set the boundary.
        var line: Int
        var alternative: Bool
        var digest: Bool
        /// Its first delimiter has been read (what comes before is the preamble).
        var seen = false
        var pieces: [Piece] = []

        /// multipart/alternative: its text/plain, else its first text. Any other multipart: all its text,
        /// in order, as a mail client shows the parts one after another.
        var combined: Piece? {
            let nonEmpty = pieces.filter { !$0.text.isEmpty }
            if alternative { return nonEmpty.first(where: \.plain) ?? nonEmpty.first }
            guard !nonEmpty.isEmpty else { return nil }
            return Piece(text: nonEmpty.map(\.text).joined(separator: "\n\n"), plain: nonEmpty.contains(where: \.plain))
        }
    }

    /// A text part being read: its decoded bytes so far, and where each line's bytes begin (to name the
    /// line of a byte its charset cannot read).
    struct TextPart {
        /// More text than this in one part is taken for a fault, not held.
        static let maxBytes = 16 << 20

        let html: Bool
        let encoding: MIME.TransferEncoding
        let charset: Charset
        let charsetName: String
        let firstLine: Int
        /// RFC 3676 `format=flowed`, and its `delsp=yes`.
        let flowed: Bool, delSp: Bool
        private var bytes: [UInt8] = []
        private var lineStarts: [(offset: Int, line: Int)] = []
        private var base64 = MIME.Base64()

        init(
            html: Bool,
            encoding: MIME.TransferEncoding,
            charset: Charset,
            charsetName: String,
            firstLine: Int,
            flowed: Bool,
            delSp: Bool
        ) {
            self.html = html
            self.encoding = encoding
            self.charset = charset
            self.charsetName = charsetName
            self.firstLine = firstLine
            self.flowed = flowed
            self.delSp = delSp
        }

        mutating func append(_ line: ArraySlice<UInt8>, _ number: Int) throws(ImportError) {
            lineStarts.append((bytes.count, number))
            switch encoding {
            case .identity:
                bytes.append(contentsOf: line)
                bytes.append(0x0A)
            case .quotedPrintable:
                MIME.appendQuotedPrintable(line, to: &bytes)
            case .base64:
                guard base64.append(line, to: &bytes) else {
                    throw ImportError(line: number, reason: "invalid base64 in the text part")
                }
            }
            guard bytes.count <= Self.maxBytes else {
                throw ImportError(line: number, reason: "the text part is longer than \(Self.maxBytes >> 20) MB")
            }
        }

        /// The part's text: charset decoded, line ends made `\n`, a byte-order mark dropped, HTML made
        /// plain or flowed lines joined, trailing white space trimmed.
        consuming func decoded() throws(ImportError) -> Piece {
            if encoding == .base64 {
                guard let rest = base64.finish() else {
                    throw ImportError(
                        line: lineStarts.last?.line ?? firstLine,
                        reason: "invalid base64 in the text part (it ends partway through a byte)"
                    )
                }
                bytes += rest
            }
            guard var text = charset.decode(bytes) else {
                let offset = charset == .utf8 ? Charset.firstInvalidUTF8(bytes) : nil
                let line = offset.flatMap { o in lineStarts.last(where: { $0.offset <= o })?.line } ?? firstLine
                throw ImportError(line: line, reason: "the text part is not valid \(charsetName) text")
            }
            if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
            // Lines read as they are end in `\n` already (the reader splits at CR too); decoded bytes may have CRs.
            if encoding != .identity, text.utf8.contains(0x0D) {
                text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            }
            if html { text = HTMLText.plain(text) } else if flowed { text = MIME.unflowed(text, delSp: delSp) }
            return Piece(text: Self.trimmedEnd(text), plain: !html)
        }

        static func trimmedEnd(_ text: String) -> String {
            guard let last = text.unicodeScalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
            return String(text[...last])
        }
    }

    /// The header fields a chronology needs, as read; the rest are passed over.
    struct HeaderBlock {
        enum Field: Int, CaseIterable {
            case date, from, to, cc, subject, messageID, contentType, transferEncoding, disposition, received
        }

        static let names: [[UInt8]] = [
            "date", "from", "to", "cc", "subject", "message-id", "content-type", "content-transfer-encoding",
            "content-disposition", "received",
        ].map { Array($0.utf8) }
        /// Headers longer than this are taken for a fault, not held.
        static let maxBytes = 1 << 20

        private var values: [(bytes: [UInt8], line: Int)?] = Array(repeating: nil, count: Field.allCases.count)
        /// The field whose folded lines follow; nil after one that is passed over.
        private var folding: Field?
        private var started = false
        private var size = 0

        /// The unfolded value as text, and the line the header starts on.
        subscript(_ field: Field) -> (text: String, line: Int)? {
            values[field.rawValue].map { (MIME.headerText($0.bytes), $0.line) }
        }

        /// Adds a non-empty header line.
        mutating func add(_ line: ArraySlice<UInt8>, _ number: Int) throws(ImportError) {
            size += line.count
            guard size <= Self.maxBytes else {
                throw ImportError(line: number, reason: "the headers are longer than \(Self.maxBytes >> 20) MB")
            }
            // RFC 5322 2.2.3: a line starting with white space continues the header above.
            if MIME.isWhitespace(line[line.startIndex]), started {
                if let f = folding { values[f.rawValue]?.bytes.append(contentsOf: line) }
                return
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw Self.notAHeader(line, number) }
            var nameEnd = colon
            // obsolete `Subject : …`
            while nameEnd > line.startIndex, MIME.isWhitespace(line[nameEnd - 1]) { nameEnd -= 1 }
            let name = line[line.startIndex..<nameEnd]
            guard !name.isEmpty, name.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw Self.notAHeader(line, number)
            }
            started = true
            folding = Self.field(name)
            guard let f = folding else { return }
            let value = line[(colon + 1)...]
            if values[f.rawValue] == nil {
                values[f.rawValue] = (Array(value), number)
            } else if f == .to || f == .cc {
                values[f.rawValue]?.bytes.append(contentsOf: Array(",".utf8) + value)
            } else {
                folding = nil  // a repeated header: the first counts
            }
        }

        static func field(_ name: ArraySlice<UInt8>) -> Field? {
            for (i, n) in names.enumerated() where n.count == name.count {
                if zip(n, name).allSatisfy({ $0 == ((0x41...0x5A).contains($1) ? $1 | 0x20 : $1) }) {
                    return Field(rawValue: i)
                }
            }
            return nil
        }

        static func notAHeader(_ line: ArraySlice<UInt8>, _ number: Int) -> ImportError {
            var shown = MIME.headerText(Array(line.prefix(60)))
            if line.count > 60 { shown += "…" }
            return ImportError(
                line: number,
                reason: "expected a header ('Name: value') or the blank line before the body, found '\(shown)'"
            )
        }
    }

    /// What a message's own headers say: who, when, what about.
    struct Envelope {
        var at: Date
        var written: LocalDateTime
        var from: Address
        var to: [Address]
        var subject: String
        var messageID: String?

        var timeFrom = Email.TimeSource.dateHeader

        init(_ h: HeaderBlock, start: Int, fromLine: String? = nil) throws(ImportError) {
            let when: (written: LocalDateTime, at: Date)
            if let date = h[.date] {
                guard let parsed = DateParser.parse(date.text) else {
                    throw ImportError(line: date.line, reason: "the Date header '\(date.text)' is not an RFC 5322 date")
                }
                when = parsed
            } else if let received = h[.received], let semicolon = received.text.lastIndex(of: ";"),
                let parsed = DateParser.parse(String(received.text[received.text.index(after: semicolon)...]))
            {
                // The newest hop's time (RFC 5322 3.6.7: its date follows the last semicolon).
                when = parsed
                timeFrom = .receivedHeader
            } else if let fromLine, let parsed = Self.envelopeTime(fromLine) {
                when = parsed
                timeFrom = .mboxFromLine
            } else {
                throw ImportError(
                    line: start,
                    reason: "the message has no Date header, and no Received header or mbox 'From ' line to date it by"
                )
            }
            guard let fromHeader = h[.from] else {
                throw ImportError(line: start, reason: "the message has no From header")
            }
            guard let from = try AddressList.parse(fromHeader.text, header: "From", line: fromHeader.line).first else {
                throw ImportError(
                    line: fromHeader.line,
                    reason: "the From header '\(fromHeader.text)' has no e-mail address"
                )
            }
            var to: [Address] = []
            for (field, name) in [(HeaderBlock.Field.to, "To"), (.cc, "Cc")] {
                if let header = h[field] { to += try AddressList.parse(header.text, header: name, line: header.line) }
            }
            var subject = ""
            if let header = h[.subject] { subject = try MIME.decodeWords(header.text, line: header.line) }
            self.at = when.at
            self.written = when.written
            self.from = from
            self.to = to
            self.subject = subject
            self.messageID = h[.messageID].flatMap { Self.messageID($0.text) }
        }

        /// The time on an mbox `From sender Tue Mar 12 09:15:00 2024` line (asctime, which has no zone:
        /// taken as UTC, as mbox writers keep it).
        static func envelopeTime(_ line: String) -> (written: LocalDateTime, at: Date)? {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 7, let month = DateParser.month(words[3].lowercased()),
                let day = Int(words[4]), let year = Int(words[6])
            else { return nil }
            let clock = words[5].split(separator: ":").compactMap { Int($0) }
            guard clock.count == 3 || clock.count == 2,
                let written = LocalDateTime.valid(
                    year: year,
                    month: month,
                    day: day,
                    hour: clock[0],
                    minute: clock[1],
                    second: clock.count == 3 ? clock[2] : nil
                )
            else { return nil }
            return (written, Date(timeIntervalSince1970: written.wallSeconds))
        }

        /// The id inside the angle brackets, with the white space and comments the obsolete syntax allows
        /// taken out.
        static func messageID(_ text: String) -> String? {
            var id = Substring(text)
            if let open = id.firstIndex(of: "<"), let close = id[open...].firstIndex(of: ">") {
                id = id[id.index(after: open)..<close]
            }
            let cleaned = MIME.withoutComments(String(id)).filter { !$0.isWhitespace }
            return cleaned.isEmpty ? nil : cleaned
        }
    }
}
