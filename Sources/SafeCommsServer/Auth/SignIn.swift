import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Password sign-in with throttling, shared by the sign-in page and anything else that signs in.
enum SignIn {
    enum Failure: Error {
        case wrongCredentials
        case throttled(retryAfter: Int)
        /// The council's identity provider no longer accepts the person (`ProviderGrants`): a leaver's
        /// SafeComms password does not let them back in.
        case providerRefused
    }

    /// The longest any page session may last, whatever an organisation sets (the cookie's max-age).
    static let longestSession: TimeInterval = 24 * 3600
    /// A session's data: when it began, when it was last used, and the organisation's limits when it
    /// began (`OrganisationSettings.sessionIdle`, `.sessionLimit`), so a page view needs no settings.
    static let signedInAtKey = "signed_in_at", seenAtKey = "seen_at"
    static let idleMinutesKey = "idle_minutes", limitHoursKey = "limit_hours"
    /// A page view records that the session was used at most this often, so reading pages does not
    /// write the session row each time: the idle limit is kept to within this much.
    static let seenEvery: TimeInterval = 60

    /// Starts the signed-in session's clock with the organisation's limits.
    static func startSession(_ req: Request, settings: OrganisationSettings, now: Date = Date()) {
        let t = String(Int(now.timeIntervalSince1970))
        req.session.data[signedInAtKey] = t
        req.session.data[seenAtKey] = t
        req.session.data[idleMinutesKey] = String(settings.sessionIdle)
        req.session.data[limitHoursKey] = String(settings.sessionLimit)
    }

    /// Whether a session with this data has run out at `now`: past its limit since sign-in, or unused
    /// for longer than its idle limit. Sessions from before the limits were kept get the defaults.
    static func hasEnded(_ data: SessionData, now: TimeInterval) -> Bool {
        let signedInAt = data[signedInAtKey].flatMap(Double.init) ?? 0
        let seenAt = data[seenAtKey].flatMap(Double.init) ?? signedInAt
        let idle = (data[idleMinutesKey].flatMap(Double.init) ?? Double(OrganisationSettings.standard.sessionIdle)) * 60
        let limit =
            (data[limitHoursKey].flatMap(Double.init) ?? Double(OrganisationSettings.standard.sessionLimit)) * 3600
        return now - signedInAt > min(limit, longestSession) || now - seenAt > idle
    }

    /// - Throws: `Failure` for a wrong or throttled attempt; other errors when the store fails.
    static func attempt(email: String, password: String, on req: Request) async throws -> StaffMember {
        let throttle = req.application.loginThrottle
        let emailKey = "email:" + email.lowercased(), addressKey = "ip:" + req.clientAddress
        if let wait = await throttle.retryAfter(keys: [emailKey, addressKey]) {
            throw Failure.throttled(retryAfter: wait)
        }
        // Counted before the slow check, so a burst of parallel guesses cannot all slip under the limit.
        await throttle.fail(keys: [emailKey, addressKey])
        let staff = try await StaffMember.query(on: req.db).filter(\.$email == email.lowercased()).first()
        // An unknown account is checked against a hash of the same cost, so timing does not reveal which
        // e-mails exist. A password longer than bcrypt reads cannot be anyone's (`PasswordRules`): it is
        // checked against that hash too, and fails, so its first 72 bytes alone never sign anyone in.
        let tooLong = password.utf8.count > PasswordRules.maximumBytes
        let hash =
            tooLong ? req.application.dummyPasswordHash : staff?.passwordHash ?? req.application.dummyPasswordHash
        let matches = (try? await req.password.async.verify(password, created: hash)) ?? false
        let ok = matches && !tooLong
        guard ok, let staff, staff.active else {
            try await req.application.auditBatcher.record(
                AuditEntry(action: .signInFailed, entity: "session"),
                req.application.auditContext(organisationID: staff?.organisationID, source: req.clientAddress)
            )
            throw Failure.wrongCredentials
        }
        if try await ProviderGrants.isRefused(try staff.requireID(), on: req.db) {
            try await req.application.auditBatcher.record(
                AuditEntry(action: .signInFailed, entity: "session", detail: "password: the identity provider refused"),
                req.application.auditContext(organisationID: staff.organisationID, source: req.clientAddress)
            )
            throw Failure.providerRefused
        }
        // Signing in to one's own account must not reset the count of an address guessing at others.
        await throttle.succeed(account: emailKey, address: addressKey)
        return staff
    }

