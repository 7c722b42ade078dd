import Foundation
import Testing

@testable import SafeCommsCore

/// The generic personal-data detectors: what each finds, what it must not, and that hostile
/// input neither crashes them nor costs more than linear time.
@Suite struct PersonalDataTests {
    let analyser = PersonalDataAnalyser()

    /// The found text of each finding of `type`.
    func found(_ text: String, _ type: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return analyser.analyse(AnalysedText(text), context: AnalysisContext()).filter { $0.type == type }.compactMap(
            \.span
        ).map {
            String(String.UnicodeScalarView(scalars[$0.start..<$0.end]))
        }
    }

    @Test func phoneNumbersInTheWaysPeopleWriteThem() {
        let t = FindingType.phoneNumber
        #expect(found("ring me on 07700 900123 later", t) == ["07700 900123"])
        #expect(found("07700900123", t) == ["07700900123"])
        #expect(found("call +44 7700 900123 or +447700900123.", t) == ["+44 7700 900123", "+447700900123"])
        #expect(found("office (01202) 123456, London 020 7946 0123", t) == ["(01202) 123456", "020 7946 0123"])
        #expect(found("+44 (0)7700 900123", t) == ["+44 (0)7700 900123"])
        #expect(found("£1,250.00 at 10:30, ref CR-2024-0117, 0.5 mg, 077009001234 digits, year 2024", t).isEmpty)
    }

    @Test func emailAddresses() {
        #expect(found("write to sam.jones+cases@poole.gov.uk.", FindingType.email) == ["sam.jones+cases@poole.gov.uk"])
        #expect(found("not an address: @home, a@b, me@localhost", FindingType.email).isEmpty)
        #expect(found("it's 'sean.o'neill@gmail.com' now", FindingType.email) == ["sean.o'neill@gmail.com"])
    }

