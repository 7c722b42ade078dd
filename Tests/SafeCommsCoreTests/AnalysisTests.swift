import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct AnalysisTests {
    @Test func tokensCountCodePointsAndDropPossessives() {
        // "👋" is one code point; "Jayden’s" uses a phone's curly apostrophe.
        let t = AnalysedText("👋 Héllo Jayden’s CAFÉ, don't")
        #expect(t.tokens.map(\.text) == ["héllo", "jayden", "café", "don't"])
        #expect(t.tokens.map(\.start) == [2, 8, 17, 23])
        #expect(t.tokens.map(\.end) == [7, 14, 21, 28])
        #expect(t.tokens.map(\.capitalised) == [true, true, true, false])
        #expect(t.length == 28)
        #expect(t.tokens.allSatisfy { $0.hash == WordHash.of($0.text) })
    }

    /// ASCII text takes a byte-level path; it must split words exactly as the general path does.
    @Test func theASCIIPathSplitsAsTheGeneralPathDoes() {
        var rng = SeededRandom(seed: 0x5AFE)  // seeded: a failure repeats on every run
        let pieces = [
            "Jo", "jo", "O'Neill", "'s", "'", "students'", " ", ",", ".", "07700", "don't", "A", "s", "x", "'S", "ab's",
            "@", "-", "\n", "Z9",
        ]
        for _ in 0..<2_000 {
            let s = (0..<Int.random(in: 0..<12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let fast = AnalysedText(s)
            // A leading "é " sends the same text down the general path, two code points later.
            let general = AnalysedText("é " + s)
            let shifted = general.tokens.dropFirst().map { t in
                AnalysedText.Token(
                    text: t.text,
                    start: t.start - 2,
                    end: t.end - 2,
                    capitalised: t.capitalised,
                    hash: t.hash
                )
            }
            #expect(fast.tokens == shifted, "\(s)")
            #expect(
                fast.scalars == Array(general.scalars.dropFirst(2)) && fast.length == s.unicodeScalars.count,
                "\(s)"
            )
        }
    }

    @Test func datesWrittenTheCommonWays() {
        for text in [
            "born 14/03/2012", "born 14.3.12", "born 2012-03-14", "born 14th of March 2012", "born March 14th 2012",
            "born 14 Mar 2012",
        ] {
            let found = DateScanner.scan(AnalysedText(text))
            #expect(
                found.count == 1 && found.first?.day == 14 && found.first?.month == 3
                    && found.first?.twoDigitYear == 12,
                "\(text): \(found)"
            )
        }
        #expect(DateScanner.scan(AnalysedText("see you at 14 30 on the 3rd")).isEmpty)
        #expect(DateScanner.scan(AnalysedText("13/13/2012 and 32/01/2012")).isEmpty)
    }

    @Test func phrasesOfDifferentKindsMayOverlapButNotWithinAKind() {
        let m = PhraseMatcher(tagged: [("gonna", 0), ("gonna kill you", 1), ("kill", 1)])
        let found = m.overlapping(in: AnalysedText("I'm gonna kill you"))
        #expect(found.map { [$0.range.lowerBound, $0.range.upperBound, $0.tag] } == [[1, 4, 1], [1, 2, 0]])
        #expect(
            m.tagged(in: AnalysedText("gonna kill you")).map(\.tag) == [1],
            "the longest phrase wins where they overlap"
        )
    }

    @Test func hashIndexFindsEveryKeyAndNothingElse() {
        let words = (0..<5_000).map { "w\($0)" }
        let index = HashIndex(words.enumerated().map { (WordHash.of($0.element), $0.offset) })
        #expect(words.enumerated().allSatisfy { index[WordHash.of($0.element)] == $0.offset })
        #expect(index[WordHash.of("absent")] == nil)
    }

    /// The one table of the large word lists answers as the four lists would: a word in several has
    /// each kind, "also a word" belongs to the form that is the first name, and accents come off.
    @Test func theLexiconAnswersForEveryListAWordIsIn() {
        let words = (0..<20_000).map { "w\($0)" }
        let lexicon = Lexicon(
            words.enumerated().flatMap { k, w -> [(hash: UInt64, kinds: Lexicon.Kinds)] in
                let h = WordHash.of(w)
                return k % 2 == 0 ? [(h, .firstName), (h, .surname)] : [(h, .englishWord)]
            }
        )
        #expect(
            words.enumerated().allSatisfy { k, w in
                lexicon.kinds(hash: WordHash.of(w)) == (k % 2 == 0 ? [.firstName, .surname] : .englishWord)
            }
        )
        #expect(lexicon.kinds(hash: WordHash.of("absent")).isEmpty)

        func kinds(_ word: String) -> Lexicon.Kinds { WordLists.lexicon.kinds(AnalysedText(word).tokens[0]) }
        #expect(kinds("will").isSuperset(of: [.firstName, .alsoWord, .englishWord]), "\(kinds("will"))")
        #expect(kinds("wojciech") == .firstName)
        #expect(kinds("chloé").contains(.firstName) && !kinds("chloé").contains(.alsoWord), "\(kinds("chloé"))")
        #expect(kinds("łukasz").contains(.firstName), "\(kinds("łukasz"))")
        #expect(kinds("nowak") == .surname && kinds("chester").isSuperset(of: [.firstName, .surname, .properNoun]))
        #expect(kinds("zzqxv").isEmpty)
    }

    @Test func casePeopleAreFoundInTheirOwnWordsOnly() {
        let people = [
            CasePersonInfo(
                name: "Will Hope",
                aliases: ["Billy"],
                dateOfBirth: "2011-06-02",
                address: "7 Mill Lane, Leek",
                postcode: "ST13 5AB"
            )
        ]
        let context = AnalysisContext(people: people)
        func types(_ text: String) -> [String] {
            CasePersonAnalyser().analyse(AnalysedText(text), context: context).map(\.type).sorted()
        }
        #expect(types("I will hope for the best") == [], "ordinary words are not the names Will and Hope")
        #expect(types("Will is doing well") == ["CASE_PERSON"])
        #expect(
            types("Billy moved to Mill Lane, ST13 5AB, born 2/6/11") == [
                "ADDRESS", "CASE_PERSON", "DATE_OF_BIRTH", "POSTCODE",
            ]
        )
        #expect(types("postcode st135ab") == ["POSTCODE"])
    }
}

@Suite struct ClockArithmeticTests {
    /// The arithmetic agrees with Foundation's calendar and ISO 8601 formatter, hour by hour over years
    /// that include both clock changes and leap days.
    @Test func localTimeAndFormattingAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let zone = calendar.timeZone
        let style = Date.ISO8601FormatStyle()
        var t = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        let end = Date(timeIntervalSince1970: 1_861_920_000)  // 2029
        var checked = 0
        while t < end {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: t)
            let local = LocalTime(t, zone: zone)
            #expect(local.day == BankHolidays.Day(c.year!, c.month!, c.day!))
            #expect(local.minuteOfDay == c.hour! * 60 + c.minute!)
            #expect(local.isoWeekday == (c.weekday! + 5) % 7 + 1)
            #expect(ISOInstant.format(t) == style.format(t))
            t += 3_600 * 7 + 1_234  // walks through every hour of the day over time
            checked += 1
        }
        #expect(checked > 30_000)
    }
}
