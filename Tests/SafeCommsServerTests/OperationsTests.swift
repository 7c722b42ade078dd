import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

@Suite struct OperationsTests {
    @Test(arguments: Backend.available)
    func healthReadinessAndMetrics(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            #expect(try await app.send(.GET, "/healthz", token: nil).text == "ok")
            #expect(try await app.send(.GET, "/readyz", token: nil).status == .ok)
            _ = try await app.send(.GET, "/api/v1/cases", token: world.north.token("dsl"))
            let metrics = try await app.send(.GET, "/metrics", token: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("http_requests_total"))
            // No personal data or case ids in metrics.
            #expect(!metrics.text.contains(world.north.caseA.uuidString))
            let headers = try await app.send(.GET, "/api/v1/me", token: world.north.token("dsl")).headers
            #expect(headers.first(name: .cacheControl) == "no-store")
            #expect(headers.first(name: "X-Frame-Options") == "DENY")
        }
    }

    @Test(arguments: Backend.available)
    func revokedTokenAndDeactivatedStaffAreRefused(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let token = world.north.token("practitioner")
            #expect(try await app.send(.GET, "/api/v1/me", token: token).status == .ok)
            let staff = try #require(try await StaffMember.find(world.north.id("practitioner"), on: app.db))
            staff.active = false
            try await staff.save(on: app.db)
            #expect(try await app.send(.GET, "/api/v1/me", token: token).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/v1/me", token: "sc_not_a_token").status == .unauthorized)
            let dsl = try #require(
                try await APIToken.query(on: app.db).filter(\.$staffID == world.north.id("dsl")).first()
            )
            dsl.revokedAt = Date()
            try await dsl.save(on: app.db)
            #expect(try await app.send(.GET, "/api/v1/me", token: world.north.token("dsl")).status == .unauthorized)
        }
    }

    /// Lookups that arrive together are answered by one query; each must still get its own member of
    /// staff, a revoked token nobody, and an unknown token nobody.
    @Test(arguments: Backend.available)
    func tokensLookedUpTogetherEachGetTheirOwnAnswer(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            let revoked = try #require(
                try await APIToken.query(on: app.db).filter(\.$staffID == world.south.id("dsl")).first()
            )
            revoked.revokedAt = Date()
            try await revoked.save(on: app.db)
            var expected: [(token: String, staff: UUID?)] = []
            for org in [world.north, world.south] {
                for (key, _, _) in World.roles where !(org.id == world.south.id && key == "dsl") {
                    expected.append((org.token(key), org.id(key)))
                }
            }
            expected.append((world.south.token("dsl"), nil))
            expected += (0..<5).map { ("sc_unknown_\($0)", nil) }
            let asked = Array(repeating: expected, count: 8).flatMap { $0 }.shuffled()

            // MUT
            let answers = try await withThrowingTaskGroup(of: (String, UUID?).self) { group in
                for (token, _) in asked {
                    group.addTask {
                        let holder = try await app.tokenLookup.holder(
                            forTokenHash: APITokens.hash(token),
                            on: app.eventLoopGroup.any()
                        ).get()
                        return (token, holder?.member().id)
                    }
                }
                return try await group.reduce(into: [(String, UUID?)]()) { $0.append($1) }
            }

            // validation
            let want = Dictionary(expected.map { ($0.token, $0.staff) }, uniquingKeysWith: { a, _ in a })
            #expect(answers.count == asked.count)
            for (token, staff) in answers {
                #expect(staff == want[token]!, "\(token.prefix(12)): \(String(describing: staff))")
            }
        }
    }

    @Test(arguments: Backend.available)
    func tokensAreStoredHashed(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let stored = try await APIToken.query(on: app.db).all().map(\.tokenHash)
            #expect(!stored.contains(world.north.token("dsl")))
            #expect(stored.contains(APITokens.hash(world.north.token("dsl"))))
        }
    }
}
