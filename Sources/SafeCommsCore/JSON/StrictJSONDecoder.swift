import Foundation

/// Reads a request body into a `Decodable` the way every JSON write of the API is read: snake_case
/// field names, instants as ISO 8601 with a zone (`ISOInstant`, real calendar dates only), and nothing
/// let through that the type did not read.
///
/// Foundation's `JSONDecoder` keeps the last of two fields with the same name and skips fields it was
/// not asked for, so `"signficant": true` was stored as `significant: false` with a 201. Here, after
/// the type has read what it knows, any field it did not ask for is refused by its path, as is a field
/// given twice and a string holding a NUL character. Wrong types and missing fields are
/// `DecodingError`s, as from Foundation; the others are `ValidationError`s naming the field.
public struct StrictJSONDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            // A body that is not JSON at all is a bad request (400), as from Foundation's decoder.
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: "not JSON",
                    underlyingError: ValidationError(
                        field: "body",
                        reason: "is not valid JSON (\(error.position): \(error.reason))"
                    )
                )
            )
        }
        return try decode(type, from: value)
    }

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let reads = Reads()
        let result = try JSONValueReader(value: value, codingPath: [], reads: reads).decodeValue(T.self)
        try reads.refuseUnread()
        return result
    }
}

/// The fields of each object that the type asked for, to find those it did not.
final class Reads {
    struct Object {
        var path: String
        var keys: [String]
        var asked: Set<String>
    }
    var objects: [String: Object] = [:]

    func refuseUnread() throws(ValidationError) {
        for o in objects.values.sorted(by: { $0.path < $1.path }) {
            guard let unread = o.keys.first(where: { !o.asked.contains($0) }) else { continue }
            let field = o.path.isEmpty ? unread : o.path + "." + unread
            let known = o.asked.sorted().joined(separator: ", ")
            throw ValidationError(
                field: field,
                reason: known.isEmpty ? "unknown field" : "unknown field; expected one of: \(known)"
            )
        }
    }
}

/// A list item's place, in a coding path.
struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init?(stringValue: String) { nil }
    init(intValue: Int) { (self.stringValue, self.intValue) = ("\(intValue)", intValue) }
}

