import NIOCore
import NIOHTTP1
import SafeCommsCore
import Vapor

/// Every JSON request body goes through `StrictJSONDecoder` (see there for what it refuses and why).
struct StrictJSONContent: ContentDecoder {
    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try StrictJSONDecoder().decode(D.self, from: body.readableBytesView)
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        try decode(D.self, from: body, headers: headers)
    }
}
