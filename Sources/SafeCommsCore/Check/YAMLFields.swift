import Yams

/// Field-by-field reading of a YAML mapping (a policy pack, an organisation file) that turns every
/// failure into a `ValidationError` naming the path (`clauses[4].rules[0].when.channels[1]`) and
/// saying what was expected. A typo in a field name is an error too: a misspelt `emergency` silently
/// ignored would change the answer.
///
/// It reads Yams' composed nodes itself rather than through `Codable`: the decoder's dynamic casts
/// and tag resolution made loading the five bundled packs most of `safecomms check`'s start-up.
struct Fields {
    let pairs: [(key: String, value: Node)]
    let prefix: String

    init(_ node: Node, prefix: String, known: Set<String>) throws(ValidationError) {
        guard case .mapping(let mapping) = node else {
            throw ValidationError(field: prefix, reason: "must be a mapping of fields (name: value)")
        }
        self.prefix = prefix
        pairs = try Self.pairs(of: mapping, prefix: prefix)
        for (name, _) in pairs where !known.contains(name) {
            throw ValidationError(
                field: path(name),
                reason: "unknown field; expected one of: \(known.sorted().joined(separator: ", "))"
            )
        }
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    /// A mapping's fields in order, with YAML's merge key read as YAML 1.1 defines it: `<<: *rule`
    /// (or `<<: [*a, *b]`) brings in the fields of those mappings, the first named winning, and a field
    /// written beside it wins over a merged one.
    static func pairs(of mapping: Node.Mapping, prefix: String) throws(ValidationError) -> [(key: String, value: Node)]
    {
        var merged: [(key: String, value: Node)] = []
        var written: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            guard let scalar = key.scalar else {
                throw ValidationError(field: prefix, reason: "has a field whose name is not plain text")
            }
            guard scalar.string == "<<", scalar.style == .plain || scalar.style == .any else {
                written.append((scalar.string, value))
                continue
            }
            let sources: [Node] = if case .sequence(let list) = value { Array(list) } else { [value] }
            for source in sources {
                guard case .mapping(let m) = source else {
                    throw ValidationError(
                        field: prefix.isEmpty ? "<<" : prefix + ".<<",
                        reason: "merges only mappings of fields, such as <<: *anchor"
                    )
                }
                for pair in try pairs(of: m, prefix: prefix) where !merged.contains(where: { $0.key == pair.key }) {
                    merged.append(pair)
                }
            }
        }
        // `node(_:)` reads the last pair of a name, so the fields written here go after the merged ones.
        return merged + written
    }

    /// The key's value, nil when it is absent or null (`~`, `null` or nothing). A key given twice
    /// counts once, as written last.
    func node(_ key: String) -> Node? {
        guard let node = pairs.last(where: { $0.key == key })?.value, !node.isNull else { return nil }
        return node
    }

    func has(_ key: String) -> Bool { node(key) != nil }

    /// The value, or nil when the key is absent or null.
    func value<T: FieldValue>(_ type: T.Type, _ key: String, expected: String) throws(ValidationError) -> T? {
        guard let node = node(key) else { return nil }
        guard let v = T(yaml: node) else { throw ValidationError(field: path(key), reason: "expected \(expected)") }
        return v
    }

    func bool(_ key: String) throws(ValidationError) -> Bool? { try value(Bool.self, key, expected: "true or false") }

    func string(_ key: String) throws(ValidationError) -> String? { try value(String.self, key, expected: "a string") }

    func required<T: FieldValue>(_ type: T.Type, _ key: String) throws(ValidationError) -> T {
        guard let v = try value(T.self, key, expected: T.self == String.self ? "a string" : "\(T.self)") else {
            throw ValidationError(field: path(key), reason: "is required")
        }
        return v
    }

    func choice<E: RawRepresentable & CaseIterable>(
        _ type: E.Type,
        _ key: String,
        among allowed: [E]? = nil
    ) throws(ValidationError) -> E?
    where E.RawValue == String {
        guard let raw = try string(key) else { return nil }
        return try E.parse(raw, field: path(key), among: allowed)
    }

    func choices<E: RawRepresentable & CaseIterable>(
        _ type: E.Type,
        _ key: String,
        among allowed: [E]? = nil
    ) throws(ValidationError) -> [E]?
    where E.RawValue == String {
        guard let raws = try value([String].self, key, expected: "a list of strings") else { return nil }
        return try raws.enumerated().map { i, raw throws(ValidationError) in
            try E.parse(raw, field: "\(path(key))[\(i)]", among: allowed)
        }
    }

    /// A nested mapping read with its own path prefix.
    func object<T>(_ key: String, _ make: (Node, String) throws -> T) throws -> T? {
        guard let node = node(key) else { return nil }
        guard case .mapping = node else {
            throw ValidationError(field: path(key), reason: "must be a mapping of fields (name: value)")
        }
        return try make(node, path(key))
    }

    /// A list of nested mappings, each read with `key[i]` as its path.
    func objects<T>(_ key: String, _ make: (Node, String) throws -> T) throws -> [T]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let items) = node else {
            throw ValidationError(field: path(key), reason: "must be a list")
        }
        return try items.enumerated().map { i, item in try make(item, "\(path(key))[\(i)]") }
    }
}

/// A value a field can hold, read from a YAML node as YAML 1.1 (which the packs were written in) reads it.
protocol FieldValue {
    init?(yaml node: Node)
}

extension String: FieldValue {
    /// Any scalar, as written: `version: 2` is the text "2".
    init?(yaml node: Node) {
        guard let s = node.scalar?.string else { return nil }
        self = s
    }
}

extension Bool: FieldValue {
    init?(yaml node: Node) {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": self = true
        case "false", "no", "off": self = false
        default: return nil
        }
    }
}

extension Int: FieldValue {
    /// A plain whole number (`24`, `1_000`); a quoted one is text.
    init?(yaml node: Node) {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any,
            let n = Int(scalar.string.filter { $0 != "_" })
        else { return nil }
        self = n
    }
}

extension Array: FieldValue where Element: FieldValue {
    init?(yaml node: Node) {
        guard case .sequence(let items) = node else { return nil }
        var out: [Element] = []
        for item in items {
            guard let v = Element(yaml: item) else { return nil }
            out.append(v)
        }
        self = out
    }
}

extension Node {
    /// A plain `~`, `null` or nothing: YAML's null.
    var isNull: Bool {
        guard let scalar, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
