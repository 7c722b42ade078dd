import Foundation
import SafeCommsCore
import Testing

@testable import SafeCommsImport

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/imports")

/// WhatsApp "Export chat" files from Android and iPhone, written from WhatsApp's documented layout and
/// the awkward parts real exports have.
@Suite struct WhatsAppExportTests {
    static func read(_ name: String) throws -> (WhatsAppExport.Summary, [ImportedMessage]) {
        var messages: [ImportedMessage] = []
        let s = try WhatsAppExport.read(LineReader(path: fixtures.appendingPathComponent("whatsapp/\(name)").path)) {
            messages.append($0)
        }
        return (s, messages)
    }

    @Test func androidUKDayFirst24Hour() throws {
        let (s, m) = try Self.read("android-uk-24h.txt")
        #expect(s.dateOrder == .dayFirst && s.errors.isEmpty)
        #expect(s.messages == 5 && s.systemMessages == 1)
        #expect(s.first?.description == "2024-03-12T09:15" && s.last?.description == "2024-03-14T08:02")
        #expect(s.participants == ["Jo Bloggs", "Sam Parent"])
        #expect(
            m[0].kind == .system && m[0].sender == nil
                && m[0].text.hasPrefix("Messages and calls are end-to-end encrypted")
        )
        #expect(
            m[2].text == "Yes that's fine\nsee you then\n\nthanks" && m[2].line == 3,
            "a message over several lines, blank ones kept"
        )
        #expect(m[3].kind == .media && m[4].kind == .deleted)
        #expect(
            m[5].text == "Thanks Sam: I've got the photo." && m[5].sender == "Jo Bloggs",
            "a colon in the text is not a sender"
        )
    }

    @Test func iPhoneUSMonthFirst12HourWithMarks() throws {
        let (s, m) = try Self.read("iphone-us-12h.txt")
        #expect(s.dateOrder == .monthFirst && s.errors.isEmpty, "\(s.errors)")
        #expect(
            s.messages == 5 && s.systemMessages == 1,
            "the encryption notice under the chat's name is WhatsApp's own"
        )
        #expect(s.participants == ["Jo Bloggs", "Sam Parent"])
        #expect(
            s.first?.description == "2024-03-12T09:15:31" && s.last?.description == "2024-03-13T19:05:00",
            "seconds kept as written"
        )
        #expect(
            m[2].kind == .media && m[2].attachment == "00000012-PHOTO-2024-03-12-12-01-00.jpg" && m[2].at.hour == 12,
            "12:01 PM is noon"
        )
        #expect(
            m[3].at.description == "2024-03-13T00:30:59" && m[3].text == "Sorry it's late\ncan't sleep",
            "12:30 AM is after midnight"
        )
        #expect(m[4].kind == .media && m[4].text == "image omitted" && m[4].sender == "Jo Bloggs")
        #expect(m[5].kind == .call)
    }

    @Test func androidGroupWithMediaDecidedByTheWholeFile() throws {
        let (s, m) = try Self.read("android-group-media.txt")
        #expect(s.dateOrder == .dayFirst, "only the last line has a day over 12")
        #expect(s.errors.isEmpty && s.messages == 2 && s.systemMessages == 4, "\(m.map { ($0.kind, $0.text) })")
        #expect(m[2].attachment == "IMG-20240201-WA0001.jpg" && m[2].text.hasSuffix("Here's the school letter"))
        #expect(m[3].at.description == "2024-02-02T16:15")
        #expect(
            m[4].kind == .system && m[4].text.contains("changed the subject"),
            "a quoted colon in a subject is not a sender"
        )
        #expect(m[5].kind == .system && m[5].at.description == "2024-02-25T11:30")
        #expect(m[0].kind == .system, "a byte-order mark before the first date is skipped")
    }

    @Test func problemsAreNamedByLineAndNothingIsDropped() throws {
        let (s, m) = try Self.read("broken.txt")
        #expect(s.errors.map(\.line) == [1, 2], "\(s.errors)")
        #expect(s.errors[0].reason.contains("expected a WhatsApp message starting with its date and time"))
        #expect(s.errors[1].reason.contains("does not have a real date and time"))
        #expect(m.count == 1 && s.messages == 1)
    }

    @Test func ambiguousDatesFollowTheDirectionOfTime() throws {
        // 01/02 then 02/01 then 03/01: day-first runs backwards (1 Feb, 2 Jan), month-first forwards.
        let text = "01/02/24, 10:00 - A: x\n02/01/24, 10:00 - A: y\n03/01/24, 10:00 - B: z\n"
        #expect(try WhatsAppExport.read(LineReader(text)).dateOrder == .monthFirst)
        // Nothing tells them apart: day-first, as UK phones write.
        #expect(try WhatsAppExport.read(LineReader("01/02/24, 10:00 - A: x\n")).dateOrder == .dayFirst)
        // Both kinds of evidence: not one export.
        #expect(throws: ImportError.self) {
            try WhatsAppExport.read(LineReader("13/01/24, 10:00 - A: x\n01/13/24, 10:00 - A: y\n"))
        }
    }

    /// A two-digit year written first (`24-03-01`), as some phones' languages write it: the day is the
    /// number that changes most often in a chat, so the file is read year-first, March 2024, not
    /// day-first (24 March 2001).
    @Test(arguments: [
        ("android-year-first-yy.txt", 5, "2024-03-01T10:26", "2024-03-13T08:15"),
        ("iphone-year-first-yy.txt", 5, "2024-03-01T10:26:56", "2024-03-13T08:15:00"),
    ])
    func twoDigitYearsWrittenFirst(file: String, messages: Int, first: String, last: String) throws {
        let (s, m) = try Self.read(file)
        #expect(s.dateOrder == .yearFirst && s.errors.isEmpty, "\(s)")
        #expect(s.messages == messages, "\(s)")
        #expect(s.first?.description == first && s.last?.description == last, "\(s)")
        #expect(m.last?.text == "See you at 4pm" && m.last?.sender == "Jo Bloggs")
    }

    @Test func otherLayouts() throws {
        // Dots, a trailing dot, no comma, and a year-first date.
        for (line, expected) in [
            ("12.03.24, 14:05 - A: x", "2024-03-12T14:05"), ("12.03.24. 14:05 - A: x", "2024-03-12T14:05"),
            ("12/03/2024 14:05 - A: x", "2024-03-12T14:05"), ("2024-03-12, 14:05 - A: x", "2024-03-12T14:05"),
            ("[12/03/2024, 2:05:09 pm] A: x", "2024-03-12T14:05:09"),
            ("12/03/2024, 2:05 p.m. - A: x", "2024-03-12T14:05"),
        ] {
            let s = try WhatsAppExport.read(LineReader(line + "\n"))
            #expect(s.first?.description == expected && s.errors.isEmpty, "\(line): \(s)")
        }
        #expect(try WhatsAppExport.read(LineReader("")).errors.first?.reason.contains("empty") == true)
    }

    /// Line ends: LF, CRLF, lone CR, a CRLF split across the reader's chunks, no final newline.
    @Test func lineEnds() throws {
        var lines: [String] = []
        try LineReader("a\r\nb\rc\nd").forEachLine { l, _ in
            lines.append(String(decoding: l, as: UTF8.self))
            return true
        }
        #expect(lines == ["a", "b", "c", "d"])
        let long = String(repeating: "x", count: LineReader.chunkBytes - 1) + "\r\n" + "y"
        lines = []
        try LineReader(long).forEachLine { l, n in
            lines.append("\(n):\(l.count)")
            return true
        }
        #expect(lines == ["1:\(LineReader.chunkBytes - 1)", "2:1"])
    }

    /// Random text of short and long lines with every kind of line end, read from memory and from a
    /// file (chunk boundaries anywhere, a CRLF split across two): the same lines as a plain reading.
    @Test func lineEndsAtRandom() throws {
        var random = SystemRandomNumberGenerator()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-lines-\(UUID().uuidString.prefix(8)).txt"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<20 {
            var bytes: [UInt8] = []
            while bytes.count < 3 * LineReader.chunkBytes {
                let length =
                    Bool.random(using: &random)
                    ? Int.random(in: 0..<40, using: &random) : Int.random(in: 0..<90_000, using: &random)
                bytes += (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
                bytes += [[0x0A], [0x0D], [0x0D, 0x0A]][Int.random(in: 0..<3, using: &random)]
            }
            if Bool.random(using: &random) { bytes += Array("no line end".utf8) }
            // The plain reading: a line ends at LF, CR or CRLF.
            var expected: [[UInt8]] = [], line: [UInt8] = [], i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A || bytes[i] == 0x0D {
                    expected.append(line)
                    line = []
                    if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                } else {
                    line.append(bytes[i])
                }
                i += 1
            }
            if !line.isEmpty { expected.append(line) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for reader in [LineReader(bytes: bytes), LineReader(path: path)] {
                var lines: [[UInt8]] = [], numbers: [Int] = []
                try reader.forEachLine { l, n in
                    lines.append(Array(l))
                    numbers.append(n)
                    return true
                }
                #expect(lines == expected)
                #expect(numbers == Array(1...max(1, expected.count)).prefix(expected.count).map { $0 })
            }
        }
    }
}