    /// Records a sign-in and how it was made ("password", "password and authenticator").
    static func recordSignedIn(_ staff: StaffMember, route: String, on req: Request) async throws {
        try await req.application.auditBatcher.record(
            AuditEntry(action: .signedIn, entity: "session", detail: route),
            req.application.auditContext(
                organisationID: staff.organisationID,
                actorID: staff.id,
                source: req.clientAddress
            )
        )
    }

    /// A session half-way through signing in: the password was right, the second factor is still to
    /// come. It names the member of staff and when the password was given, and lasts `pendingFor` to
    /// give a code, or `settingUpFor` to set up an authenticator (time to install an app).
    static let pendingStaffKey = "pending_staff", pendingAtKey = "pending_at"
    static let pendingFor: TimeInterval = 5 * 60, settingUpFor: TimeInterval = 20 * 60

    /// Where a person whose password was right goes next: their authenticator's code, setting one up
    /// (when this server requires one of them and they have none yet), or nowhere (signed in now).
    static func secondFactorStep(for staff: StaffMember, on req: Request) async throws -> String? {
        switch try await SecondFactors.state(of: try staff.requireID(), on: req.db) {
        case .enrolled: return "/login/code"
        case .none, .settingUp:
            let required =
                req.application.safeCommsConfig.requireSecondFactor && SecondFactorRule.required(for: staff.roles)
            return required ? "/login/authenticator" : nil
        }
    }

    /// Holds the session at the second factor for `staff`, under a new session id.
    static func awaitSecondFactor(_ staff: StaffMember, on req: Request, now: Date = Date()) async throws {
        try await renewSessionID(req)
        req.session.data[pendingStaffKey] = try staff.requireID().uuidString
        req.session.data[pendingAtKey] = String(Int(now.timeIntervalSince1970))
    }

    /// The member of staff this session is signing in, while the password given is recent enough.
    static func pendingStaff(
        _ req: Request,
        within window: TimeInterval = pendingFor,
        now: Date = Date()
    ) async throws -> StaffMember? {
        guard req.hasSession, let id = req.session.data[pendingStaffKey].flatMap(UUID.init(uuidString:)),
            let at = req.session.data[pendingAtKey].flatMap(Double.init),
            now.timeIntervalSince1970 - at < window
        else { return nil }
        guard let staff = try await StaffMember.find(id, on: req.db), staff.active else { return nil }
        return staff
    }

    /// A new session id (and so a new CSRF token), so a session cookie planted before sign-in is worthless.
    static func renewSessionID(_ req: Request) async throws {
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.session.data[CSRF.field] = nil
    }

    /// Signs `staff` in to this session (a new id, the organisation's limits) and says where they go
    /// first: the policies when one is waiting for them to read, else their home.
    static func finish(_ staff: StaffMember, on req: Request) async throws -> String {
        try await renewSessionID(req)
        req.session.data[pendingStaffKey] = nil
        req.session.data[pendingAtKey] = nil
        startSession(
            req,
            settings: try await req.application.organisationSettings.settings(for: staff.organisationID, on: req.db)
        )
        req.auth.login(staff)
        req.session.authenticate(staff)
        // Someone who writes to children and families reads the policy before anything else, and is
        // asked again when a pack changes (a new version).
        if !staff.roles.isDisjoint(with: [.practitioner, .manager, .dsl]) {
            let p = try await req.principal()
            if try await !PolicyAcknowledgements.outstanding(
                for: p.staffID,
                of: p.organisationID,
                packs: try await PolicyController.packs(req, p),
                on: req.db
            ).isEmpty {
                return "/policies?first=1"
            }
        }
        return "/"
    }
}

struct DummyPasswordHashKey: StorageKey {
    typealias Value = String
}

extension Application {
    var dummyPasswordHash: String { storage[DummyPasswordHashKey.self] ?? "" }
}
