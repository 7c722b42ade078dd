/// Field-by-field reading of a parsed JSON object that turns every failure into a `ValidationError`
/// naming the JSON path (`device.kind`, `case.people[2].date_of_birth`) and saying what was expected.
/// A typo in a field name is an error, and so is a field given twice: a misspelt `emergency` silently
/// ignored, or a second `channel` silently winning, would change the answer.
struct JSONFields {
    let members: [JSONMember]
    let prefix: String

    init(_ value: JSONValue, prefix: String, known: Set<String>, also extra: Set<String> = []) throws(ValidationError) {
        guard case .object(let members) = value else {
            throw ValidationError(field: prefix.isEmpty ? "request" : prefix, reason: "must be a JSON object")
        }
        self.members = members
        self.prefix = prefix
        // Every key is known before a repeat can be found, so this stays within known × known steps.
        for (k, m) in members.enumerated() {
            guard known.contains(m.key) || extra.contains(m.key) else {
                throw ValidationError(
                    field: path(m.key),
                    reason: "unknown field; expected one of: \(known.union(extra).sorted().joined(separator: ", "))"
                )
            }
            if members[..<k].contains(where: { $0.key == m.key }) {
                throw ValidationError(field: path(m.key), reason: "is given more than once")
            }
        }
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    /// The value, or nil when the key is absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let m = members.first(where: { $0.key == key }), m.value != .null else { return nil }
        return m.value
    }

    func bool(_ key: String) throws(ValidationError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw ValidationError(field: path(key), reason: "expected true or false") }
        return b
    }

    func string(_ key: String) throws(ValidationError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw ValidationError(field: path(key), reason: "expected a string") }
        return s
    }

    func strings(_ key: String, expected: String = "a list of strings") throws(ValidationError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else {
            throw ValidationError(field: path(key), reason: "expected \(expected)")
        }
        return try items.enumerated().map { i, item throws(ValidationError) in
            guard case .string(let s) = item else {
                throw ValidationError(field: "\(path(key))[\(i)]", reason: "expected a string")
            }
            return s
        }
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
        guard let raws = try strings(key) else { return nil }
        return try raws.enumerated().map { i, raw throws(ValidationError) in
            try E.parse(raw, field: "\(path(key))[\(i)]", among: allowed)
        }
    }

    /// A nested object read with its own path prefix.
    func object<T>(
        _ key: String,
        _ make: (JSONValue, String) throws(ValidationError) -> T
    ) throws(ValidationError) -> T? {
        guard let v = value(key) else { return nil }
        return try make(v, path(key))
    }

    /// A list of nested objects, each read with `key[i]` as its path.
    func objects<T>(
        _ key: String,
        _ make: (JSONValue, String) throws(ValidationError) -> T
    ) throws(ValidationError) -> [T]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw ValidationError(field: path(key), reason: "must be a list") }
        return try items.enumerated().map { i, item throws(ValidationError) in try make(item, "\(path(key))[\(i)]") }
    }
}
