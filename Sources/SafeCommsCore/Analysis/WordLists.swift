import Foundation

/// The analysers' word lists, read from the package's data files (`Data/*.txt`; their sources and
/// licences are in `Data/SOURCES.md`) once each, the first time an analyser needs one. They are data,
/// not code: `scripts/make-name-list.py` and `scripts/make-language-list.py` write them.
enum WordLists {
    /// The lines of `Data/<name>.txt`, without comments (`#`) or blank lines.
    static func lines(_ name: String) -> [Substring] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Data"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            // A packaging fault, not bad input: the resources bundle must ship beside the binary.
            fatalError("SafeCommsCore's data file Data/\(name).txt is missing from its resources bundle")
        }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    /// A first name from `first-names.txt`, and whether it is also an everyday English word ("will",
    /// "hope"), which in lower case counts as a name only where the words around say so.
    struct FirstName: Sendable {
        let text: String
        let alsoWord: Bool
    }

    static let firstNames = HashIndex(
        lines("first-names").map { line -> (UInt64, FirstName) in
            let parts = line.split(separator: "\t")
            let name = String(parts[0])
            return (WordHash.of(name), FirstName(text: name, alsoWord: parts.count > 1))
        }
    )
    static let surnames = WordSet(lines("surnames").map(String.init))
    /// Everyday English words: a capitalised word that is none of these is likely a name or a place.
    static let englishWords = WordSet(lines("english-words").map(String.init))
    /// Places, organisations, months and people's names from the dictionary (lower case).
    static let properNouns = WordSet(lines("proper-nouns").map(String.init))
    /// WA-10, PD-1.10: see `PhraseLists.inappropriateLanguage`.
    static let inappropriateLanguage = lines("inappropriate-language").map(String.init)
}
