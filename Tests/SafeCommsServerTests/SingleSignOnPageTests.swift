import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// Sign-in through the council's identity provider, against oidc-provider-mock on loopback: a known
/// member of staff gets a session (and is not asked for SafeComms' second factor); an unknown claim, a
/// wrong state, a replayed nonce, an expired or wrongly signed ID token, and a provider that says no
/// are each refused with a page that says why, and no session.
@Suite(.enabled(if: AiosmtpdRelay.python != nil, "needs a Python with oidc-provider-mock (SAFECOMMS_TEST_PYTHON)"))
struct SingleSignOnPageTests {
    static func settings(_ mock: OIDCMock, organisation: UUID) -> OIDCSettings {
        OIDCSettings(
            issuer: mock.issuer,
            clientID: "safecomms",
            clientSecret: "a client secret",
            name: "your Northbridge account",
            organisationID: organisation,
            redirectURI: "http://127.0.0.1:8080/auth/oidc/callback"
        )
    }

    /// A test application whose organisation signs in through `mock`, the second factor required.
    static func withProvider(
        _ backend: Backend,
        tokenSeconds: Int = 300,
        forgedKeys: Bool = false,
        _ body: (Application, World, OIDCMock) async throws -> Void
    ) async throws {
        let mock = try OIDCMock(tokenSeconds: tokenSeconds, forgedKeys: forgedKeys)
        defer { mock.stop() }
        try await withTestApp(
            backend,
            config: {
                // Configured with an organisation to come: the provider is North's once the world is made.
                $0.oidc = settings(mock, organisation: UUID())
                $0.requireSecondFactor = true
                // Tests run the provider's rounds themselves (`ProviderCheck.run`).
                $0.providerChecks = false
            }
        ) { app in
            // The test plays the browser: the provider's redirect back is read, not followed.
            app.http.client.configuration.redirectConfiguration = .disallow
            let world = try await World.make(app)
            app.oidcProvider = OIDCProvider(
                settings: settings(mock, organisation: world.north.id),
                client: { [weak app] in app?.client }
            )
            try await body(app, world, mock)
        }
    }

    /// Starts signing in: the provider's authorize address the browser is sent to.
    static func start(_ browser: PageSession) async throws -> String {
        let res = try await browser.get("/auth/oidc/start")
        #expect(res.status == .seeOther)
        return try #require(res.headers.first(name: .location))
    }

