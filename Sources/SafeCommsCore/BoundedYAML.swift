import Yams

/// Reads YAML that someone may have written to hurt the server. An anchor reused through aliases
/// (`b: [*a, *a, *a]`, and again one level up) is kept once by the parser but read in full by every
/// consumer: a 286-byte column map once cost 2.5 GB and a minute of CPU. So the text is capped, and the
/// document is walked once, as its readers would see it, with a budget of values; past it, nothing
/// more is read.
public enum BoundedYAML {
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The document's root.
    /// - Parameters:
    ///   - maxBytes: the longest text read.
    ///   - maxValues: the most scalars, lists and mappings the document may hold with every alias read in full.
    ///   - resolver: how plain scalars get their types. Yams' default tries up to seven regular
    ///     expressions on every scalar and on every key looked up; `.basic` tries none (every key a
    ///     string; numbers, true/false and null still read as such where a number, a flag or nothing
    ///     is asked for) and reads the policy packs five times faster.
    /// - Throws: `Refused` for an empty, too long or too large document, or Yams' error for text that
    ///   is not YAML.
    public static func compose(
        _ text: String,
        maxBytes: Int,
        maxValues: Int,
        resolver: Resolver = .default
    ) throws -> Node {
        let bytes = text.utf8.count
        guard bytes <= maxBytes else {
            throw Refused(description: "is \(bytes) bytes long; at most \(maxBytes) are read")
        }
        guard let node = try Yams.compose(yaml: text, resolver) else { throw Refused(description: "is empty") }
        var budget = maxValues
        guard fits(node, &budget) else {
            throw Refused(
                description:
                    "holds more than \(maxValues) values once its aliases are expanded (an anchor repeated through aliases)"
            )
        }
        return node
    }

    private static func fits(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias: return true
        case .sequence(let items): return items.allSatisfy { fits($0, &budget) }
        case .mapping(let pairs): return pairs.allSatisfy { fits($0.key, &budget) && fits($0.value, &budget) }
        }
    }
}