@Suite struct LocalDateTimeTests {
    static let london = TimeZone(identifier: "Europe/London")!

    @Test func agreesWithCalendarOutsideClockChanges() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.london
        var rng = SeededRandom(seed: 6)
        for _ in 0..<2_000 {
            let t = LocalDateTime(
                year: Int.random(in: 1990...2040, using: &rng),
                month: Int.random(in: 1...12, using: &rng),
                day: Int.random(in: 1...28, using: &rng),
                hour: Int.random(in: 3...23, using: &rng),
                minute: Int.random(in: 0...59, using: &rng),
                second: Int.random(in: 0...59, using: &rng)
            )
            let expected = calendar.date(
                from: DateComponents(
                    year: t.year,
                    month: t.month,
                    day: t.day,
                    hour: t.hour,
                    minute: t.minute,
                    second: t.second
                )
            )
            #expect(t.instant(in: Self.london) == expected, "\(t)")
        }
    }

    /// `YYYY-MM-DDTHH:MM[:SS]`, zero-padded, with or without seconds; a year outside four digits is
    /// written as it is.
    @Test func description() {
        #expect(LocalDateTime(year: 2026, month: 3, day: 9, hour: 7, minute: 5).description == "2026-03-09T07:05")
        #expect(
            LocalDateTime(year: 2026, month: 12, day: 31, hour: 23, minute: 59, second: 0).description
                == "2026-12-31T23:59:00"
        )
        #expect(
            LocalDateTime(year: 1999, month: 1, day: 1, hour: 0, minute: 0, second: 9).description
                == "1999-01-01T00:00:09"
        )
        #expect(LocalDateTime(year: 999, month: 1, day: 1, hour: 0, minute: 0).description == "999-01-01T00:00")
        #expect(
            LocalDateTime(year: 12026, month: 1, day: 1, hour: 0, minute: 0, second: 5).description
                == "12026-01-01T00:00:05"
        )
    }

    @Test func clockChanges() throws {
        func at(_ s: String) throws -> Date { try Date(s, strategy: .iso8601) }
        // 31 March 2024: 01:30 never happened in London; a phone showing it meant 02:30 BST.
        #expect(
            LocalDateTime(year: 2024, month: 3, day: 31, hour: 1, minute: 30).instant(in: Self.london)
                == (try at("2024-03-31T01:30:00Z"))
        )
        // 27 October 2024: 01:30 happened twice; the first (BST).
        #expect(
            LocalDateTime(year: 2024, month: 10, day: 27, hour: 1, minute: 30).instant(in: Self.london)
                == (try at("2024-10-27T00:30:00Z"))
        )
        #expect(
            LocalDateTime(year: 2024, month: 10, day: 27, hour: 2, minute: 30).instant(in: Self.london)
                == (try at("2024-10-27T02:30:00Z"))
        )
    }
}

@Suite struct ZoneClockTests {
    /// The day-cached clock gives what the direct computation gives, across a year and both changes.
    @Test func agreesWithTheDirectComputation() {
        let zone = TimeZone(identifier: "Europe/London")!
        let clock = ZoneClock(zone)
        for hours in stride(from: 0, to: 366 * 24, by: 1) {
            for minute in [0, 30] {
                let day = hours / 24
                var d = LocalDateTime(year: 2024, month: 1, day: 1, hour: hours % 24, minute: minute)
                // Walk the calendar: 2024 is a leap year.
                var remaining = day
                while remaining >= LocalDateTime.daysIn(month: d.month, year: 2024) {
                    remaining -= LocalDateTime.daysIn(month: d.month, year: 2024)
                    d.month += 1
                }
                guard d.month <= 12 else { continue }
                d.day = 1 + remaining
                #expect(clock.instant(d) == d.instant(in: zone), "\(d)")
            }
        }
    }
}
