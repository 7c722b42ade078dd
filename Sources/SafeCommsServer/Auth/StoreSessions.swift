import Crypto
import Fluent
import Foundation
import SafeCommsStore
import Vapor

/// Page sessions, kept in the store. Two things differ from Fluent's own driver:
/// - A session is written only when its data changes (sign-in, a new CSRF token, sign-out), never on
///   a page view that changes nothing. The lifetime is fixed at sign-in (`SignIn.sessionLifetime`),
///   so there is no expiry to refresh. Every write goes through `WriteTransaction`.
/// - Only the SHA-256 of a session id is stored, so an id read from a copy of the database does not
///   open a session (the cookie holds the id itself).
struct StoreSessions: SessionDriver {
    /// The data as it was read, to tell whether the request changed it.
    struct ReadKey: StorageKey {
        typealias Value = SessionData
    }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        var bytes = SystemRandomNumberGenerator()
        let id = SessionID(string: Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &bytes) }).base64EncodedString())
        let key = Self.key(id)
        return request.eventLoop.makeFutureWithTask {
            try await WriteTransaction.run(on: request.db) { tx in
                try await SessionRecord(key: key, data: data).create(on: tx)
            }
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        SessionRecord.query(on: request.db).filter(\.$key == Self.key(sessionID)).first().map { record in
            if let data = record?.data { request.storage[ReadKey.self] = data }
            return record?.data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if request.storage[ReadKey.self] == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        let key = Self.key(sessionID)
        return request.eventLoop.makeFutureWithTask {
            try await WriteTransaction.run(on: request.db) { tx in
                try await SessionRecord.query(on: tx).filter(\.$key == key).set(\.$data, to: data).update()
            }
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        let key = Self.key(sessionID)
        return request.eventLoop.makeFutureWithTask {
            try await WriteTransaction.run(on: request.db) { tx in
                try await SessionRecord.query(on: tx).filter(\.$key == key).delete()
            }
        }
    }

    /// What the store keeps for a session id: its SHA-256, in hex.
    static func key(_ id: SessionID) -> SessionID {
        SessionID(string: SHA256.hash(data: Array(id.string.utf8)).map { String(format: "%02x", $0) }.joined())
    }
}
