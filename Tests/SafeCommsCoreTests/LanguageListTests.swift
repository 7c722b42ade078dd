import Foundation
import Testing

@testable import SafeCommsCore

/// WA-10 and PD-1.10: the inappropriate-language list shipped as data (scripts/make-language-list.py).
@Suite struct LanguageListTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("scripts/language")

    static func entries(_ file: String) throws -> [String] {
        try String(contentsOf: scripts.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
            .map {
                $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    let list = Set(PhraseLists.inappropriateLanguage)

    @Test func theGeneratedListFollowsItsSources() throws {
        let excluded = try Self.entries("not-abusive.txt")
        let added = try Self.entries("uk-additions.txt")
        #expect(excluded.count > 200 && added.count > 20)
        #expect(excluded.filter(list.contains) == [], "regenerate with scripts/make-language-list.py")
        #expect(added.filter { !list.contains($0) } == [], "regenerate with scripts/make-language-list.py")
        #expect(list.count > 600)
        #expect(list.allSatisfy { $0 == $0.lowercased() && !$0.isEmpty })
    }

    func found(_ text: String, direction: Direction = .incoming) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return PhraseAnalyser.standard.analyse(AnalysedText(text), context: AnalysisContext(direction: direction))
            .filter { $0.type == FindingType.inappropriateLanguage }.compactMap(\.span)
            .map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
    }

    @Test func abuseAndThreatsAreFound() {
        #expect(
            found("You're a fucking wanker, I know where you live") == ["fucking", "wanker", "I know where you live"]
        )
        #expect(found("Shut up you stupid cow") == ["Shut up", "stupid cow"])
        #expect(found("what a load of bollocks, piss off") == ["bollocks", "piss off"])
    }

    /// A child disclosing abuse, a parent talking about drink and drugs, a nurse's words: none of it is
    /// "inappropriate language".
    @Test func disclosuresHealthAndIdentityAreNot() {
        #expect(found("He raped me and made me watch porn. I want to kill myself.") == [])
        #expect(found("Dad was drunk again and there was weed and heroin in the flat") == [])
        #expect(found("The school nurse talked about periods, tampons and the vagina; HIV testing is free") == [])
        #expect(found("My sister is gay and my mate is queer, so what") == [])
        #expect(found("The baby's dummy and nappy are in the bag; the bathroom is steamy and damp") == [])
    }
}
