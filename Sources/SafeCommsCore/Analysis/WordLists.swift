import Foundation

/// The analysers' word lists, read from the package's data files (`Data/*.txt`; their sources and
/// licences are in `Data/SOURCES.md`) once each, the first time an analyser needs one. They are data,
/// not code: `scripts/make-name-list.py` and `scripts/make-language-list.py` write them.
///
/// The large lists are read as bytes and kept as word hashes, made while scanning each line: no
/// string per word, so `safecomms analyse` starts in milliseconds with 130,000 words to load.
enum WordLists {
    /// The bytes of `Data/<name>.txt`.
    static func contents(_ name: String) -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Data"),
            let data = try? Data(contentsOf: url)
        else {
            // A packaging fault, not bad input: the resources bundle must ship beside the binary.
            fatalError("SafeCommsCore's data file Data/\(name).txt is missing from its resources bundle")
        }
        return data
    }

    /// Each line of `Data/<name>.txt` but comments (`#`) and blank ones: the hash of its first field,
    /// as `WordHash.of` would make it, and whether a second field follows a tab.
    static func entries(_ name: String) -> [(hash: UInt64, marked: Bool)] {
        let data = contents(name)
        var out: [(hash: UInt64, marked: Bool)] = []
        out.reserveCapacity(data.count / 8)
        data.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            var i = 0
            while i < b.count {
                let start = i
                var h = WordHash.seed
                while i < b.count, b[i] != 0x0A, b[i] != 0x09 {
                    h = WordHash.add(h, b[i])
                    i += 1
                }
                let end = i
                let marked = i < b.count && b[i] == 0x09
                while i < b.count, b[i] != 0x0A { i += 1 }
                i += 1
                if end > start, b[start] != 0x23 { out.append((h, marked)) }
            }
        }
        return out
    }

    /// The lines of `Data/<name>.txt` as strings, without comments or blank lines (for short lists).
    static func lines(_ name: String) -> [String] {
        String(decoding: contents(name), as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map(String.init)
    }

    /// A first name from `first-names.txt`: whether it is also an everyday English word ("will",
    /// "hope"), which in lower case counts as a name only where the words around say so.
    struct FirstName: Sendable {
        let alsoWord: Bool
    }

    /// First names (those marked in the file are everyday English words too), surnames, everyday
    /// English words (a capitalised word that is none of these is likely a name or a place) and the
    /// dictionary's proper nouns (places, organisations, months and people, in lower case): one table.
    static let lexicon: Lexicon = {
        var words: [(hash: UInt64, kinds: Lexicon.Kinds)] = []
        words.reserveCapacity(130_000)
        for name in entries("first-names") {
            words.append((name.hash, name.marked ? [.firstName, .alsoWord] : .firstName))
        }
        for (list, kind) in [
            ("surnames", Lexicon.Kinds.surname), ("english-words", .englishWord), ("proper-nouns", .properNoun),
        ] {
            for word in entries(list) { words.append((word.hash, kind)) }
        }
        return Lexicon(words)
    }()
    /// WA-10, PD-1.10: see `PhraseLists.inappropriateLanguage`.
    static let inappropriateLanguage = lines("inappropriate-language")
}
