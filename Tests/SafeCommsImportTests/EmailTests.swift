import Foundation
import Testing

@testable import SafeCommsImport

/// The e-mail fixtures (in the main repository: `fixtures.appendingPathComponent("email")`).
private let emailFixtures = fixtures.appendingPathComponent("email")

/// E-mail as .eml and .mbox: the RFCs' own examples, what Outlook, Gmail, Apple Mail and Thunderbird
/// write, and broken files, each message checked field by field.
@Suite struct EmailTests {
    static func read(_ name: String) throws -> (Email.Summary, [Email.Message]) {
        var messages: [Email.Message] = []
        let s = try Email.read(LineReader(path: emailFixtures.appendingPathComponent(name).path)) {
            messages.append($0)
        }
        return (s, messages)
    }

    static func read(text: String) throws -> (Email.Summary, [Email.Message]) {
        var messages: [Email.Message] = []
        let s = try Email.read(LineReader(text)) { messages.append($0) }
        return (s, messages)
    }

    static func read(bytes: [UInt8]) throws -> (Email.Summary, [Email.Message]) {
        var messages: [Email.Message] = []
        let s = try Email.read(LineReader(bytes: bytes)) { messages.append($0) }
        return (s, messages)
    }

    /// A one-message .eml with `headers` and `body` after the usual From, To and Date.
    static func eml(_ headers: String, _ body: String) -> String {
        "From: Alex Worker <alex.worker@north.gov.uk>\nTo: Sam Parent <sam.parent@example.com>\nDate: Tue, 12 Mar 2024 09:15:00 +0000\n\(headers)\n\n\(body)"
    }

    static func utc(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    static func address(_ name: String?, _ email: String) -> Email.Address { Email.Address(name: name, email: email) }

    // MARK: RFC 5322 Appendix A

    @Test func rfc5322SimpleMessageWithCRLF() throws {
        let (s, m) = try Self.read("rfc5322-a1-1-simple.eml")
        #expect(s == Email.Summary(messages: 1, errors: []))
        try #require(m.count > 0)
        #expect(m[0].line == 1)
        #expect(m[0].from == Self.address("John Doe", "jdoe@machine.example"))
        #expect(m[0].to == [Self.address("Mary Smith", "mary@example.net")])
        #expect(m[0].subject == "Saying Hello")
        #expect(m[0].text == "This is a message just to say hello.\nSo, \"Hello\".", "CRLF line ends become \\n")
        #expect(m[0].at == Self.utc("1997-11-21T15:55:06Z") && m[0].written.description == "1997-11-21T09:55:06")
        #expect(m[0].messageID == "1234@local.machine.example" && m[0].attachments.isEmpty)
    }

    @Test func rfc5322MailboxForms() throws {
        let (s, m) = try Self.read("rfc5322-a1-2-mailboxes.eml")
        #expect(s.errors.isEmpty && m.count == 1)
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Joe Q. Public", "john.q.public@example.com"))
        #expect(
            m[0].to == [
                Self.address("Mary Smith", "mary@x.test"), Self.address(nil, "jdoe@example.org"),
                Self.address("Who?", "one@y.test"),
                Self.address(nil, "boss@nil.test"), Self.address("Giant; \"Big\" Box", "sysservices@example.net"),
            ],
            "To then Cc; a quoted name keeps its escaped quotes and semicolon"
        )
        #expect(m[0].subject == "" && m[0].text == "Hi everyone.")
        #expect(m[0].at == Self.utc("2003-07-01T08:52:37Z") && m[0].messageID == "5678.21-Nov-1997@example.com")
    }