    /// The provider's answer when `subject` signs in there (or refuses): the callback's path and query.
    static func authorize(
        _ app: Application,
        _ location: String,
        as subject: String,
        deny: Bool = false
    )
        async throws -> String
    {
        let form =
            deny ? "action=deny" : "sub=" + (subject.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let answer = try await app.client.post(
            URI(string: location),
            headers: ["Content-Type": "application/x-www-form-urlencoded"]
        ) { req in
            req.body = ByteBuffer(string: form)
        }
        #expect(answer.status == .found)
        let location = try #require(answer.headers.first(name: .location))
        let back = try #require(URLComponents(string: location))
        #expect(back.path == "/auth/oidc/callback")
        return back.path + "?" + (back.percentEncodedQuery ?? "")
    }

    /// `callback` with one query parameter's value replaced.
    static func replacing(_ name: String, in callback: String, with value: String) throws -> String {
        var c = try #require(URLComponents(string: callback))
        c.queryItems = c.queryItems?.map { $0.name == name ? URLQueryItem(name: name, value: value) : $0 }
        return c.path + "?" + (c.percentEncodedQuery ?? "")
    }

    static func parameter(_ name: String, of url: String) throws -> String {
        try #require(URLComponents(string: url)?.queryItems?.first { $0.name == name }?.value)
    }

    static func refused(_ res: TestingHTTPResponse, saying words: String, _ browser: PageSession) async throws {
        #expect(res.status == .unauthorized, "\(res.status)")
        #expect(res.body.string.contains("You are not signed in") && res.body.string.contains(words), "\(words)")
        #expect(try await browser.get("/cases").headers.first(name: .location) == "/login", "no session")
    }

    @Test(arguments: Backend.available)
    func aKnownMemberOfStaffSignsInThroughTheProvider(backend: Backend) async throws {
        try await Self.withProvider(backend) { app, world, _ in
            #expect(
                try await PageSession(app).get("/login").body.string.contains("Sign in with your Northbridge account")
            )
            let me = world.north.staff["practitioner"]!
            let browser = PageSession(app)
            let back = try await Self.authorize(app, try await Self.start(browser), as: me.email)
            let done = try await browser.get(back)
            // Signed in (no second factor asked: the provider enforces its own), the policy first (WNL-5.2).
            #expect(done.status == .seeOther && done.headers.first(name: .location) == "/policies?first=1")
            #expect(try await browser.get("/cases").status == .ok)
            let routes = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").all()
                .compactMap(\.detail)
            #expect(routes == ["identity provider"])

            // The same answer again, from this browser's history or another browser: refused.
            let stranger = PageSession(app)
            try await Self.refused(try await stranger.get(back), saying: "already been used", stranger)

            // Eight people at once (the team at nine o'clock): each signed in once, as themself.
            let people = ["practitioner", "practitionerB", "manager", "dsl", "auditor", "admin", "business_support"]
            let team = (people + ["practitioner"]).map { world.north.staff[$0]! }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for who in team {
                    group.addTask {
                        let b = PageSession(app)
                        let answer = try await b.get(
                            try await Self.authorize(app, try await Self.start(b), as: who.email)
                        )
                        #expect(answer.status == .seeOther, "\(who.email)")
                        #expect(try await b.get("/account").status == .ok, "\(who.email)")
                    }
                }
                try await group.waitForAll()
            }
            let signedIn = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").all()
            #expect(signedIn.count == 1 + team.count)
            #expect(Set(signedIn.compactMap(\.actorID)) == Set(team.map(\.id) + [me.id]))
        }
    }

    @Test(arguments: Backend.available)
    func badAnswersAreRefusedWithAPageAndNoSession(backend: Backend) async throws {
        try await Self.withProvider(backend) { app, world, _ in
            let me = world.north.staff["practitioner"]!
            // Someone the provider knows and SafeComms does not: nobody is made on the fly.
            let unknown = PageSession(app)
            let theirs = try await Self.authorize(app, try await Self.start(unknown), as: "nobody@elsewhere.example")
            try await Self.refused(
                try await unknown.get(theirs),
                saying: "no one in SafeComms signs in with that",
                unknown
            )
            #expect(try await StaffMember.query(on: app.db).filter(\.$email == "nobody@elsewhere.example").count() == 0)

            // A state this browser was not given.
            let tampered = PageSession(app)
            let answer = try await Self.authorize(app, try await Self.start(tampered), as: me.email)
            try await Self.refused(
                try await tampered.get(try Self.replacing("state", in: answer, with: PKCE.randomToken())),
                saying: "not started in this browser",
                tampered
            )

            // A replayed nonce: the code of a sign-in started in one browser, answered to another's state.
            let victim = PageSession(app), attacker = PageSession(app)
            let victimsAnswer = try await Self.authorize(app, try await Self.start(victim), as: me.email)
            let attackersState = try Self.parameter("state", of: try await Self.start(attacker))
            try await Self.refused(
                try await attacker.get(try Self.replacing("state", in: victimsAnswer, with: attackersState)),
                saying: "did not answer the one started in this browser",
                attacker
            )

            // The person says no at the provider (its answer carries no state).
            let cancelled = PageSession(app)
            let no = try await Self.authorize(app, try await Self.start(cancelled), as: me.email, deny: true)
            try await Self.refused(try await cancelled.get(no), saying: "did not sign you in", cancelled)

            // A deactivated member of staff (a leaver).
            let leaver = world.north.staff["manager"]!
            let row = try #require(try await StaffMember.find(leaver.id, on: app.db))
            row.active = false
            try await row.save(on: app.db)
            let gone = PageSession(app)
            let leaversAnswer = try await Self.authorize(app, try await Self.start(gone), as: leaver.email)
            try await Self.refused(
                try await gone.get(leaversAnswer),
                saying: "no one in SafeComms signs in with that",
                gone
            )

            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.failed").count() == 5)
            // An answer to no sign-in started in the browser asking is refused, and not audited: anyone
            // can ask for the address, and the audit trail is not theirs to fill.
            let anyone = PageSession(app)
            try await Self.refused(
                try await anyone.get("/auth/oidc/callback?error=access_denied"),
                saying: "did not sign you in",
                anyone
            )
            try await Self.refused(
                try await anyone.get("/auth/oidc/callback?code=x&state=y"),
                saying: "not started in this browser",
                anyone
            )
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.failed").count() == 5)
        }
    }

    @Test(arguments: Backend.available)
    func expiredAndWronglySignedTokensAreRefused(backend: Backend) async throws {
        try await Self.withProvider(backend, tokenSeconds: -120) { app, world, _ in
            let browser = PageSession(app)
            let answer = try await Self.authorize(
                app,
                try await Self.start(browser),
                as: world.north.staff["dsl"]!.email
            )
            try await Self.refused(try await browser.get(answer), saying: "had expired", browser)
        }
        try await Self.withProvider(backend, forgedKeys: true) { app, world, _ in
            let browser = PageSession(app)
            let answer = try await Self.authorize(
                app,
                try await Self.start(browser),
                as: world.north.staff["dsl"]!.email
            )
            try await Self.refused(
                try await browser.get(answer),
                saying: "not signed by the identity provider",
                browser
            )
        }
    }

    /// A leaver: the council disables their account at the provider, which then refuses their refresh
    /// token. At the next round every session and API token of theirs ends, whoever else stays signed
    /// in; two servers' rounds at once end them once.
    @Test(arguments: Backend.available)
    func someoneTheProviderNoLongerAcceptsLosesEverySessionAndToken(backend: Backend) async throws {
        try await Self.withProvider(backend) { app, world, mock in
            let provider = try #require(app.oidcProvider)
            let leaver = world.north.staff["practitioner"]!, colleague = world.north.staff["manager"]!
            func signIn(_ who: (id: UUID, token: String, email: String)) async throws -> PageSession {
                let b = PageSession(app)
                #expect(
                    try await b.get(try await Self.authorize(app, try await Self.start(b), as: who.email)).status
                        == .seeOther
                )
                return b
            }
            let office = try await signIn(leaver), laptop = try await signIn(leaver)
            let colleagues = try await signIn(colleague)
            let later = Date().addingTimeInterval(provider.settings.checkEvery + 1)

            // Still accepted: a round ends nothing.
            #expect(try await ProviderCheck.run(app, provider: provider, now: later) == 0)
            #expect(try await office.get("/cases").status == .ok)

            // The council disables the account: the provider ends its grants.
            let sub = leaver.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let revoked = try await app.client.post(URI(string: mock.issuer + "/users/\(sub)/revoke-tokens"))
            #expect(revoked.status == .noContent)
            // A round before the interval has passed asks nothing.
            #expect(try await ProviderCheck.run(app, provider: provider, now: later) == 0)
            #expect(try await office.get("/cases").status == .ok)

            let twoServers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await ProviderCheck.run(
                            app,
                            provider: provider,
                            now: later.addingTimeInterval(provider.settings.checkEvery + 1)
                        )
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(twoServers == 1)
            for browser in [office, laptop] {
                #expect(try await browser.get("/cases").headers.first(name: .location) == "/login")
            }
            #expect(try await app.send(.GET, "/api/v1/cases", token: leaver.token).status == .unauthorized)
            // A SafeComms password does not let the leaver back in either.
            let password = PageSession(app)
            let refused = try await password.signIn(leaver.email)
            #expect(refused.status == .unauthorized)
            #expect(refused.body.string.contains("no longer accepts your account"))
            #expect(try await password.get("/cases").headers.first(name: .location) == "/login")
            // Nobody else's.
            #expect(try await colleagues.get("/cases").status == .ok)
            #expect(try await app.send(.GET, "/api/v1/cases", token: colleague.token).status == .ok)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.provider_refused").all()
            #expect(events.count == 1)
            #expect(events.first?.entityID == leaver.id.uuidString && events.first?.organisationID == world.north.id)
            #expect(events.first?.detail == "every session ended and 1 API token revoked")
            // Their administrator sees why on the account's page.
            let admin = PageSession(app)
            #expect(try await admin.signIn(world.north.staff["admin"]!.email).status == .seeOther)
            #expect(
                try await admin.get("/admin/staff/\(leaver.id.uuidString)").body.string
                    .contains("identity provider refused this account")
            )
            #expect(
                try await admin.get("/admin/staff/\(colleague.id.uuidString)").body.string
                    .contains("last asked whether it still accepts them")
            )

            // Refused in error (the provider's own sign-in had merely run out): signing in through it
            // again lifts the refusal, and the password signs in again.
            _ = try await signIn(leaver)
            #expect(try await PageSession(app).signIn(leaver.email).status == .seeOther)
        }
    }

    /// A provider kept for one organisation signs in nobody of another.
    @Test func aProviderForOneOrganisationSignsInNobodyOfAnother() async throws {
        let mock = try OIDCMock()
        defer { mock.stop() }
        try await withTestApp(.sqlite, config: { $0.oidc = Self.settings(mock, organisation: UUID()) }) { app in
            app.http.client.configuration.redirectConfiguration = .disallow
            let world = try await World.make(app)
            app.oidcProvider = OIDCProvider(
                settings: Self.settings(mock, organisation: world.north.id),
                client: { [weak app] in app?.client }
            )
            let south = PageSession(app)
            let answer = try await Self.authorize(app, try await Self.start(south), as: world.south.staff["dsl"]!.email)
            try await Self.refused(try await south.get(answer), saying: "no one in SafeComms signs in with that", south)
            let north = PageSession(app)
            let ours = try await Self.authorize(app, try await Self.start(north), as: world.north.staff["dsl"]!.email)
            #expect(try await north.get(ours).status == .seeOther)
            #expect(try await north.get("/cases").status == .ok)
        }
    }

    @Test func theSettingsSayWhatIsMissing() {
        let base = ["SAFECOMMS_OIDC_ISSUER": "https://login.example/tenant/v2.0"]
        #expect(ServerConfig.fromEnvironment([:]).oidc == nil)
        #expect(ServerConfig.fromEnvironment(base).oidcProblem?.contains("SAFECOMMS_OIDC_CLIENT_ID") == true)
        let noSecret = base.merging(["SAFECOMMS_OIDC_CLIENT_ID": "safecomms"]) { _, b in b }
        #expect(ServerConfig.fromEnvironment(noSecret).oidcProblem?.contains("SAFECOMMS_OIDC_CLIENT_SECRET") == true)
        let noOrganisation = noSecret.merging(
            ["SAFECOMMS_OIDC_CLIENT_SECRET": "s", "SAFECOMMS_PUBLIC_URL": "https://safecomms.example.gov.uk/"]
        ) { _, b in b }
        // Whose staff it signs in must be said: never whichever organisation a claim happens to match.
        #expect(
            ServerConfig.fromEnvironment(noOrganisation).oidcProblem?.contains("SAFECOMMS_OIDC_ORGANISATION") == true
        )
        let organisation = UUID()
        let full = noOrganisation.merging(["SAFECOMMS_OIDC_ORGANISATION": organisation.uuidString]) { _, b in b }
        let settings = ServerConfig.fromEnvironment(full).oidc
        #expect(settings?.redirectURI == "https://safecomms.example.gov.uk/auth/oidc/callback")
        #expect(settings?.claim == "email" && settings?.organisationID == organisation)
        let badOrganisation = full.merging(["SAFECOMMS_OIDC_ORGANISATION": "north"]) { _, b in b }
        #expect(ServerConfig.fromEnvironment(badOrganisation).oidcProblem?.contains("organisation's id") == true)
        #expect(settings?.checkEvery == 300)
        let hourly = full.merging(["SAFECOMMS_OIDC_CHECK_MINUTES": "60"]) { _, b in b }
        #expect(ServerConfig.fromEnvironment(hourly).oidc?.checkEvery == 3600)
        let never = full.merging(["SAFECOMMS_OIDC_CHECK_MINUTES": "0"]) { _, b in b }
        #expect(ServerConfig.fromEnvironment(never).oidcProblem?.contains("SAFECOMMS_OIDC_CHECK_MINUTES") == true)
    }
}
