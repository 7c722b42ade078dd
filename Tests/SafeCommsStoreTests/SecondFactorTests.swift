import FluentKit
import Foundation
import SQLKit
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// A person's authenticator and recovery codes, on both databases: set up with a code from the app,
/// each code and each recovery code signs in once however many try it at once, the secret is sealed
/// at rest, and only an administrator of the organisation resets it.
@Suite struct SecondFactorTests {
    let now = Date(timeIntervalSince1970: 1_800_000_015)

    /// Sets up `w.staff`'s authenticator with a code of `now`; its secret and recovery codes.
    func enrol(_ w: StoreWorld, _ store: StoreDatabase) async throws -> (TOTP, [String]) {
        let totp = try await SecondFactors.setUp(for: w.staff.id!, organisationID: w.org.id!, on: store.db)
        let codes = try await SecondFactors.confirm(
            staffID: w.staff.id!,
            code: totp.code(at: now),
            audit: w.context,
            now: now,
            on: store.db
        )
        return (totp, try #require(codes))
    }

    @Test(arguments: TestBackend.available)
    func settingUpNeedsTheAppsCodeAndEachCodeSignsInOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            let id = w.staff.id!
            #expect(try await SecondFactors.state(of: id, on: store.db) == .none)
            let shown = try await SecondFactors.setUp(for: id, organisationID: w.org.id!, on: store.db)
            // Reloading the page shows the same key.
            #expect(
                try await SecondFactors.setUp(for: id, organisationID: w.org.id!, on: store.db).secret == shown.secret
            )
            let wrong = shown.code(step: TOTP.step(at: now) - 5)
            #expect(
                try await SecondFactors.confirm(staffID: id, code: wrong, audit: w.context, now: now, on: store.db)
                    == nil
            )
            #expect(try await SecondFactors.state(of: id, on: store.db) == .settingUp)
            let (totp, codes) = try await enrol(w, store)
            #expect(totp.secret == shown.secret && codes.count == 10 && Set(codes).count == 10)
            #expect(try await SecondFactors.summary(of: id, on: store.db).recoveryCodesLeft == 10)
            await #expect(throws: Refusal.self) {
                _ = try await SecondFactors.setUp(for: id, organisationID: w.org.id!, on: store.db)
            }

            // Sealed at rest: the column holds neither the key nor its base 32; recovery codes only as digests.
            let sql = store.db as! any SQLDatabase
            let stored = try await sql.raw("SELECT secret FROM second_factors").first()!.decode(
                column: "secret",
                as: String.self
            )
            #expect(stored.hasPrefix("sc1.") && !stored.contains(Base32.encode(totp.secret)))
            let digests = try await sql.raw("SELECT digest FROM recovery_codes").all().map {
                try $0.decode(column: "digest", as: String.self)
            }
            #expect(Set(digests) == Set(codes.map(RecoveryCodes.digest)) && digests.allSatisfy { !codes.contains($0) })

            func verify(_ code: String, at: Date) async throws -> SecondFactors.Outcome {
                try await SecondFactors.verify(staffID: id, typed: code, audit: w.context, now: at, on: store.db)
            }
            // The code that set it up has been used; the next one signs in once.
            #expect(try await verify(totp.code(at: now), at: now) == .reused)
            let later = now.addingTimeInterval(30)
            #expect(try await verify(totp.code(at: later), at: later) == .accepted)
            #expect(try await verify(totp.code(at: later), at: later) == .reused)
            // A code two steps old is stale; one not the app's is wrong.
            let stale = now.addingTimeInterval(120)
            #expect(try await verify(totp.code(at: later), at: stale) == .wrong)
            #expect(try await verify("000000", at: stale) == .wrong || totp.code(at: stale) == "000000")

            let events = try await sql.raw("SELECT action, detail FROM audit_events ORDER BY seq").all().map {
                (try $0.decode(column: "action", as: String.self), try $0.decode(column: "detail", as: String?.self))
            }
            #expect(events.filter { $0.0 == "auth.factor_enrolled" }.count == 1)
            #expect(events.filter { $0.0 == "auth.signed_in" && $0.1 == "password and authenticator" }.count == 1)
            #expect(events.filter { $0.0 == "auth.factor_failed" }.count >= 4)
            #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == events.count)
        }
    }

    /// Twelve sign-ins at once with the same fresh code: one gets in.
    @Test(arguments: TestBackend.available)
    func theSameCodeAtOnceSignsInOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            let (totp, _) = try await enrol(w, store)
            let at = now.addingTimeInterval(30), code = totp.code(at: at)
            let outcomes = try await withThrowingTaskGroup(of: SecondFactors.Outcome.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await SecondFactors.verify(
                            staffID: w.staff.id!,
                            typed: code,
                            audit: w.context,
                            now: at,
                            on: store.db
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .accepted }.count == 1)
            #expect(outcomes.filter { $0 == .reused }.count == 11)
        }
    }

    /// A recovery code typed as shown or in capitals with a space, eight times at once: it works once.
    @Test(arguments: TestBackend.available)
    func aRecoveryCodeWorksOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            let (_, codes) = try await enrol(w, store)
            let typed = codes[3].uppercased().replacingOccurrences(of: "-", with: " ")
            let outcomes = try await withThrowingTaskGroup(of: SecondFactors.Outcome.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        try await SecondFactors.verify(
                            staffID: w.staff.id!,
                            typed: i % 2 == 0 ? codes[3] : typed,
                            audit: w.context,
                            now: now,
                            on: store.db
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .acceptedRecoveryCode(left: 9) }.count == 1)
            #expect(outcomes.filter { $0 == .wrong }.count == 7)
            let next = try await SecondFactors.verify(
                staffID: w.staff.id!,
                typed: codes[0],
                audit: w.context,
                now: now,
                on: store.db
            )
            #expect(next == .acceptedRecoveryCode(left: 8))
            #expect(try await SecondFactors.summary(of: w.staff.id!, on: store.db).recoveryCodesLeft == 8)
            let sql = store.db as! any SQLDatabase
            let used = try await sql.raw(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.recovery_code_used'"
            )
            .first()!.decode(column: "n", as: Int.self)
            #expect(used == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func onlyAnAdministratorOfTheOrganisationResetsItAndThePersonIsTold(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            _ = try await enrol(w, store)
            let id = w.staff.id!
            func principal(_ org: UUID, _ roles: Set<Role>) -> Principal {
                Principal(staffID: UUID(), organisationID: org, roles: roles, teamIDs: [], managedTeamIDs: [])
            }
            await #expect(throws: Refusal.forbidden("for administrators")) {
                try await SecondFactors.reset(
                    staffID: id,
                    by: principal(w.org.id!, [.manager, .dsl]),
                    audit: w.context,
                    on: store.db
                )
            }
            let elsewhere = try await StoreWorld.make(on: store.db, name: "Elsewhere Council")
            await #expect(throws: Refusal.notFound("no such member of staff")) {
                try await SecondFactors.reset(
                    staffID: id,
                    by: principal(elsewhere.org.id!, [.admin]),
                    audit: w.context,
                    on: store.db
                )
            }
            #expect(try await SecondFactors.state(of: id, on: store.db) == .enrolled)
            try await SecondFactors.reset(
                staffID: id,
                by: principal(w.org.id!, [.admin]),
                audit: w.context,
                on: store.db
            )
            #expect(
                try await SecondFactors.summary(of: id, on: store.db)
                    == .init(state: .none, enrolledAt: nil, recoveryCodesLeft: 0)
            )
            let sql = store.db as! any SQLDatabase
            #expect(
                try await sql.raw("SELECT COUNT(*) AS n FROM recovery_codes").first()!.decode(column: "n", as: Int.self)
                    == 0
            )
            let mail = try #require(try await Notification.query(on: store.db).first())
            #expect(
                mail.recipient == w.staff.email && mail.staffID == id
                    && mail.subject.contains("authenticator was reset")
            )
            await #expect(throws: Refusal.self) {
                try await SecondFactors.reset(
                    staffID: id,
                    by: principal(w.org.id!, [.admin]),
                    audit: w.context,
                    on: store.db
                )
            }
            // A new one can be set up, with a new key.
            let (again, _) = try await enrol(w, store)
            #expect(again.secret.count == TOTP.secretBytes)
            let actions = try await sql.raw("SELECT action FROM audit_events").all().map {
                try $0.decode(column: "action", as: String.self)
            }
            #expect(actions.filter { $0 == "auth.factor_reset" }.count == 1)
            #expect(actions.filter { $0 == "notification.queued" }.count == 1)
        }
    }
}
