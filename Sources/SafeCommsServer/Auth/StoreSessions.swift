import Crypto
import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Page sessions, kept in the store. Two things differ from Fluent's own driver:
/// - A session is written only when its data changes (sign-in, a new CSRF token, sign-out), never on
///   a page view that changes nothing. The limits are fixed at sign-in (`SignIn.startSession`) and a
///   view records that the session was used at most once a minute (`SignIn.seenEvery`). Every write
///   goes through `WriteTransaction`.
/// - Only the SHA-256 of a session id is stored, so an id read from a copy of the database does not
///   open a session (the cookie holds the id itself).
struct StoreSessions: SessionDriver {
    /// The data as it was read, to tell whether the request changed it.
    struct ReadKey: StorageKey {
        typealias Value = SessionData
    }

    /// The session as read with its member of staff (see `SessionStaffAuthenticator`).
    struct SignedInKey: StorageKey {
        typealias Value = SignedInSession
    }

    /// The session data's entry that names the member of staff signed in (`ModelSessionAuthenticatable`'s).
    static let staffEntry = "_StaffMemberSession"

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        var bytes = SystemRandomNumberGenerator()
        let id = SessionID(
            string: Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &bytes) }).base64EncodedString()
        )
        let key = Self.key(id)
        return request.eventLoop.makeFutureWithTask {
            try await WriteTransaction.run(on: request.db) { tx in
                try await SessionRecord(key: key, data: data).create(on: tx)
                try await SignedInSession.setStaff(
                    key: key.string,
                    staffID: data[Self.staffEntry].flatMap(UUID.init(uuidString:)),
                    on: tx
                )
            }
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        let key = Self.key(sessionID).string
        return request.eventLoop.makeFutureWithTask {
            guard
                let session = try await SignedInSession.load(
                    key: key,
                    on: request.db,
                    reader: request.application.sqliteReader
                )
            else { return nil }
            let data = SessionData(initialData: session.data)
            request.storage[ReadKey.self] = data
            request.storage[SignedInKey.self] = session
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID>
    {
        if request.storage[ReadKey.self] == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        let key = Self.key(sessionID)
        return request.eventLoop.makeFutureWithTask {
            try await WriteTransaction.run(on: request.db) { tx in
                try await SessionRecord.query(on: tx).filter(\.$key == key).set(\.$data, to: data).update()
                try await SignedInSession.setStaff(
                    key: key.string,
                    staffID: data[Self.staffEntry].flatMap(UUID.init(uuidString:)),
                    on: tx
                )
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
        SessionID(string: Hex.lowercase(SHA256.hash(data: Array(id.string.utf8))))
    }
}

/// Signs in the member of staff a page session names, from the row `StoreSessions` read with the
/// session: no query of its own. Also sets the request's principal (roles, team, teams managed).
/// A session whose member of staff was deactivated, that is past its limit since sign-in, or that
/// was not used within its idle limit is ended (the cookie's max-age alone would leave the
/// server-side session valid). Future-based, as
/// every page passes through it.
struct SessionStaffAuthenticator: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // Without a session cookie there is nobody to sign in, and touching `request.session` would
        // make an empty session that the sessions middleware then stores.
        guard request.hasSession, let id = request.session.authenticated(StaffMember.self) else {
            return next.respond(to: request)
        }
        if let signedIn = request.storage[StoreSessions.SignedInKey.self], let staff = signedIn.staff, staff.id == id {
            signIn(staff, managedTeamIDs: signedIn.managedTeamIDs, request)
            return next.respond(to: request)
        }
        // A session written before its row named its member of staff.
        return StaffMember.find(id, on: request.db).flatMap { staff in
            if let staff { signIn(staff, managedTeamIDs: nil, request) }
            return next.respond(to: request)
        }
    }

    private func signIn(_ staff: StaffMember, managedTeamIDs: Set<UUID>?, _ request: Request) {
        let now = Date().timeIntervalSince1970
        guard staff.active, !SignIn.hasEnded(request.session.data, now: now) else {
            request.session.destroy()
            return
        }
        // Used now: recorded at most once a minute (a change of data is what makes the session be written).
        let seenAt = request.session.data[SignIn.seenAtKey].flatMap(Double.init) ?? 0
        if now - seenAt >= SignIn.seenEvery { request.session.data[SignIn.seenAtKey] = String(Int(now)) }
        request.auth.login(staff)
        if let managedTeamIDs, let id = staff.id {
            request.storage[PrincipalKey.self] = Principal(
                staffID: id,
                organisationID: staff.organisationID,
                roles: staff.roles,
                teamIDs: Set([staff.teamID].compactMap { $0 }),
                managedTeamIDs: managedTeamIDs
            )
        }
    }
}
