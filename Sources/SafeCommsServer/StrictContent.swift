import NIOCore
import NIOHTTP1
import SafeCommsCore
import Vapor

/// Every JSON request body goes through `StrictJSONDecoder` (see there for what it refuses and why).
struct StrictJSONContent: ContentDecoder {
    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try StrictJSONDecoder().decode(D.self, from: body.readableBytesView)
    }

    func decode<D: Decodable>(
        _ decodable: D.Type,
        from body: ByteBuffer,
        headers: HTTPHeaders,
        userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> D {
        try decode(D.self, from: body, headers: headers)
    }
}

/// Every page form (`application/x-www-form-urlencoded`) is checked before Vapor's decoder reads it:
/// a value holding a NUL character, or bytes that are not UTF-8, is refused naming its field, as in
/// JSON (Vapor's decoder would otherwise store the NUL, or repair the bytes without saying so).
struct StrictFormContent: ContentDecoder {
    let base = URLEncodedFormDecoder()

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(D.self, from: body, headers: headers, userInfo: [:])
    }

    /// `userInfo` is passed on: Vapor's `content.get(_:at:)` (the CSRF check) finds its path there.
    func decode<D: Decodable>(
        _ decodable: D.Type,
        from body: ByteBuffer,
        headers: HTTPHeaders,
        userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> D {
        for pair in body.readableBytesView.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = Self.decoded(parts[0]).flatMap { String(validating: $0, as: UTF8.self) } ?? "form"
            guard let value = Self.decoded(parts[1]), String(validating: value, as: UTF8.self) != nil else {
                throw ValidationError(field: name, reason: "is not text (it must be UTF-8)")
            }
            if value.contains(0) {
                throw ValidationError(field: name, reason: "contains a NUL character, which text may not hold")
            }
        }
        return try base.decode(D.self, from: body, headers: headers, userInfo: userInfo)
    }

    /// One field of a form body, read without judging the others (the CSRF check reads its token
    /// before the form's own problems are named).
    static func field(_ name: String, in body: ByteBuffer) -> String? {
        for pair in body.readableBytesView.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, decoded(parts[0]) == Array(name.utf8), let value = decoded(parts[1]) else {
                continue
            }
            return String(validating: value, as: UTF8.self)
        }
        return nil
    }

    /// A form value's bytes with `+` and `%XX` decoded, or nil when an escape is broken.
    static func decoded(_ raw: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: b - 48
            case 65...70: b - 55
            case 97...102: b - 87
            default: nil
            }
        }
        while i != raw.endIndex {
            let b = raw[i]
            if b == UInt8(ascii: "%") {
                let h = raw.index(after: i)
                guard h != raw.endIndex, raw.index(after: h) != raw.endIndex, let hi = hex(raw[h]),
                    let lo = hex(raw[raw.index(after: h)])
                else { return nil }
                out.append(hi << 4 | lo)
                i = raw.index(h, offsetBy: 2)
                continue
            }
            out.append(b == UInt8(ascii: "+") ? 0x20 : b)
            i = raw.index(after: i)
        }
        return out
    }
}
