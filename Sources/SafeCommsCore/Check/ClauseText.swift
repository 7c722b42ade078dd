/// Each clause's own words from its annotated source document (`Policies/sources/*.md`), where every
/// clause starts with its id in bold brackets: `**[PD-1.6]** …`. A clause runs to the next id; a
/// heading between two clauses ("Code of conduct") is left out.
public enum ClauseText {
    /// Clause id → its text, paragraphs separated by a blank line.
    public static func parse(document: String) -> [String: String] {
        let markers = document.matches(of: /\*\*\[([A-Z]+-[0-9A-Za-z.]+)\]\*\*/)
        var out: [String: String] = [:]
        for (i, m) in markers.enumerated() {
            let end = i + 1 < markers.count ? markers[i + 1].range.lowerBound : document.endIndex
            var lines = document[m.range.upperBound..<end].split(separator: "\n", omittingEmptySubsequences: false)
            // The next clause's line starts before its marker ("2. ", "- "): not this clause's words.
            if i + 1 < markers.count, let last = lines.last,
                last.allSatisfy({ $0.isNumber || " \t.-·•*)(".contains($0) })
            {
                lines.removeLast()
            }
            out[String(m.output.1)] = paragraphs(lines)
        }
        return out
    }

    /// The lines as paragraphs, without trailing headings or rules.
    static func paragraphs(_ lines: [Substring]) -> String {
        var paragraphs: [String] = []
        var now: [String] = []
        for line in lines {
            let t = line.trimmingSpaces
            if t.isEmpty {
                if !now.isEmpty { paragraphs.append(now.joined(separator: " ")) }
                now = []
            } else {
                now.append(t)
            }
        }
        if !now.isEmpty { paragraphs.append(now.joined(separator: " ")) }
        while paragraphs.count > 1, let last = paragraphs.last, isHeading(last) { paragraphs.removeLast() }
        return paragraphs.joined(separator: "\n\n")
    }

    /// A short line without closing punctuation, that is not a list item: a heading, or a rule (`---`).
    static func isHeading(_ p: String) -> Bool {
        if p.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" }) { return true }
        if p.hasPrefix("#") { return true }
        guard p.count < 80, let last = p.last else { return false }
        if let first = p.first, "·•-*".contains(first) || first.isNumber { return false }
        return !".:;!?)".contains(last)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