extension String {
    /// `occurredAt` → `occurred_at`: the API's field names from its types' property names.
    public var snakeCased: String {
        var out = ""
        for ch in self {
            if ch.isUppercase {
                out.append("_")
                out.append(contentsOf: ch.lowercased())
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// A client's path for error messages: `people[2].date_of_birth`.
func jsonPath(_ keys: [any CodingKey]) -> String {
    keys.map { k in k.intValue.map { "[\($0)]" } ?? k.stringValue.snakeCased }
        .reduce("") { acc, part in part.hasPrefix("[") || acc.isEmpty ? acc + part : acc + "." + part }
}

struct JSONValueReader: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let reads: Reads
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: Any].self) }
        let path = jsonPath(codingPath)
        var byName: [String: JSONValue] = [:]
        for m in members {
            guard byName.updateValue(m.value, forKey: m.key) == nil else {
                throw ValidationError(
                    field: path.isEmpty ? m.key : path + "." + m.key,
                    reason: "is given more than once"
                )
            }
        }
        if reads.objects[path] == nil { reads.objects[path] = .init(path: path, keys: members.map(\.key), asked: []) }
        return KeyedDecodingContainer(Keyed<Key>(reader: self, byName: byName, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch([Any].self) }
        return Unkeyed(reader: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(reader: self) }

    func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), found \(value.kind)"))
    }

    func child(_ value: JSONValue, _ key: any CodingKey) -> JSONValueReader {
        JSONValueReader(value: value, codingPath: codingPath + [key], reads: reads)
    }

    /// Values with a meaning of their own in the API (instants, ids) and then everything else.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            guard case .string(let text) = value else { throw mismatch(String.self) }
            do {
                return try ISOInstant.parse(text, field: jsonPath(codingPath)) as! T
            } catch {
                // A value of the wrong shape, as a wrong type is: 400, naming the field.
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath, debugDescription: error.reason, underlyingError: error)
                )
            }
        }
        if T.self == Data.self {
            // Bytes travel as base64 text, as Foundation's decoder reads them (a file sent as JSON).
            guard case .string(let text) = value else { throw mismatch(String.self) }
            guard let data = Data(base64Encoded: text) else {
                throw ValidationError(field: jsonPath(codingPath), reason: "is not base64")
            }
            return data as! T
        }
        if T.self == UUID.self {
            guard case .string(let text) = value else { throw mismatch(String.self) }
            guard let id = UUID(uuidString: text) else {
                throw ValidationError(field: jsonPath(codingPath), reason: "'\(text)' is not an id (a UUID)")
            }
            return id as! T
        }
        return try T(from: self)
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw mismatch(String.self) }
        guard !s.utf8.contains(0) else {
            throw ValidationError(
                field: jsonPath(codingPath),
                reason: "contains a NUL character, which text may not hold"
            )
        }
        return s
    }

    func number<N: LosslessStringConvertible>(_ type: N.Type) throws -> N {
        guard case .number(let text) = value else { throw mismatch(N.self) }
        guard let n = N(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath,
                    debugDescription: "\(text) is not \(N.self == Double.self ? "a number" : "a whole number in range")"
                )
            )
        }
        return n
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let reader: JSONValueReader
        let byName: [String: JSONValue]
        let path: String
        var codingPath: [any CodingKey] { reader.codingPath }
        /// A type that lists the keys itself (`Fields`) answers for every one of them.
        var allKeys: [Key] {
            reader.reads.objects[path]?.asked.formUnion(byName.keys)
            return byName.keys.compactMap { name in Key(stringValue: name) ?? Key(stringValue: camel(name)) }
        }

        /// The field name in the body for a key: `occurredAt` is sent as `occurred_at`; a key that is
        /// already snake_case (a hand-written `CodingKey`) is sent as it is.
        func name(_ key: Key) -> String {
            let snake = key.stringValue.snakeCased
            let chosen = byName[snake] != nil || byName[key.stringValue] == nil ? snake : key.stringValue
            reader.reads.objects[path]?.asked.insert(chosen)
            return chosen
        }

        func camel(_ name: String) -> String {
            var out = "", upper = false
            for ch in name {
                if ch == "_" {
                    upper = true
                    continue
                }
                out.append(upper ? Character(ch.uppercased()) : ch)
                upper = false
            }
            return out
        }

        func contains(_ key: Key) -> Bool { byName[name(key)] != nil }

        func value(_ key: Key) throws -> JSONValue {
            guard let v = byName[name(key)] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
            }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool { (byName[name(key)] ?? .null) == .null }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let v = try value(key)
            if v == .null {
                throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "null"))
            }
            return try reader.child(v, key).decodeValue(type)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let v = byName[name(key)], v != .null else { return nil }
            return try reader.child(v, key).decodeValue(type)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type,
            forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try reader.child(try value(key), key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try reader.child(try value(key), key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { reader }
        func superDecoder(forKey key: Key) throws -> any Decoder { reader.child(byName[name(key)] ?? .null, key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let reader: JSONValueReader
        let items: [JSONValue]
        var currentIndex = 0
        var codingPath: [any CodingKey] { reader.codingPath }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> JSONValueReader {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    Any.self,
                    .init(
                        codingPath: codingPath + [IndexKey(intValue: currentIndex)],
                        debugDescription: "the list ends"
                    )
                )
            }
            defer { currentIndex += 1 }
            return reader.child(items[currentIndex], IndexKey(intValue: currentIndex))
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let r = try next()
            if r.value == .null {
                throw DecodingError.valueNotFound(type, .init(codingPath: r.codingPath, debugDescription: "null"))
            }
            return try r.decodeValue(type)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let reader: JSONValueReader
        var codingPath: [any CodingKey] { reader.codingPath }

        func decodeNil() -> Bool { reader.value == .null }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let b) = reader.value else { throw reader.mismatch(Bool.self) }
            return b
        }

        func decode(_ type: String.Type) throws -> String { try reader.string() }
        func decode(_ type: Double.Type) throws -> Double { try reader.number(Double.self) }
        func decode(_ type: Float.Type) throws -> Float { try reader.number(Float.self) }
        func decode(_ type: Int.Type) throws -> Int { try reader.number(Int.self) }
        func decode(_ type: Int8.Type) throws -> Int8 { try reader.number(Int8.self) }
        func decode(_ type: Int16.Type) throws -> Int16 { try reader.number(Int16.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try reader.number(Int32.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { try reader.number(Int64.self) }
        func decode(_ type: UInt.Type) throws -> UInt { try reader.number(UInt.self) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.number(UInt8.self) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.number(UInt16.self) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.number(UInt32.self) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.number(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(type) }
    }
}