    @Test func emailAddressesWrittenInWords() {
        let t = FindingType.email
        #expect(found("my email is jo.smith at gmail dot com ok", t) == ["jo.smith at gmail dot com"])
        #expect(
            found("email jo dot smith at hotmail dot co dot uk thanks", t) == ["jo dot smith at hotmail dot co dot uk"]
        )
        #expect(found("send it to kayla99(at)outlook.com", t) == ["kayla99(at)outlook.com"])
        #expect(found("Jo.Smith [at] coventry [dot] gov [dot] uk", t) == ["Jo.Smith [at] coventry [dot] gov [dot] uk"])
        #expect(found("her email address: jaydenx at yahoo.co.uk.", t) == ["jaydenx at yahoo.co.uk"])
        #expect(found("jo@gmail.com or jo at gmail dot com", t) == ["jo@gmail.com", "jo at gmail dot com"])
        // Ordinary words round "at" and "dot".
        #expect(
            found("look at gmail dot com for the form", t).isEmpty,
            "a plain word before 'at' and no talk of e-mail"
        )
        #expect(found("meet me at school at 10.30, Dot at reception", t).isEmpty)
        #expect(found("email me at home dot", t).isEmpty, "no top-level domain")
        #expect(found("we arrive at 3pm at coventry dot station", t).isEmpty)
        #expect(found(String(repeating: " at dot", count: 20_000), t).isEmpty)
    }

    @Test func nhsNumbersNeedTheirCheckDigitAndContext() {
        let t = FindingType.nhsNumber
        #expect(IdentifierScanner.nhsCheckDigitIsValid([9, 4, 3, 4, 7, 6, 5, 9, 1, 9]))
        #expect(!IdentifierScanner.nhsCheckDigitIsValid([9, 4, 3, 4, 7, 6, 5, 9, 1, 8]))
        #expect(found("NHS number 943 476 5919", t) == ["943 476 5919"])
        #expect(found("NHS no: 9434765919", t) == ["9434765919"])
        #expect(
            found("his number is 943-476-5919", t) == ["943-476-5919"],
            "spaced like an NHS number, without context"
        )
        #expect(
            found("The invoice (943 476 5919) is paid; order no. 943-476-5919", t).isEmpty,
            "another kind of number"
        )
        #expect(found("order 9434765919 arrived", t).isEmpty, "ten bare digits pass the check one time in eleven")
        #expect(found("NHS number 943 476 5918", t).isEmpty, "a wrong check digit")
        // Three then seven digits, as some letters print it: only with "NHS" before it.
        #expect(found("NHS no. 943 4765919 on file", t) == ["943 4765919"])
        #expect(found("NHS: 943-4765919", t) == ["943-4765919"])
        #expect(found("account 943 4765919 is closed", t).isEmpty, "three and seven digits without NHS")
    }

    @Test func nationalInsuranceNumbers() {
        let t = FindingType.nino
        #expect(found("NI number AB 12 34 56 C.", t) == ["AB 12 34 56 C"])
        #expect(found("JG103759A", t) == ["JG103759A"])
        #expect(found("QQ123456C DA123456A BG123456A AB123456E AB123456", t).isEmpty, "invalid prefixes and suffixes")
        // Typed in lower case, spaced or not; a mixed-case word before six digits is not one.
        #expect(found("his ni is jk 12 34 56 c thanks", t) == ["jk 12 34 56 c"])
        #expect(found("ni jk123456c", t) == ["jk123456c"])
        #expect(found("Ab 12 34 56 C, qq123456c, gb123456a, ab123456e", t).isEmpty)
    }

    @Test func postcodes() {
        let t = FindingType.postcode
        #expect(
            found("at BH15 2AB or bh152ab or SW1A 1AA or M1 1AE", t) == ["BH15 2AB", "bh152ab", "SW1A 1AA", "M1 1AE"]
        )
        #expect(found("room 2AB, XX1 1AA, bus 15 to town", t).isEmpty)
    }

    @Test func addressesNeedAHouseNumberAndAStreet() {
        let t = FindingType.address
        #expect(found("She lives at 14 Oak Street, Poole BH15 2AB now", t) == ["14 Oak Street, Poole"])
        #expect(found("moved to 3a Castle Hill Road last week", t) == ["3a Castle Hill Road"])
        #expect(found("room 2 at Broad Street; 5 more days; on the high street; 10 Downing", t).isEmpty)
    }

    @Test func datesOfBirthNeedBirthContext() {
        let t = FindingType.dateOfBirth
        #expect(found("DOB 04/05/2012", t) == ["04/05/2012"])
        #expect(found("she was born on the 4th of May 2012 in Poole", t) == ["4th of May 2012"])
        #expect(found("d.o.b. 4.5.12", t) == ["4.5.12"])
        #expect(found("the meeting on 04/05/2025 is moved", t).isEmpty)
        // A date of birth put right: the right date and the wrong one named again are both hers.
        #expect(
            found("Her DOB is 04/07/2014. No, sorry, it's the 4th of June 2014, not 04/07/2014", t)
                == ["04/07/2014", "4th of June 2014", "04/07/2014"]
        )
        #expect(
            found("DOB 04/07/2014. The review is on 12/01/2026, no change.", t) == ["04/07/2014"],
            "a later date that corrects nothing is not one"
        )
    }

    @Test func namesFromTheListsAndTheirContext() {
        let t = FindingType.person
        #expect(found("Hi Jayden, it's Sam from the team", t) == ["Jayden", "Sam"])
        #expect(found("hi jayden can u call me", t) == ["jayden"])
        #expect(found("I spoke to Mrs Okafor and Kerry Price today", t) == ["Okafor", "Kerry Price"])
        #expect(found("I will call. You may want to. We hope so. Mark the date. By the grace of God.", t).isEmpty)
        #expect(found("Will Hope is coming; Dear Grace, thanks", t) == ["Will Hope", "Grace"])
        #expect(found("Thanks. Tuesday at 10:30 in the Green Room.", t).isEmpty)
    }

    /// The names of the UK's children, not only the common English ones: from the ONS's lists, in
    /// lower case and standing alone where the words around make them a person, and names no list holds.
    @Test func namesFromEveryCommunity() {
        let t = FindingType.person
        #expect(found("can Wojciech bring her to the review? About Tiago: fine.", t) == ["Wojciech", "Tiago"])
        #expect(found("can wojciech bring her", t) == ["wojciech"])
        #expect(found("we talked about chidinma and dovydas said yes", t) == ["chidinma", "dovydas"])
        #expect(found("zain's mum rang", t) == ["zain"])
        #expect(found("Spoke to Ogooluwa earlier, she is fine", t) == ["Ogooluwa"])
        #expect(found("hi ogooluwa can u ring me", t) == ["ogooluwa"])
        #expect(found("Devyka was upset after contact.", t) == ["Devyka"])
        // Words, places, schools and months stay what they are.
        #expect(found("Hi all, Will you be able to make it? Hope you're well.", t).isEmpty)
        #expect(
            found("We met in Swanage at St Edward's School, Thomas Hardye School and Parkstone Grammar.", t).isEmpty
        )
        #expect(found("DOB 27 Jan 2024; your payslip has the wrong code; don't post it; Summer term starts", t).isEmpty)
        #expect(found("Sent on WhatsApp, then Snapchat; see Ofsted's report.", t).isEmpty)
    }

    @Test func everyFindingIsInsideTheTextAndRedacts() {
        let text = "Hi Jayden 😀, NHS 943 476 5919, call 07700 900123. ‮Mrs Okafor‬ lives at 14 Oak Street."
        let findings = analyser.analyse(AnalysedText(text), context: AnalysisContext())
        let length = text.unicodeScalars.count
        #expect(findings.allSatisfy { $0.span.map { 0 <= $0.start && $0.start < $0.end && $0.end <= length } ?? false })
        #expect(
            ContentReport.redact(text, findings.compactMap(\.span))
                == "Hi [PERSON] 😀, NHS [NHS_NUMBER], call [PHONE_NUMBER]. ‮Mrs [PERSON]‬ lives at [ADDRESS]."
        )
        #expect(
            ContentReport.redact("abcdef", [Span(start: 1, end: 4, type: "A"), Span(start: 2, end: 5, type: "B")])
                == "a[A]f",
            "overlaps go together"
        )
    }

    /// Random and hostile input never crashes a detector.
    @Test func hostileInputNeverCrashes() {
        var rng = SeededRandom(seed: 0x5AFE)  // seeded: a failure repeats on every run
        let pieces = [
            "0", "7", "+44", "(", ")", " ", "-", ".", "@", "a", "Z", "Mrs", "Jayden", "Street", "14", "NHS", "AB", "C",
            "\u{0}", "\u{200F}", "\u{202E}",
            "e\u{301}", "😀", "👩‍👧", "\n", "ع", "ß", "'s", ",", " at ", " dot ", "(at)", "[dot]", "com", "uk",
        ]
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                .joined()
            let length = text.unicodeScalars.count
            let findings = Evaluator.standardAnalysers.flatMap {
                $0.analyse(AnalysedText(text), context: AnalysisContext())
            }
            #expect(
                findings.allSatisfy { $0.span.map { 0 <= $0.start && $0.start <= $0.end && $0.end <= length } ?? true },
                "\(text)"
            )
        }
    }

    /// Ten times the input costs under fifteen times the time, for every analyser together,
    /// on ordinary text and on inputs built to make a careless scanner backtrack.
    @Test(arguments: [
        "Hi Jayden, call 07700 900123 or email sam.jones@example.org. DOB 04/05/2012, 14 Oak Street, Poole BH15 2AB. ",
        "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a@", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ", "1234567890123456789 ",
        "Mrs Mrs Mrs Mrs Mrs Jayden Jayden Jayden ", "14 Oak Oak Oak Oak Oak ", "😀e\u{301}\u{0}\u{202E}ع ",
        "                    ",
        "jo dot jo dot jo at gmail dot co dot ", "x at x at x at x dot com dot ", "a.b(at)c [dot] ",
    ])
    func timeIsLinearInTheLength(_ unit: String) async {
        // Measured on a thread of its own: a debug build spends tens of seconds here, and on Swift's
        // cooperative threads (two on this machine) that starved every other test's awaiting tasks,
        // which then ran out of time waiting for database connections.
        let ratio = await withCheckedContinuation { done in
            Thread { done.resume(returning: Self.lengthRatio(unit)) }.start()
        }
        #expect(ratio < 15, "10× the input cost \(ratio)× the time")
    }

    /// The analysers' CPU time on ten times `unit`'s 100 KB, over their time on the 100 KB.
    static func lengthRatio(_ unit: String) -> Double {
        let small = String(repeating: unit, count: max(1, 100_000 / unit.utf8.count))
        let large = String(repeating: small, count: 10)
        // This thread's CPU time, not the wall clock: the other tests run alongside and would make
        // the ratio say more about them than about the analysers.
        func cpu() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
        func once(_ text: String) -> Double {
            let start = cpu()
            let a = AnalysedText(text)
            for analyser in Evaluator.standardAnalysers {
                _ = analyser.analyse(a, context: AnalysisContext(people: [CasePersonInfo(name: "Jayden Price")]))
            }
            return cpu() - start
        }
        // Interleaved, after a warm-up, best of five each: what is left is the analysers' own cost, not
        // a first touch of fresh memory or a moment when another test had the cache.
        _ = once(large)
        var small1 = Double.infinity, large1 = Double.infinity
        for _ in 0..<5 {
            small1 = min(small1, once(small))
            large1 = min(large1, once(large))
        }
        return large1 / small1
    }

    @Test func aCasePersonMisspeltByOneLetterIsStillThem() {
        let people = [CasePersonInfo(name: "Jayden Price", aliases: ["JJ"]), CasePersonInfo(name: "Kaden Moore")]
        let text = "Jaden and Kayden saw Jyaden. Jayden is fine. The house prices rose; Prices fell; Pricee, Kade."
        let scalars = Array(text.unicodeScalars)
        let found = CasePersonAnalyser().analyse(AnalysedText(text), context: AnalysisContext(people: people)).filter {
            $0.type == FindingType.casePerson
        }
        .compactMap(\.span).map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        #expect(
            Set(found) == ["Jayden", "Jaden", "Kayden", "Jyaden", "Pricee"] && found.count == 5,
            "not prices, Prices or Kade"
        )
        #expect(CasePersonAnalyser.withinOneEdit(Array("jaden".utf8), Array("jayden".utf8)))
        #expect(CasePersonAnalyser.withinOneEdit(Array("jaydn".utf8), Array("jayden".utf8)))
        #expect(!CasePersonAnalyser.withinOneEdit(Array("jordan".utf8), Array("jayden".utf8)))
    }
}