    @Test func rfc5322Groups() throws {
        let (_, m) = try Self.read("rfc5322-a1-3-groups.eml")
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Pete", "pete@silly.example"))
        #expect(
            m[0].to == [
                Self.address("Ed Jones", "c@a.test"), Self.address(nil, "joe@where.test"),
                Self.address("John", "jdoe@one.test"),
            ],
            "a group's members, not its name; an empty group adds nobody"
        )
        #expect(m[0].at == Self.utc("1969-02-14T03:02:54Z"), "a -0330 offset, before 1970")
        #expect(m[0].written == LocalDateTime(year: 1969, month: 2, day: 13, hour: 23, minute: 32, second: 54))
    }

    @Test func rfc5322TraceFieldsArePassedOver() throws {
        let (s, m) = try Self.read("rfc5322-a4-trace.eml")
        #expect(s.errors.isEmpty && m.count == 1)
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("John Doe", "jdoe@node.example") && m[0].subject == "Saying Hello")
        #expect(m[0].at == Self.utc("1997-11-21T15:55:06Z"), "the Date header, not the folded Received dates")
        #expect(m[0].messageID == "1234@local.node.example")
    }

    @Test func rfc5322WhiteSpaceAndComments() throws {
        let (s, m) = try Self.read("rfc5322-a5-white-space-comments.eml")
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Pete", "pete@silly.test"), "comments inside the address are taken out")
        #expect(
            m[0].to == [
                Self.address("Chris Jones", "c@public.example"), Self.address(nil, "joe@example.org"),
                Self.address("John", "jdoe@one.test"),
            ]
        )
        #expect(
            m[0].written.description == "1969-02-13T23:32" && m[0].written.second == nil,
            "a date folded over six lines, without seconds"
        )
        #expect(m[0].at == Self.utc("1969-02-14T03:02:00Z"))
        #expect(m[0].messageID == "testabcd.1234@silly.test" && m[0].text == "Testing.")
    }

    @Test func rfc5322ObsoleteDate() throws {
        let (_, m) = try Self.read("rfc5322-a6-2-obsolete-dates.eml")
        try #require(m.count > 0)
        #expect(m[0].written.description == "1997-11-21T09:55:06", "97 is 1997")
        #expect(m[0].at == Self.utc("1997-11-21T09:55:06Z"), "GMT")
    }

    @Test func rfc5322ObsoleteWhiteSpace() throws {
        let (s, m) = try Self.read("rfc5322-a6-3-obsolete-white-space.eml")
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(
            m[0].from == Self.address("John Doe", "jdoe@machine.example"),
            "space before the colon, a comment and space in the domain"
        )
        #expect(m[0].to == [Self.address("Mary Smith", "mary@example.net")], "a folded line of only white space")
        #expect(m[0].subject == "Saying Hello")
        #expect(m[0].at == Self.utc("1997-11-21T15:55:06Z"), "a comment and spaces around the colons of the time")
        #expect(m[0].messageID == "1234@local.machine.example")
    }

    // MARK: RFC 2045–2049

    @Test func rfc2046MultipartMixed() throws {
        let (s, m) = try Self.read("rfc2046-multipart-mixed.eml")
        #expect(s.errors.isEmpty && m.count == 1)
        try #require(m.count > 0)
        #expect(
            m[0].text == """
                This is implicitly typed plain US-ASCII text.
                It does NOT end with a linebreak.

                This is explicitly typed plain US-ASCII text.
                It DOES end with a linebreak.
                """,
            "both parts in order; preamble and epilogue left out"
        )
        #expect(m[0].attachments.isEmpty && m[0].at == Self.utc("1993-03-22T07:56:48Z"))
    }

    @Test func rfc2049ComplexExample() throws {
        let (s, m) = try Self.read("rfc2049-complex.eml")
        #expect(
            s.errors.isEmpty,
            "the placeholder 'base64' of its audio and image is never decoded, so is no error: \(s.errors)"
        )
        try #require(m.count > 0)
        #expect(m[0].text.hasPrefix("  ... Some text appears here ...\n\n[Note that the blank between the boundary"))
        #expect(
            m[0].text.hasSuffix(
                " next part.]\n\nThis could have been part of the previous part, but\nillustrates explicit versus implicit typing of body\nparts."
            )
        )
        #expect(
            m[0].attachments == [
                "(unnamed audio/basic)", "(unnamed image/jpeg)", "(unnamed text/enriched)", "(unnamed message/rfc822)",
            ]
        )
        #expect(m[0].subject == "A multipart example" && m[0].at == Self.utc("1994-10-07T23:15:05Z"))
    }

    @Test func rfc2047Examples() throws {
        let (s, m) = try Self.read("rfc2047-examples.mbox")
        #expect(s == Email.Summary(messages: 3, errors: []))
        try #require(m.count > 2)
        #expect(m.map(\.line) == [2, 12, 21])
        #expect(m[0].from == Self.address("Keith Moore", "moore@cs.utk.edu"))
        #expect(
            m[0].to == [
                Self.address("Keld Jørn Simonsen", "keld@dkuug.dk"),
                Self.address("André Pirard", "pirard@vm1.ulg.ac.be"),
            ]
        )
        #expect(
            m[0].subject == "If you can read this you understand the example.",
            "two words in two charsets, joined across a fold"
        )
        #expect(m[1].from == Self.address("Olle Järvinen", "olle@cs.umu.se") && m[1].to.isEmpty)
        #expect(
            m[2].from == Self.address("Nathaniel Borenstein", "nsb@thumper.bellcore.com"),
            "the name, not the comment after it"
        )
        #expect(m[2].to == [Self.address("םולש ןב ילטפנ", "hebrew@example.net")], "ISO-8859-8, base64")
        #expect(m[2].subject == "(a b)")
    }

    @Test func encodedWordsInIsolation() throws {
        func d(_ s: String) throws -> String { try Email.MIME.decodeWords(s, line: 1) }
        // RFC 2047 section 8's table (there in comments; the rules for the white space are the same).
        #expect(try d("(=?ISO-8859-1?Q?a?=)") == "(a)")
        #expect(try d("(=?ISO-8859-1?Q?a?= b)") == "(a b)")
        #expect(try d("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)")
        #expect(try d("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)") == "(ab)")
        #expect(try d("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)", "folded")
        #expect(try d("(=?ISO-8859-1?Q?a_b?=)") == "(a b)")
        #expect(try d("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)") == "(a b)")
        #expect(try d("=?utf-8?q?caf=c3=a9?=") == "café", "lower-case encoding letter and hex")
        #expect(try d("=?UTF-8*en-GB?Q?Hello_there?=") == "Hello there", "RFC 2231's language suffix")
        #expect(try d("=?utf-8?B?8J+R?= =?utf-8?B?jQ==?=") == "👍", "a character split across two words")
        #expect(try d("Re: =?windows-1252?Q?Jamie=92s_visit?= (Thursday)") == "Re: Jamie’s visit (Thursday)")
        #expect(
            try d("=?utf-8?X?abc?= and =?utf-8?B?!!?=") == "=?utf-8?X?abc?= and =?utf-8?B?!!?=",
            "malformed words stay as written"
        )
        #expect(throws: ImportError(line: 7, reason: "the charset 'x-klingon' is not one this version can read")) {
            try Email.MIME.decodeWords("=?x-klingon?Q?nuqneH?=", line: 7)
        }
    }

    @Test func quotedPrintable() {
        func qp(_ lines: [String]) -> String {
            var out: [UInt8] = []
            for l in lines { Email.MIME.appendQuotedPrintable(Array(l.utf8)[...], to: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        #expect(qp(["Soft line br=", "eak"]) == "Soft line break\n")
        #expect(qp(["caf=C3=A9 and caf=c3=a9"]) == "café and café\n", "either case of hex")
        #expect(qp(["trailing space added in transit   ", "kept=20"]) == "trailing space added in transit\nkept \n")
        #expect(qp(["a = b and =ZZ"]) == "a = b and =ZZ\n", "an = that is not an escape is text")
        #expect(qp(["=3D=3D", "soft with space after =  ", "x"]) == "==\nsoft with space after x\n")
    }

    // MARK: Mail clients

    @Test func outlookAlternativeInWindows1252() throws {
        let (s, m) = try Self.read("outlook-alternative-windows-1252.eml")
        #expect(s.errors.isEmpty && m.count == 1, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Alex Worker", "alex.worker@north.gov.uk"))
        #expect(
            m[0].to == [
                Self.address("Parent, Sam", "sam.parent@example.com"),
                Self.address("School Office", "office@school.example.org"),
            ],
            "a comma inside quotes; the address lower-cased"
        )
        #expect(
            m[0].text == """
                Hi Sam,

                Thanks for meeting me on Tuesday. As agreed, I’ll visit on Thursday 14 March at 4pm – Jamie’s school confirmed he’ll be home by 3:45pm.

                The bus pass (£8.50) will be paid by the council.

                Kind regards,

                Alex Worker
                Social Worker, Children’s Services
                North Council
                """,
            "text/plain chosen over text/html; soft breaks joined; Windows punctuation"
        )
        #expect(
            m[0].messageID
                == "AM0PR01MB1234A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6@AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
            "folded onto its own line"
        )
        #expect(m[0].at == Self.utc("2024-03-12T09:15:00Z") && m[0].attachments.isEmpty)
    }

    @Test func gmailMixedWithAttachments() throws {
        let (s, m) = try Self.read("gmail-mixed-attachments.eml")
        #expect(s.errors.isEmpty && m.count == 1, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].subject == "Jamie’s plan and drawing")
        #expect(
            m[0].text
                == "Hi Alex,\n\nI’ve attached the plan you sent, signed, and Jamie’s drawing for the review.\n\nSam"
        )
        #expect(
            m[0].attachments == ["Child Protection Plan - signed.pdf", "Jamie’s drawing (école).jpg"],
            "RFC 2231 filename* wins over the RFC 2047 name"
        )
        #expect(m[0].at == Self.utc("2024-03-13T16:42:07Z") && m[0].written.description == "2024-03-13T16:42:07")
        #expect(m[0].messageID == "CAB1x2y3z4+abcdEFGH=ijklMNOP@mail.gmail.com")
    }

    @Test func appleMailNestedMultiparts() throws {
        let (s, m) = try Self.read("apple-mail-nested.eml")
        #expect(s.errors.isEmpty && m.count == 1, "\(s.errors)")
        try #require(m.count > 0)
        #expect(
            m[0].text == """
                Hi Alex,

                The contact record is attached. Jamie was happy to see his nan — we stayed until 5.

                Sam

                > On 12 Mar 2024, at 09:15, Alex Worker <alex.worker@north.gov.uk> wrote:
                >\u{20}
                > Hi Sam,
                """,
            "mixed > alternative > (plain, related > (html, image)): the plain text"
        )
        #expect(
            m[0].attachments == ["family-centre-logo.png", "Contact record – March 2024.pdf"],
            "an inline image counts; RFC 2231 continuations joined"
        )
        #expect(
            m[0].subject == "Re: Contact arrangements"
                && m[0].messageID == "6D2A1C3B-4E5F-4A6B-8C7D-9E0F1A2B3C4D@example.com"
        )
    }

    @Test func latin1Base64() throws {
        let (s, m) = try Self.read("latin1-base64.eml")
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Renée François", "renee.francois@example.com"))
        #expect(m[0].subject == "Réunion à l'école")
        #expect(
            m[0].text
                == "Bonjour Alex,\n\nJe confirme la réunion à l'école jeudi à 10h.\nMa fille Zoë a reçu la lettre. Le café coûte £2 ½.\n\nRenée"
        )
        #expect(
            m[0].at == Self.utc("2024-03-18T07:30:00Z") && m[0].written.description == "2024-03-18T08:30:00",
            "written in its own +0100"
        )
    }

    @Test func utf8EightBitWithEmoji() throws {
        let (s, m) = try Self.read("utf8-8bit-emoji.eml")
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].subject == "Thursday 👍", "a raw UTF-8 header (RFC 6532)")
        #expect(m[0].to == [Self.address(nil, "alex.worker@north.gov.uk")])
        #expect(m[0].text == "Thanks Alex 😊 Jamie says he’s looking forward to it 🚌🏫\nSee you Thursday — Sam")
        #expect(m[0].written.description == "2024-03-13T21:07" && m[0].at == Self.utc("2024-03-13T21:07:00Z"))
    }

    @Test func htmlOnlyIsMadePlain() throws {
        let (s, m) = try Self.read("html-only-newsletter.eml")
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Example Primary School", "office@school.example.org"))
        #expect(m[0].subject == "Year 3 trip – permission needed")
        #expect(
            m[0].text == """
                Year 3 trip

                Dear parents & carers,

                The trip to the Science Museum is on 22 March. It costs £12 – please reply by Monday.

                Leave 9:00
                Return 15:30

                Packed lunch
                Waterproof coat

                Thanks… Mrs O’Neill
                Year 3 teacher
                """,
            "no title, style, script or comment; entities decoded"
        )
    }

    @Test func thunderbirdFormatFlowed() throws {
        let (s, m) = try Self.read("thunderbird-flowed.eml")
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(m[0].from == Self.address("Office", "office@school.example.org"))
        #expect(
            m[0].text == """
                Dear Alex,

                Jamie attended every session this week. He was a little late on Monday (8:55) because the bus was delayed, which we have recorded as an authorised late mark.

                From next week he will join the breakfast club.

                --\u{20}
                Office, Example Primary School
                """,
            "soft breaks joined, space-stuffing undone, the signature line kept"
        )
    }

    // MARK: mbox

    @Test func mboxWithEscapesAndAMessageWithoutADate() throws {
        let (s, m) = try Self.read("case-notes.mbox")
        #expect(s.messages == 6 && m.count == 6 && s.errors.isEmpty, "\(s)")
        try #require(m.count > 5)
        #expect(m.map(\.line) == [2, 19, 29, 36, 55, 62], "the line after each From separator")
        // The school's first letter has no Date header: dated by the From line before it, and said so.
        #expect(m[2].text == "This message has no Date header." && m[2].timeFrom == .mboxFromLine)
        #expect(m[2].at == Self.utc("2024-03-13T08:00:00Z"))
        #expect(
            m[0].text == """
                Hi Sam,

                Notes from today:
                From the school's report, attendance is up to 92%.
                >From the earlier plan: keep the Tuesday contact.
                From what I saw at 10:30 on 11 March 2024 the home was warm and tidy.

                Alex
                """,
            "one > taken off escaped lines; an unescaped From line after text is body"
        )
        #expect(m[0].messageID == "m1@north.gov.uk" && m[0].at == Self.utc("2024-03-11T10:02:13Z"))
        #expect(
            m[1].text == "Thanks — that’s fine." && m[1].from == Self.address("Sam Parent", "sam.parent@example.com")
        )
        #expect(m[3].text == "Please find the attendance letter attached." && m[3].attachments == ["attendance.pdf"])
        #expect(m[3].to.map(\.email) == ["alex.worker@north.gov.uk", "sam.parent@example.com"])
        #expect(
            m[4].text == "See you at 4." && m[4].subject == "Thursday",
            "ended by an envelope line with no blank line before it"
        )
        #expect(m[5].text == "Running ten minutes late, sorry." && m[5].at == Self.utc("2024-03-14T16:30:00Z"))
    }

    @Test func aByteOrderMarkAndBlankLinesBeforeTheHeaders() throws {
        let (s, m) = try Self.read(
            bytes: [0xEF, 0xBB, 0xBF] + Array("\n\n\(Self.eml("Subject: saved by a Windows tool", "Hello"))".utf8)
        )
        #expect(s.errors.isEmpty && m.count == 1 && m.first?.line == 3 && m.first?.subject == "saved by a Windows tool")
    }

    @Test func escapedFromLinesInAnEmlAreLeftAlone() throws {
        let (_, m) = try Self.read(text: Self.eml("Subject: x", ">From here\nFrom there"))
        try #require(m.count > 0)
        #expect(m[0].text == ">From here\nFrom there", "only an mbox escapes")
    }

    // MARK: Broken files

    @Test func unclosedBoundary() throws {
        let (s, m) = try Self.read("unclosed-boundary.eml")
        #expect(m.isEmpty && s.messages == 0)
        #expect(
            s.errors == [
                ImportError(
                    line: 6,
                    reason: "the multipart boundary 'abc' is never closed (the message ends at line 16)"
                )
            ]
        )
    }

    @Test func badBase64() throws {
        let (s, m) = try Self.read("bad-base64.eml")
        #expect(m.isEmpty && s.errors == [ImportError(line: 10, reason: "invalid base64 in the text part")])
    }

    @Test func unknownCharset() throws {
        let (s, m) = try Self.read("unknown-charset.eml")
        #expect(
            m.isEmpty
                && s.errors == [
                    ImportError(line: 6, reason: "the charset 'x-klingon' is not one this version can read")
                ]
        )
    }

    @Test func badDate() throws {
        let (s, m) = try Self.read("bad-date.eml")
        #expect(
            m.isEmpty
                && s.errors == [ImportError(line: 4, reason: "the Date header 'yesterday' is not an RFC 5322 date")]
        )
    }

    /// A message without a Date header (as some exports and forwarding tools save it) is dated by its
    /// newest Received header, or in an mbox by the `From ` line before it, and says so.
    @Test func aMessageWithoutADateIsDatedByItsReceivedHeaderOrItsFromLine() throws {
        let (s, m) = try Self.read("no-date-received.eml")
        #expect(s.errors.isEmpty && m.count == 1, "\(s)")
        #expect(m.first?.at == ISO8601DateFormatter().date(from: "2024-03-12T09:15:02Z"))
        #expect(m.first?.timeFrom == .receivedHeader && m.first?.text == "Thursday at 4pm is fine.")

        let (box, messages) = try Self.read("no-date.mbox")
        #expect(box.errors.isEmpty && messages.count == 2, "\(box)")
        #expect(messages.first?.at == ISO8601DateFormatter().date(from: "2024-03-12T09:15:00Z"))
        #expect(messages.map(\.timeFrom) == [.mboxFromLine, .dateHeader])
        #expect(messages.last?.at == ISO8601DateFormatter().date(from: "2024-03-12T10:02:29Z"))

        // What the chronology shows says where the time came from.
        #expect(
            ImportItem(email: m[0]).text?.hasSuffix(
                "(The e-mail has no Date header: its time is from the Received header.)"
            ) == true
        )
        #expect(ImportItem(email: messages[1]).text?.contains("no Date header") == false)

        // Neither: the message is named, and nothing is made up.
        let (none, nothing) = try Self.read(text: "From: a@example.org\nSubject: x\n\nbody\n")
        #expect(nothing.isEmpty && none.errors.first?.reason.contains("no Date header") == true, "\(none)")
    }

    @Test func otherProblemsAreNamedByLine() throws {
        let cases: [(String, ImportError)] = [
            (
                "To: Sam\nSubject: x\n\nbody",
                ImportError(
                    line: 1,
                    reason: "the message has no Date header, and no Received header or mbox 'From ' line to date it by"
                )
            ),
            (
                "Date: Tue, 12 Mar 2024 09:15:00 +0000\n\nbody",
                ImportError(line: 1, reason: "the message has no From header")
            ),
            (
                "From: Sam Parent\nDate: Tue, 12 Mar 2024 09:15:00 +0000\n\nbody",
                ImportError(line: 1, reason: "the From header has an entry 'Sam Parent' that is not an e-mail address")
            ),
            (
                "This is a letter, not an e-mail.\n",
                ImportError(
                    line: 1,
                    reason:
                        "expected a header ('Name: value') or the blank line before the body, found 'This is a letter, not an e-mail.'"
                )
            ),
            (
                Self.eml("Content-Type: multipart/mixed", "text"),
                ImportError(line: 4, reason: "the multipart/mixed part has no boundary")
            ),
            (
                Self.eml("Content-Type: multipart/mixed; boundary=b", "no delimiter at all"),
                ImportError(line: 4, reason: "the multipart boundary 'b' never appears in the message")
            ),
            (
                Self.eml("Content-Transfer-Encoding: x-uuencode", "begin 644 notes.txt"),
                ImportError(
                    line: 4,
                    reason: "the Content-Transfer-Encoding 'x-uuencode' is not one this version can read"
                )
            ),
            (
                Self.eml("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64", "SGVsbG8h\nQ"),
                ImportError(line: 8, reason: "invalid base64 in the text part (it ends partway through a byte)")
            ),
            (
                Self.eml("Subject: =?x-klingon?Q?nuqneH?=", ""),
                ImportError(line: 4, reason: "the charset 'x-klingon' is not one this version can read")
            ),
        ]
        for (text, error) in cases {
            let (s, m) = try Self.read(text: text)
            #expect(m.isEmpty && s.errors == [error], "\(text)")
        }
    }

    @Test func invalidUTF8IsNamedByItsLine() throws {
        let bytes =
            Array(Self.eml("Content-Type: text/plain; charset=utf-8", "fine\nfine\nnot ").utf8) + [0xFF]
            + Array("fine\n".utf8)
        let (s, m) = try Self.read(bytes: bytes)
        #expect(m.isEmpty && s.errors == [ImportError(line: 8, reason: "the text part is not valid utf-8 text")])
    }

    @Test func errorsAreCappedAndReadingGoesOn() throws {
        var mbox = ""
        for i in 0..<150 { mbox += "From x Mon Mar 11 10:00:00 2024\nFrom: a@x.org\nDate: broken \(i)\n\nbody\n" }
        mbox += "From x Mon Mar 11 10:00:00 2024\nFrom: a@x.org\nDate: Mon, 11 Mar 2024 10:00:00 +0000\n\nthe last\n"
        let (s, m) = try Self.read(text: mbox)
        #expect(
            s.errors.count == 100
                && s.errors[0] == ImportError(line: 3, reason: "the Date header 'broken 0' is not an RFC 5322 date")
        )
        try #require(m.count > 0)
        #expect(s.messages == 1 && m[0].text == "the last" && m[0].line == 752)
    }

    @Test func anErrorFromEachStopsTheRead() {
        struct Stop: Error {}
        #expect(throws: Stop.self) { _ = try Email.read(LineReader(Self.eml("Subject: x", "y"))) { _ in throw Stop() } }
    }

    // MARK: MIME structure

    @Test func partsAndTheirKinds() throws {
        let mixed = Self.eml(
            "Content-Type: multipart/mixed; boundary=\"outer b\"",
            """
            --outer b
            Content-Type: text/plain
            Content-Disposition: attachment; filename="notes.txt"

            an attached text file is not the body
            --outer b
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=utf-8

            \u{20}\u{20}
            --inner
            Content-Type: text/html; charset=utf-8

            <p>Only the <i>HTML</i> has words</p>
            --outer b
            Content-Type: application/pdf
            Content-Disposition: attachment; filename="=?UTF-8?B?UmV2aWV3IOKAkyBab8OrLnBkZg==?="
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --outer b
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: binary

            Merci, été 2024
            --outer b--
            """
        )
        // The last part is ISO-8859-1 sent as binary: each é is the one byte E9.
        let bytes = mixed.components(separatedBy: "é").map { Array($0.utf8) }.joined(separator: [0xE9])
        let (s, m) = try Self.read(bytes: Array(bytes))
        #expect(s.errors.isEmpty, "\(s.errors)")
        try #require(m.count > 0)
        #expect(
            m[0].attachments == ["notes.txt", "Review – Zoë.pdf"],
            "Content-Disposition: attachment makes text/plain an attachment; an RFC 2047 file name"
        )
        #expect(
            m[0].text == "Only the HTML has words\n\nMerci, été 2024",
            "an empty text/plain alternative gives way; the inner multipart closed with the outer; binary ISO-8859-1 after it"
        )
    }

    @Test func aMessageThatIsOnlyAnAttachment() throws {
        let (s, m) = try Self.read(
            text: Self.eml(
                "Content-Type: image/jpeg; name=\"C:\\\\Users\\\\sam\\\\Pictures\\\\bruise.jpg\"\nContent-Transfer-Encoding: base64",
                "/9j/4AAQ"
            )
        )
        #expect(s.errors.isEmpty && m[0].text.isEmpty)
        try #require(m.count > 0)
        #expect(m[0].attachments == ["bruise.jpg"], "the sender's folders are not part of the name")
    }

    @Test func contentParametersWithRFC2231() throws {
        let f = try Email.MIME.Field(
            "application/x-stuff;\n title*0*=us-ascii'en'This%20is%20even%20more%20;\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\n title*2=\"isn't it!\"",
            line: 1
        )
        #expect(
            f.value == "application/x-stuff" && f.parameters["title"] == "This is even more ***fun*** isn't it!",
            "RFC 2231 section 4.1's example"
        )
        let g = try Email.MIME.Field("Attachment; Filename=\"a;b \\\"c\\\".pdf\"; size=12", line: 1)
        #expect(g.value == "attachment" && g.parameters["filename"] == "a;b \"c\".pdf" && g.parameters["size"] == "12")
        #expect(throws: ImportError(line: 3, reason: "the charset 'x-klingon' is not one this version can read")) {
            try Email.MIME.Field("attachment; filename*=x-klingon''a", line: 3)
        }
    }

    @Test func addressLists() throws {
        func p(_ s: String) throws -> [Email.Address] { try Email.AddressList.parse(s, header: "To", line: 1) }
        #expect(
            try p("\"Doe, Jane\" <Jane@X.org>, Jane <jane@x.org>, jane@x.org, jane@x.org (Jane)") == [
                Self.address("Doe, Jane", "jane@x.org"), Self.address("Jane", "jane@x.org"),
                Self.address(nil, "jane@x.org"), Self.address("Jane", "jane@x.org"),
            ]
        )
        #expect(
            try p("Team: a@x.org, \"B\" <b@y.org>; c@z.org") == [
                Self.address(nil, "a@x.org"), Self.address("B", "b@y.org"), Self.address(nil, "c@z.org"),
            ]
        )
        #expect(try p("\"Jane \\\"JJ\\\" Doe\" <jj@x.org>") == [Self.address("Jane \"JJ\" Doe", "jj@x.org")])
        #expect(
            try p("=?utf-8?Q?Zo=C3=AB?= <zoe@x.org>, \"=?utf-8?B?UmVuw6ll?=\" <renee@x.org>") == [
                Self.address("Zoë", "zoe@x.org"), Self.address("Renée", "renee@x.org"),
            ]
        )
        #expect(try p("<@relay.test:sam@example.com>") == [Self.address(nil, "sam@example.com")], "an obsolete route")
        #expect(try p("undisclosed-recipients:;").isEmpty)
        #expect(
            throws: ImportError(
                line: 1,
                reason: "the To header has an entry 'Jane Doe jane@x.org' that is not an e-mail address"
            )
        ) { try p("Jane Doe jane@x.org") }
    }

    // MARK: Dates

    @Test func dateForms() {
        func d(_ s: String) -> String? {
            Email.DateParser.parse(s).map { "\($0.written) \(Int($0.at.timeIntervalSince1970))" }
        }
        let base = 1_710_234_900  // 2024-03-12T09:15:00Z
        #expect(d("Tue, 12 Mar 2024 09:15:00 +0000") == "2024-03-12T09:15:00 \(base)")
        #expect(d("12 Mar 2024 09:15:00 +0000") == "2024-03-12T09:15:00 \(base)", "no day name")
        #expect(d("Tue, 12 Mar 2024 09:15 +0000") == "2024-03-12T09:15 \(base)", "no seconds")
        #expect(d("Tue, 12 Mar 24 09:15:00 +0000") == "2024-03-12T09:15:00 \(base)", "24 is 2024")
        #expect(
            d("Fri, 12 Mar 49 09:15:00 +0000")?.hasPrefix("2049-03-12") == true
                && d("12 Mar 50 09:15:00 +0000")?.hasPrefix("1950-03-12") == true
        )
        #expect(d("12 Mar 124 09:15:00 +0000")?.hasPrefix("2024-03-12") == true, "three digits are added to 1900")
        #expect(d("Tue, 12 Mar 2024 10:15:00 +0100 (BST)") == "2024-03-12T10:15:00 \(base)", "a comment after the zone")
        #expect(d("Tue, 12 Mar 2024 10:15:00 BST") == "2024-03-12T10:15:00 \(base)")
        #expect(d("Tue, 12 Mar 2024 04:15:00 -0500") == "2024-03-12T04:15:00 \(base)")
        #expect(
            d("Tuesday, 12 March 2024 9:15:00 -0000") == "2024-03-12T09:15:00 \(base)",
            "full names, one-digit hour, -0000"
        )
        for (zone, hours) in [
            ("GMT", 0), ("UT", 0), ("UTC", 0), ("Z", 0), ("A", 0), ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5),
            ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7),
        ] {
            #expect(d("Tue, 12 Mar 2024 09:15:00 \(zone)") == "2024-03-12T09:15:00 \(base - hours * 3_600)", "\(zone)")
        }
        #expect(d("Tue, 12 Mar 2024 09:15:00 +0530") == "2024-03-12T09:15:00 \(base - 19_800)")
        for bad in [
            "yesterday", "", "Tue, 12 Mar 2024", "Tue, 12 Mar 2024 09:15:00", "Tue, 31 Apr 2024 09:15:00 +0000",
            "Tue, 12 Mar 2024 25:15:00 +0000",
            "Tue, 12 Mar 2024 09:15:00 +0060", "Tue, 12 Mar 2024 09:15:00 CET", "Tue, 12 Foo 2024 09:15:00 +0000",
            "2024-03-12T09:15:00Z",
            "Tue Mar 12 09:15:00 2024", "Tue, 12 Mar 2024 09:15:00 +0000 extra", "Blursday, 12 Mar 2024 09:15:00 +0000",
            "Tue, 12 Mar 1899 09:15:00 +0000",
        ] {
            #expect(d(bad) == nil, "\(bad)")
        }
    }

    // MARK: Charsets

    static let charsets: [(String, [UInt8], String)] = [
        (
            "utf-8",
            [
                0x5A, 0x6F, 0xC3, 0xAB, 0xE2, 0x80, 0x99, 0x73, 0x20, 0x64, 0x72, 0x61, 0x77, 0x69, 0x6E, 0x67, 0x20,
                0xF0, 0x9F, 0x91, 0x8D,
            ], "Zoë’s drawing 👍"
        ),
        ("UTF8", [0x6E, 0x61, 0xC3, 0xAF, 0x76, 0x65, 0x20, 0x63, 0x61, 0x66, 0xC3, 0xA9], "naïve café"),
        ("unicode-1-1-utf-8", [0x64, 0xC3, 0xA9, 0x6A, 0xC3, 0xA0, 0x20, 0x76, 0x75], "déjà vu"),
        ("us-ascii", [0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0x53, 0x61, 0x6D], "Hello Sam"),
        ("ascii", [0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0x53, 0x61, 0x6D], "Hello Sam"),
        ("iso-8859-1", [0x63, 0x61, 0x66, 0xE9, 0x20, 0xA3, 0x35, 0x20, 0xBD], "café £5 ½"),
        ("latin1", [0x5A, 0x6F, 0xEB], "Zoë"),
        ("ISO_8859-1", [0x72, 0x65, 0xE7, 0x75], "reçu"),
        ("iso-8859-15", [0xA4, 0x35, 0x20, 0xBD, 0x75, 0x76, 0x72, 0x65, 0x20, 0xBE], "€5 œuvre Ÿ"),
        ("latin-9", [0xA4], "€"),
        (
            "windows-1252",
            [
                0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x64, 0x94, 0x20, 0x80, 0x35, 0x20, 0x96, 0x20, 0x4A, 0x61, 0x6D,
                0x69, 0x65, 0x92, 0x73,
            ], "“quoted” €5 – Jamie’s"
        ),
        ("cp1252", [0x85], "…"),
        ("x-cp1252", [0x91, 0x68, 0x69, 0x92], "‘hi’"),
        ("iso-8859-2", [0xA3, 0xF3, 0x64, 0xBC, 0x2C, 0x20, 0x4B, 0x72, 0x61, 0x6B, 0xF3, 0x77], "Łódź, Kraków"),
        ("iso-8859-3", [0xA1, 0x61, 0x6C, 0x20, 0x47, 0xB1, 0x61, 0x72, 0x67, 0xB1, 0x75, 0x72], "Ħal Għargħur"),
        ("iso-8859-4", [0xDE, 0x64, 0x65, 0x6E, 0x73], "Ūdens"),
        ("iso-8859-5", [0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2], "Привет"),
        ("iso-8859-6", [0xE5, 0xD1, 0xCD, 0xC8, 0xC7], "مرحبا"),
        ("iso-8859-7", [0xCA, 0xE1, 0xEB, 0xE7, 0xEC, 0xDD, 0xF1, 0xE1], "Καλημέρα"),
        ("iso-8859-8", [0xF9, 0xEC, 0xE5, 0xED], "שלום"),
        ("iso-8859-9", [0x47, 0xFC, 0x6E, 0x61, 0x79, 0x64, 0xFD, 0x6E], "Günaydın"),
        ("iso-8859-10", [0xDE, 0xF3, 0x72, 0xF0, 0x75, 0x72], "Þórður"),
        ("iso-8859-11", [0xCA, 0xC7, 0xD1, 0xCA, 0xB4, 0xD5], "สวัสดี"),
        (
            "iso-8859-13",
            [0x4C, 0x61, 0x62, 0x61, 0x73, 0x20, 0x72, 0x79, 0x74, 0x61, 0x73, 0x2C, 0x20, 0xE0, 0xE8, 0xE6],
            "Labas rytas, ąčę"
        ),
        ("iso-8859-14", [0x42, 0x6F, 0x72, 0x65, 0x20, 0x64, 0x61, 0x2C, 0x20, 0xF0, 0xFE], "Bore da, ŵŷ"),
        (
            "iso-8859-16", [0x42, 0x75, 0x6E, 0xE3, 0x20, 0x7A, 0x69, 0x75, 0x61, 0x2C, 0x20, 0xBA, 0x20, 0xFE],
            "Bună ziua, ș ț"
        ),
        (
            "windows-1250",
            [0x5A, 0x61, 0xBF, 0xF3, 0xB3, 0xE6, 0x20, 0x67, 0xEA, 0x9C, 0x6C, 0xB9, 0x20, 0x6A, 0x61, 0x9F, 0xF1],
            "Zażółć gęślą jaźń"
        ),
        ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x2C, 0x20, 0xEC, 0xE0, 0xEC, 0xE0], "Привет, мама"),
        ("windows-1253", [0xC3, 0xE5, 0xE9, 0xDC, 0x20, 0xF3, 0xEF, 0xF5], "Γειά σου"),
        (
            "windows-1254",
            [0x47, 0xFC, 0x6E, 0x61, 0x79, 0x64, 0xFD, 0x6E, 0x2C, 0x20, 0x41, 0xF0, 0x61, 0x62, 0x65, 0x79],
            "Günaydın, Ağabey"
        ),
        ("windows-1255", [0xF9, 0xEC, 0xE5, 0xED], "שלום"),
        ("windows-1256", [0xE3, 0xD1, 0xCD, 0xC8, 0xC7], "مرحبا"),
        ("windows-1257", [0x4C, 0x61, 0x62, 0x61, 0x73, 0x2C, 0x20, 0xE0, 0xE8, 0xE6], "Labas, ąčę"),
        ("windows-1258", [0x58, 0x69, 0x6E, 0x20, 0x63, 0x68, 0xE0, 0x6F], "Xin chào"),
        ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
        ("koi8-u", [0xF0, 0xD2, 0xC9, 0xD7, 0xA6, 0xD4], "Привіт"),
        ("utf-16", [0xFF, 0xFE, 0x48, 0x00, 0x69, 0x00, 0x20, 0x00, 0x3D, 0xD8, 0x4B, 0xDC], "Hi 👋"),
        ("utf-16le", [0x48, 0x00, 0x69, 0x00, 0x20, 0x00, 0x3D, 0xD8, 0x4B, 0xDC], "Hi 👋"),
        ("utf-16be", [0x00, 0x48, 0x00, 0x69, 0x00, 0x20, 0xD8, 0x3D, 0xDC, 0x4B], "Hi 👋"),
        (
            "shift_jis",
            [
                0x82, 0xB1, 0x82, 0xF1, 0x82, 0xC9, 0x82, 0xBF, 0x82, 0xCD, 0x81, 0x41, 0x83, 0x57, 0x83, 0x46, 0x83,
                0x43, 0x83, 0x7E, 0x81, 0x5B,
            ], "こんにちは、ジェイミー"
        ),
        (
            "iso-2022-jp",
            [0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4B, 0x24, 0x41, 0x24, 0x4F, 0x1B, 0x28, 0x42], "こんにちは"
        ),
        (
            "euc-jp",
            [0xA4, 0xB3, 0xA4, 0xF3, 0xA4, 0xCB, 0xA4, 0xC1, 0xA4, 0xCF, 0x20, 0x8E, 0xB1, 0x8E, 0xB2, 0x8E, 0xB3],
            "こんにちは ｱｲｳ"
        ),
        ("gb2312", [0xC4, 0xE3, 0xBA, 0xC3], "你好"),
        ("gbk", [0xC4, 0xE3, 0xBA, 0xC3, 0xA3, 0xAC, 0x81, 0x40], "你好，丂"),
        ("gb18030", [0xC4, 0xE3, 0xBA, 0xC3, 0x20, 0x94, 0x39, 0xFC, 0x36], "你好 😀"),
        ("big5", [0xB1, 0x7A, 0xA6, 0x6E], "您好"),
        ("euc-kr", [0xBE, 0xC8, 0xB3, 0xE7, 0xC7, 0xCF, 0xBC, 0xBC, 0xBF, 0xE4], "안녕하세요"),
        ("ks_c_5601-1987", [0xBE, 0xC8, 0xB3, 0xE7, 0xC7, 0xCF, 0xBC, 0xBC, 0xBF, 0xE4], "안녕하세요"),
        ("utf-16", [0x00, 0x48, 0x00, 0x69], "Hi"),
        ("iso-8859-1", [0x49, 0x92, 0x6C, 0x6C], "I’ll"),
    ]

    @Test(arguments: charsets) func charset(label: String, bytes: [UInt8], expected: String) throws {
        let body = Data(bytes).base64EncodedString(options: .lineLength76Characters).replacingOccurrences(
            of: "\r\n",
            with: "\n"
        )
        let (s, m) = try Self.read(
            text: Self.eml("Content-Type: text/plain; charset=\"\(label)\"\nContent-Transfer-Encoding: base64", body)
        )
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(m.first?.text == expected)
        #expect(
            try Email.MIME.decodeWords("=?\(label)?B?\(Data(bytes).base64EncodedString())?=", line: 1) == expected,
            "as an encoded word"
        )
    }

    @Test(arguments: [
        ("windows-1253", [0xD2] as [UInt8]), ("iso-8859-7", [0xAE]), ("big5", [0xFF, 0x41]), ("euc-kr", [0xC9, 0xA1]),
        ("shift_jis", [0x41, 0x82]),
        ("utf-16", [0x41, 0x00, 0x42]), ("utf-16le", [0x00, 0xD8, 0x41, 0x00]), ("euc-jp", [0x8F, 0xA1, 0xA1]),
        ("iso-2022-jp", [0xC1]), ("utf-8", [0xED, 0xA0, 0x80]),
    ]) func bytesACharsetDoesNotDefineAreAnError(label: String, bytes: [UInt8]) throws {
        let body = Data(bytes).base64EncodedString()
        let (s, m) = try Self.read(
            text: Self.eml("Content-Type: text/plain; charset=\(label)\nContent-Transfer-Encoding: base64", body)
        )
        #expect(m.isEmpty && s.errors == [ImportError(line: 7, reason: "the text part is not valid \(label) text")])
    }

    @Test func withNoCharsetASCIIThenUTF8ThenWindows1252() throws {
        func text(_ bytes: [UInt8]) throws -> String? {
            try Self.read(bytes: Array(Self.eml("Subject: x", "").utf8) + bytes).1.first?.text
        }
        #expect(try text(Array("plain ASCII".utf8)) == "plain ASCII")
        #expect(try text(Array("undeclared UTF-8: Zoë 👍".utf8)) == "undeclared UTF-8: Zoë 👍")
        #expect(try text([0x49, 0x92, 0x6C, 0x6C, 0x20, 0xA3, 0x35]) == "I’ll £5", "not UTF-8, so Windows-1252")
        #expect(try text([0xEF, 0xBB, 0xBF] + Array("byte-order mark".utf8)) == "byte-order mark")
    }

    @Test func charsetNames() {
        #expect(
            Email.Charset(named: "UTF-8") == .utf8 && Email.Charset(named: "\"utf8\"") == .utf8
                && Email.Charset(named: "Unicode-1-1-UTF-8") == .utf8
        )
        #expect(
            Email.Charset(named: "ISO_8859-1") == .windows1252 && Email.Charset(named: "CP1252") == .windows1252
                && Email.Charset(named: "x-cp1252") == .windows1252
        )
        #expect(Email.Charset(named: "ANSI_X3.4-1968") == .ascii && Email.Charset(named: "ASCII") == .ascii)
        #expect(
            Email.Charset(named: "iso-8859-12") == nil && Email.Charset(named: "windows-1249") == nil
                && Email.Charset(named: "x-klingon") == nil
        )
        #expect(Email.Charset(named: "unknown-8bit") == nil && Email.Charset(named: "") == nil)
    }

    // MARK: Streaming

    @Test func fiftyThousandMessagesStreamed() throws {
        var mbox: [UInt8] = []
        mbox.reserveCapacity(50_000 * 330)
        for i in 0..<50_000 {
            let minute = i % 60 < 10 ? "0\(i % 60)" : "\(i % 60)"
            mbox += Array(
                """
                From alex.worker@north.gov.uk Tue Mar 12 09:\(minute):00 2024
                From: Alex Worker <alex.worker@north.gov.uk>
                To: "Parent, Sam" <sam.parent@example.com>
                Subject: Update \(i)
                Date: Tue, 12 Mar 2024 09:\(minute):00 +0000
                Message-ID: <\(i)@north.gov.uk>

                Message \(i): the visit went well.
                >From the notes: no concerns.


                """.utf8
            )
        }
        var count = 0
        var last: Email.Message?
        let s = try Email.read(LineReader(bytes: mbox)) { m in
            count += 1
            last = m
        }
        #expect(s.errors.isEmpty && s.messages == 50_000 && count == 50_000)
        #expect(
            last?.subject == "Update 49999"
                && last?.text == "Message 49999: the visit went well.\nFrom the notes: no concerns."
        )
        #expect(last?.line == 49_999 * 10 + 2 && last?.messageID == "49999@north.gov.uk")
    }
}
