import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// API tokens with a scope and an expiry: what each scope may call, expired and revoked tokens refused
/// at once, and the pages where people make, list and revoke their own and administrators everyone's.
@Suite struct TokenScopeTests {
    static let record =
        #"{"channel":"sms","direction":"outgoing","occurred_at":"2026-11-02T10:00:00Z","transcript":"See you at 4","counterpart_role":"professional"}"#

    static func issue(
        _ app: Application,
        _ org: World.Org,
        _ who: String,
        scope: TokenScope,
        days: Int = 30,
        now: Date = Date()
    ) async throws -> String {
        let staff = try #require(try await StaffMember.find(org.id(who), on: app.db))
        return try await APITokens.issue(
            for: staff,
            label: "\(scope.rawValue) token",
            scope: scope,
            days: days,
            now: now,
            context: app.auditContext(organisationID: org.id, actorID: staff.id, source: "test"),
            on: app.db
        )
    }

    @Test(arguments: Backend.available)
    func eachScopeCallsWhatItMayAndNothingElse(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let check = CheckAPITests.body(case: north.caseA)
            let records = "/api/v1/cases/\(north.caseA)/communications"
            // A token that may only check: the check, and nothing else, not even a read.
            let checker = try await Self.issue(app, north, "practitioner", scope: .check)
            #expect(try await app.send(.POST, "/api/v1/checks", token: checker, json: check).status == .ok)
            let read = try await app.send(.GET, "/api/v1/cases", token: checker)
            #expect(read.status == .forbidden)
            #expect(
                read.json["reason"] as? String
                    == "this token is for checks only: make one with the scope this needs on the Tokens page (/tokens)"
            )
            #expect(try await app.send(.POST, records, token: checker, json: Self.record).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/checks", token: checker).status != .ok)
            // A reading token: reads and checks, no writes.
            let reader = try await Self.issue(app, north, "practitioner", scope: .read)
            #expect(try await app.send(.GET, "/api/v1/cases", token: reader).status == .ok)
            #expect(try await app.send(.GET, records, token: reader).status == .ok)
            #expect(try await app.send(.POST, "/api/v1/checks", token: reader, json: check).status == .ok)
            let write = try await app.send(.POST, records, token: reader, json: Self.record)
            #expect(write.status == .forbidden && (write.json["reason"] as? String ?? "").contains("read only"))
            // Read and write: what the roles allow.
            let writer = try await Self.issue(app, north, "practitioner", scope: .readWrite)
            #expect(try await app.send(.POST, records, token: writer, json: Self.record).status == .created)
            // The scope never adds to the roles: an auditor's read-and-write token still writes nothing.
            let auditor = try await Self.issue(app, north, "auditor", scope: .readWrite)
            #expect(try await app.send(.POST, records, token: auditor, json: Self.record).status == .forbidden)
            // Each token's making is audited with its scope and days.
            let issued = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.tokenIssued.rawValue)
                .all().compactMap(\.detail)
            #expect(issued.contains { $0.hasSuffix(", check, 30 days") })
        }
    }

    @Test(arguments: Backend.available)
    func expiredAndRevokedTokensAreRefusedAtOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            // Made 31 days ago to last 30: expired yesterday.
            let old = try await Self.issue(
                app,
                north,
                "practitioner",
                scope: .readWrite,
                days: 30,
                now: Date().addingTimeInterval(-31 * 86_400)
            )
            let refused = try await app.send(.GET, "/api/v1/cases", token: old)
            #expect(refused.status == .unauthorized)
            #expect((refused.json["reason"] as? String ?? "").hasPrefix("this token expired on "))
            // A token with no expiry on record (a row the migration did not reach) is refused, not trusted.
            let unknown = try await Self.issue(app, north, "practitioner", scope: .readWrite)
            let row = try #require(
                try await APIToken.query(on: app.db).filter(\.$tokenHash == APITokens.hash(unknown)).first()
            )
            try await (app.db as! any SQLDatabase).raw(
                "UPDATE api_tokens SET expires_at = NULL WHERE id = \(bind: row.id!)"
            ).run()
            #expect(try await app.send(.GET, "/api/v1/cases", token: unknown).status == .unauthorized)
            // Revoked: refused on its very next request.
            let live = try await Self.issue(app, north, "practitioner", scope: .readWrite)
            #expect(try await app.send(.GET, "/api/v1/cases", token: live).status == .ok)
            let id = try #require(
                try await APIToken.query(on: app.db).filter(\.$tokenHash == APITokens.hash(live)).first()?.id
            )
            let p = try await #require(try await StaffMember.find(north.id("practitioner"), on: app.db)).principal(
                on: app.db
            )
            _ = try await APITokenRegister.revoke(
                id,
                for: p,
                audit: app.auditContext(organisationID: north.id, actorID: p.staffID, source: "test"),
                on: app.db
            )
            #expect(try await app.send(.GET, "/api/v1/cases", token: live).status == .unauthorized)
            // Out-of-bounds makings are named by the field.
            let staff = try #require(try await StaffMember.find(north.id("practitioner"), on: app.db))
            await #expect(throws: ValidationErrors.self) {
                _ = try await APITokens.issue(
                    for: staff,
                    label: " ",
                    days: 0,
                    context: app.auditContext(organisationID: north.id, actorID: staff.id, source: "test"),
                    on: app.db
                )
            }
        }
    }

    @Test(arguments: Backend.available)
    func peopleMakeListAndRevokeTheirOwnAndAdministratorsEveryones(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let worker = PageSession(app)
            try await worker.signIn(north.staff["practitioner"]!.email)
            let csrf = try #require(worker.csrf(from: try await worker.get("/tokens")))
            // Every problem named on its field at once.
            let bad = try await worker.post(
                "/tokens",
                form: ["csrf": csrf, "label": "", "scope": "admin", "days": "ninety"]
            )
            #expect(bad.status == .unprocessableEntity)
            for field in ["label", "scope_check", "days"] {
                #expect(bad.text.contains("<a href=\"#\(field)\">"), "\(field)")
            }
            let tooLong = try await worker.post(
                "/tokens",
                form: ["csrf": csrf, "label": "Duty phones", "scope": "check", "days": "400"]
            )
            #expect(
                tooLong.status == .unprocessableEntity && tooLong.text.contains("Enter a number of days from 1 to 366")
            )
            // Made: shown once, never cached, and it checks.
            let made = try await worker.post(
                "/tokens",
                form: ["csrf": csrf, "label": "Duty phones", "scope": "check", "days": "30"]
            )
            #expect(made.status == .ok)
            #expect(made.headers.first(name: .cacheControl) == "no-store")
            let token = try #require(
                made.text.components(separatedBy: "<code class=\"token-value\">").dropFirst().first?.components(
                    separatedBy: "<"
                ).first
            )
            #expect(token.hasPrefix("sc_") && token.count == 67)
            #expect(
                try await app.send(.POST, "/api/v1/checks", token: token, json: CheckAPITests.body(case: north.caseA))
                    .status == .ok
            )
            let listed = try await worker.get("/tokens")
            #expect(
                listed.text.contains("Duty phones") && listed.text.contains("checks only")
                    && !listed.text.contains(token)
            )
            let id = try #require(
                try await APIToken.query(on: app.db).filter(\.$tokenHash == APITokens.hash(token)).first()?.id
            )
            // Not another practitioner's to revoke, nor another organisation's administrator's.
            let colleague = PageSession(app)
            try await colleague.signIn(north.staff["practitionerB"]!.email)
            let colleagueCSRF = try #require(colleague.csrf(from: try await colleague.get("/tokens")))
            #expect(try await colleague.post("/tokens/\(id)/revoke", form: ["csrf": colleagueCSRF]).status == .notFound)
            #expect(try await colleague.get("/admin/tokens").status == .forbidden)
            let southAdmin = PageSession(app)
            try await southAdmin.signIn(world.south.staff["admin"]!.email)
            let southCSRF = try #require(southAdmin.csrf(from: try await southAdmin.get("/admin/tokens")))
            #expect(!(try await southAdmin.get("/admin/tokens").text.contains("Duty phones")))
            #expect(try await southAdmin.post("/tokens/\(id)/revoke", form: ["csrf": southCSRF]).status == .notFound)
            // The administrator sees it with its holder, never its value or fingerprint; revoking it at
            // once from eight sessions (the owner's and the administrator's) revokes it once.
            let admin = PageSession(app)
            try await admin.signIn(north.staff["admin"]!.email)
            let everyone = try await admin.get("/admin/tokens")
            #expect(everyone.text.contains("Duty phones") && everyone.text.contains("North practitioner"))
            #expect(!everyone.text.contains(token) && !everyone.text.contains(APITokens.hash(token)))
            let adminCSRF = try #require(admin.csrf(from: everyone))
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let (session, csrf) = i % 2 == 0 ? (worker, csrf) : (admin, adminCSRF)
                        return try await session.post("/tokens/\(id)/revoke", form: ["csrf": csrf]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 303 }.count == 1 && statuses.filter { $0 == 409 }.count == 7, "\(statuses)")
            let revocations = try await AuditEvent.query(on: app.db).filter(
                \.$action == AuditAction.tokenRevoked.rawValue
            ).count()
            #expect(revocations == 1)
            #expect(
                try await app.send(.POST, "/api/v1/checks", token: token, json: CheckAPITests.body(case: north.caseA))
                    .status == .unauthorized
            )
            #expect((try await worker.get("/tokens?done=revoked")).text.contains("Revoked"))
        }
    }

    @Test(arguments: Backend.available)
    func manyPeopleMakeTokensAtOnce(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let people = World.roles.map(\.0)
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for who in people {
                    group.addTask {
                        let session = PageSession(app)
                        try await session.signIn(world.north.staff[who]!.email)
                        let csrf = try #require(session.csrf(from: try await session.get("/tokens")))
                        let made = try await session.post(
                            "/tokens",
                            form: ["csrf": csrf, "label": "Reports", "scope": "read", "days": "7"]
                        )
                        #expect(made.status == .ok, "\(who)")
                        return try #require(
                            made.text.components(separatedBy: "<code class=\"token-value\">").dropFirst().first?
                                .components(separatedBy: "<").first
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(tokens).count == people.count)
            for token in tokens { #expect(try await app.send(.GET, "/api/v1/me", token: token).status == .ok) }
            #expect(try await AuditLog.verify(on: app.db, key: app.auditKey).links > 0)
        }
    }
}
