import Foundation
import Testing

/// `safecomms check`, run as the external tools that depend on its contract run it.
@Suite struct CheckCLITests {
    let cli = CLITests()
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("safecomms-check-unused").path

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func jsonlAnswersEveryLineAndFailsAtTheEndOnABadOne() throws {
        // setup
        let input = """
            {"id": "ok-1", "at": "2026-11-23T10:00:00Z", "channel": "sms", "device": {"kind": "work_mobile"}, "recipient": {"role": "child"}, "case": {"status": "looked_after"}, "consents": ["texting_agreed", "parent_permission"], "text": "See you at 4pm on Thursday."}
            {"id": 2, "channel": "carrier_pigeon"}

            {"id": "blocked", "packs": ["whatsapp-2020"], "at": "2026-11-23T10:00:00Z", "channel": "whatsapp", "device": {"kind": "personal_mobile"}, "recipient": {"role": "parent_carer"}, "text": "Hello"}
            not json at all
            """

        // MUT
        let r = try cli.run(["check", "--jsonl"], data: data, stdin: input)

        // validation
        #expect(r.status == 1, "a bad line makes the exit status non-zero: \(r.stderr)")
        let out = try lines(r.stdout)
        try #require(out.count == 5, "one answer per line, the blank one too")
        #expect(out[0]["id"] as? String == "ok-1" && out[0]["decision"] as? String == "allow")
        #expect(out[0]["findings"] as? [Any] != nil && out[0]["obligations"] as? [Any] != nil)
        #expect(out[1]["id"] as? Int == 2)
        #expect((out[1]["error"] as? String)?.hasPrefix("line 2: channel: unknown value 'carrier_pigeon'") == true)
        #expect(
            out[2]["error"] as? String == "line 3: the line is empty; send one JSON request per line"
                && out[2]["id"] is NSNull
        )
        #expect(out[3]["id"] as? String == "blocked" && out[3]["decision"] as? String == "block")
        let clauses = (out[3]["findings"] as? [[String: Any]])?.compactMap { $0["clause"] as? String } ?? []
        #expect(clauses == ["WA-6"], "only the pack the request asked for is used")
        #expect(
            out[4]["error"] as? String
                == "line 5: request: not valid JSON at column 1: expected a value (object, list, string, number, true, false or null)"
                && out[4]["id"] is NSNull
        )
    }

    /// Lines built to break the line-for-line contract: text that is not UTF-8, a day that does not
    /// exist. Each gets its own error answer, in its place.
    @Test func jsonlRefusesInvalidTextAndImpossibleDatesInPlace() throws {
        var input =
            Array(#"{"id": "bad-utf8", "at": "2026-11-23T10:00:00Z", "channel": "sms", "text": "caf"#.utf8) + [
                0xC3, 0x28,
            ] + Array("\"}\n".utf8)
        input += Array(#"{"id": "feb-30", "at": "2026-02-30T10:00:00Z", "channel": "sms", "text": "hi"}"#.utf8) + [0x0A]
        input +=
            Array(
                #"{"id": "fine", "at": "2026-11-23T10:00:00Z", "channel": "sms", "device": {"kind": "work_mobile"}, "recipient": {"role": "child"}, "text": "hi"}"#
                    .utf8
            ) + [0x0D, 0x0A]
        let r = try cli.run(["check", "--jsonl"], data: data, stdinBytes: input)
        #expect(r.status == 1)
        let out = try lines(r.stdout)
        try #require(out.count == 3)
        #expect(
            (out[0]["error"] as? String)?.hasPrefix("line 1: request: not valid JSON") == true
                && (out[0]["error"] as? String)?.contains("UTF-8") == true,
            "\(out[0])"
        )
        #expect(
            out[1]["id"] as? String == "feb-30"
                && (out[1]["error"] as? String)?.contains("month 2 of 2026 has 28 days") == true,
            "\(out[1])"
        )
        #expect(
            out[2]["id"] as? String == "fine" && out[2]["decision"] != nil,
            "a CRLF line end is read as one: \(out[2])"
        )
    }

    @Test func oneRequestFromAllOfStdinWithAnOrganisationFile() throws {
        // setup: an organisation whose office closes at 16:00 and which uses only Coventry's pack
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-org-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let org = dir.appendingPathComponent("org.yaml")
        try
            "packs: [coventry-mobile-2017]\noffice_hours: {opens: \"08:00\", closes: \"16:00\", days: [mon, tue, wed, thu, fri]}\n"
            .write(
                to: org,
                atomically: true,
                encoding: .utf8
            )
        let request = """
            {
              "id": "late-call",
              "at": "2026-11-23T16:30:00Z",
              "channel": "phone_call",
              "direction": "incoming",
              "device": {"kind": "work_mobile"}
            }
            """

        // MUT
        let r = try cli.run(["check", "--org", org.path], data: data, stdin: request)

        // validation
        #expect(r.status == 0, "\(r.stderr)")
        let out = try lines(r.stdout)
        try #require(out.count == 1)
        #expect(out[0]["decision"] as? String == "warn")
        let findings = out[0]["findings"] as? [[String: Any]] ?? []
        #expect(findings.map { $0["clause"] as? String } == ["COV-5"])
        let obligations = out[0]["obligations"] as? [[String: Any]] ?? []
        #expect(
            obligations.first?["clause"] as? String == "COV-5"
                && obligations.first?["due"] as? String == "2026-11-24T16:30:00Z"
        )
    }

    @Test func anUnknownPackOrBadOrganisationFileIsAUsageError() throws {
        let r = try cli.run(["check", "--packs", "whatsapp-2020,nonesuch"], data: data, stdin: "{}")
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr.contains("--packs[1]: unknown pack 'nonesuch'"))
    }

    @Test func redactReplacesEachFindingWithItsType() throws {
        // setup
        let input =
            #"{"id": "r", "channel": "whatsapp", "device": {"kind": "work_mobile", "whatsapp_enabled": true}, "recipient": {"role": "parent_carer"}, "case": {"people": [{"name": "Kayden Price"}]}, "text": "Kayden's NHS number is 943 476 5919, ring 07700 900123"}"#

        // MUT
        let r = try cli.run(["check", "--redact"], data: data, stdin: input)

        // validation
        #expect(r.status == 0, "\(r.stderr)")
        let out = try lines(r.stdout)
        #expect(out.first?["redacted"] as? String == "[CASE_PERSON]'s NHS number is [NHS_NUMBER], ring [PHONE_NUMBER]")
        #expect(
            out.first?["decision"] as? String == "block",
            "WA-7: a name on the case and an NHS number over WhatsApp"
        )
    }

    @Test func analyseReportsEachFindingWithItsClausesAndConfidence() throws {
        // setup
        let input = """
            {"id": 1, "text": "DOB 04/05/2012, email sam@example.org", "people": []}
            {"id": 2, "text": 7}
            """

        // MUT
        let r = try cli.run(["analyse", "--jsonl"], data: data, stdin: input)

        // validation
        #expect(r.status == 1, "a bad line fails the run at the end")
        let out = try lines(r.stdout)
        try #require(out.count == 2)
        let findings = try #require(out[0]["findings"] as? [[String: Any]])
        #expect(findings.map { $0["type"] as? String } == ["DATE_OF_BIRTH", "EMAIL"])
        #expect(findings.first?["start"] as? Int == 4 && findings.first?["end"] as? Int == 14)
        #expect(
            (findings.first?["clauses"] as? [String])?.contains("WA-7") == true
                && findings.first?["confidence"] as? Double == 0.9
        )
        #expect(out[0]["redacted"] as? String == "DOB [DATE_OF_BIRTH], email [EMAIL]")
        #expect(out[1]["error"] as? String == "line 2: text: expected a string" && out[1]["id"] as? Int == 2)
    }

    /// `analyse` and `check` with flags alone (in any order) start without ArgumentParser; every
    /// other form still goes through it.
    @Test func theQuickFormsAnswerAsTheOrdinaryOnesDo() throws {
        // setup
        let request = #"{"id": "q", "text": "Ring Kayden on 07700 900123", "people": []}"#

        // MUT
        let whole = try cli.run(["analyse"], data: data, stdin: request)
        let lined = try cli.run(["analyse", "--jsonl"], data: data, stdin: request)
        let check =
            #"{"id": "r", "channel": "whatsapp", "device": {"kind": "work_mobile", "whatsapp_enabled": true}, "recipient": {"role": "parent_carer"}, "text": "Ring Kayden on 07700 900123"}"#
        let both = try cli.run(["check", "--redact", "--jsonl"], data: data, stdin: check)
        let help = try cli.run(["analyse", "--help"], data: data, stdin: "")
        let unknown = try cli.run(["analyse", "--jsonl", "--nonesuch"], data: data, stdin: request)

        // validation
        #expect(whole.status == 0 && whole.stdout == lined.stdout, "\(whole.stderr)")
        #expect(try lines(whole.stdout).first?["redacted"] as? String == "Ring [PERSON] on [PHONE_NUMBER]")
        #expect(both.status == 0, "\(both.stderr)")
        #expect(try lines(both.stdout).first?["redacted"] as? String == "Ring [PERSON] on [PHONE_NUMBER]")
        #expect(help.status == 0 && help.stdout.contains("USAGE: safecomms analyse [--jsonl]"), "\(help.stdout)")
        #expect(unknown.status == 64 && unknown.stderr.contains("Unknown option '--nonesuch'"), "\(unknown.stderr)")
    }

    /// A file of many lines (200 KB, more than a pipe holds, so it arrives in several reads, which
    /// split lines) is answered in batches; the answers still come back one per line, in the lines'
    /// order, with each error naming its own line.
    @Test func manyLinesAreAnsweredInTheirOrder() throws {
        // setup
        let count = 1_000
        let padding = String(repeating: " ", count: 150)
        let input = (1...count).map { n in
            switch n {
            case 150: #"{"id": 150, "text": 7}"#
            case 777: ""
            default:
                #"{"id": \#(n), "text": "Call Jayden on 07700 900\#(String(format: "%03d", n % 1000))"\#(padding)}"#
            }
        }.joined(separator: "\n")

        // MUT
        let r = try cli.run(["analyse", "--jsonl"], data: data, stdin: input)

        // validation
        #expect(r.status == 1, "the bad lines fail the run at the end")
        let out = try lines(r.stdout)
        try #require(out.count == count, "one answer per line")
        for (i, answer) in out.enumerated() {
            let n = i + 1
            switch n {
            case 150: #expect(answer["error"] as? String == "line 150: text: expected a string")
            case 777:
                #expect(answer["error"] as? String == "line 777: the line is empty; send one JSON request per line")
            default:
                #expect(answer["id"] as? Int == n, "answer \(n) is line \(n)'s")
                #expect(answer["redacted"] as? String == "Call [PERSON] on [PHONE_NUMBER]", "line \(n): \(answer)")
            }
        }
    }
}
