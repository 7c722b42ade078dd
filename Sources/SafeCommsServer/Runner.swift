import Fluent
import Foundation
import Logging
import SafeCommsCore
import SafeCommsStore
import Vapor

/// What the `safecomms` commands do with a server or a store. The command-line parsing lives in the
/// executable; these functions are what tests call.
public enum Runner {
    /// Logging, once per process. The server logs as Vapor does (`LOG_LEVEL`, default info); the other
    /// commands log warnings only, to stderr, so their stdout is just their answer (a token, a result).
    public static func bootstrapLogging(serving: Bool) throws {
        if serving {
            var env = try Environment.detect(arguments: ["safecomms"])
            try LoggingSystem.bootstrap(from: &env)
        } else {
            let level =
                ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// An application configured but not serving, for commands that only use the store.
    public static func makeApplication(
        _ config: ServerConfig,
        arguments: [String] = ["safecomms"]
    ) async throws -> Application {
        let app = try await Application.make(Environment(name: "production", arguments: arguments))
        do {
            try await configure(app, config)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Runs migrations and serves until stopped. With `demo`, an empty store is filled with the demo
    /// organisation first, and the demo sign-ins are printed.
    public static func serve(
        _ config: ServerConfig,
        demo: Bool,
        demoSize: DemoSize = .small,
        hostname: String,
        port: Int,
        output: @Sendable (String) -> Void
    ) async throws {
        let app = try await makeApplication(
            config,
            arguments: ["safecomms", "serve", "--hostname", hostname, "--port", String(port)]
        )
        do {
            try await migrateStore(app)
            for warning in [config.auditKeyWarning, config.dataKeyWarning].compactMap({ $0 }) {
                app.logger.warning("\(warning)")
            }
            if demo {
                let signIns = try await DemoSeeder(app: app).run(size: demoSize) { written in
                    // Standard error, so the sign-in table on standard output stays whole.
                    FileHandle.standardError.write(Data("Making the large demo: \(written) records written\n".utf8))
                }
                output(
                    DemoSeeder.table(
                        signIns,
                        url: "http://\(hostname):\(port)",
                        secondFactorRequired: config.requireSecondFactor
                    )
                )
            }
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Runs `body` with a configured application and shuts it down however `body` ends.
    public static func withApplication<T: Sendable>(
        _ config: ServerConfig,
        _ body: @Sendable (Application) async throws -> T
    ) async throws -> T {
        let app = try await makeApplication(config)
        do {
            let value = try await body(app)
            try await app.asyncShutdown()
            return value
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Brings the store up to date before a command uses it (as `users add` and `users token` do).
    public static func migrateIfNeeded(_ app: Application) async throws {
        try await migrateStore(app)
    }

    public static func migrate(_ config: ServerConfig, revert: Bool) async throws {
        try await withApplication(config) { app in
            if revert { try await app.autoRevert() } else { try await migrateStore(app) }
        }
    }

    /// Prints a new bearer token for a member of staff.
    public static func issueToken(
        _ config: ServerConfig,
        email: String,
        label: String,
        scope: TokenScope = .readWrite,
        days: Int = TokenScope.defaultDays
    ) async throws -> String {
        try await withApplication(config) { app in
            try await migrateStore(app)
            guard let staff = try await StaffMember.query(on: app.db).filter(\.$email == email.lowercased()).first(),
                staff.active
            else {
                throw RunnerError("no active account with e-mail address \(email)")
            }
            return try await APITokens.issue(
                for: staff,
                label: label,
                scope: scope,
                days: days,
                context: app.auditContext(organisationID: staff.organisationID, actorID: staff.id, source: "cli"),
                on: app.db
            )
        }
    }

    /// Creates a member of staff, and their organisation when it does not exist yet (the first
    /// administrator of a new installation). Returns the generated password.
    public static func addUser(
        _ config: ServerConfig,
        email: String,
        name: String,
        roles: [String],
        organisation: String
    ) async throws -> String {
        try await withApplication(config) { app in
            try await migrateStore(app)
            var parsed: Set<Role> = []
            for (i, r) in roles.enumerated() { parsed.insert(try Role.parse(r, field: "roles[\(i)]")) }
            guard !parsed.isEmpty else {
                throw ValidationError(field: "roles", reason: "at least one role is required")
            }
            guard EmailAddress.isPlausible(email) else {
                throw ValidationError(field: "email", reason: "'\(email)' is not an e-mail address")
            }
            if try await StaffMember.query(on: app.db).filter(\.$email == email.lowercased()).first() != nil {
                throw ValidationError(field: "email", reason: "an account with this e-mail address already exists")
            }
            var rng = SystemRandomNumberGenerator()
            let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            let password = String((0..<20).map { _ in alphabet.randomElement(using: &rng)! })
            let hash = try await app.password.async.hash(password)
            let org =
                try await Organisation.query(on: app.db).filter(\.$name == organisation).first()
                ?? Organisation(id: UUID(), name: organisation)
            let isNew = org.createdAt == nil
            let staff = StaffMember(
                id: UUID(),
                organisationID: org.id!,
                teamID: nil,
                name: name,
                email: email,
                passwordHash: hash,
                roles: parsed
            )
            let newOrg = isNew ? try Rewritable(org) : nil, newStaff = try Rewritable(staff)
            try await AuditLog.transaction(on: app.db, app.auditContext(organisationID: org.id, source: "cli")) { tx in
                var entries: [AuditEntry] = []
                if let newOrg {
                    try await newOrg.save(on: tx)
                    entries.append(
                        AuditEntry(action: .organisationCreated, entity: "organisation", entityID: org.id?.uuidString)
                    )
                }
                try await newStaff.save(on: tx)
                entries.append(
                    AuditEntry(
                        action: .staffCreated,
                        entity: "staff",
                        entityID: staff.id?.uuidString,
                        detail: staff.rolesText
                    )
                )
                return ((), entries)
            }
            return password
        }
    }

    /// Seals every personal field under the first key of the data key file, after putting a new key
    /// there first unless `resume` (carrying on after a rotation was stopped).
    public static func rotateDataKeys(
        _ config: ServerConfig,
        resume: Bool,
        progress: @escaping @Sendable (String, Int) -> Void
    ) async throws -> (DataKey, DataResealing.Report) {
        let key =
            resume
            ? try DataKeyFile.load(path: config.dataKeyPath)[0] : try DataKeyFile.addKey(path: config.dataKeyPath)
        let report = try await withApplication(config) { app in
            try await migrateIfNeeded(app)
            return try await DataResealing.run(on: app.db, to: key, progress: progress)
        }
        return (key, report)
    }

    /// Checks the whole audit chain against the witness logs given, or else the installation's own
    /// (when it exists); throws naming the first broken link or the first head a witness names that
    /// the chain lacks.
    public static func verifyAudit(
        _ config: ServerConfig,
        witnesses paths: [String] = []
    ) async throws -> (AuditLog.Verification, [AuditWitnessLog]) {
        let own = config.auditWitnessPath
        let chosen = !paths.isEmpty ? paths : FileManager.default.fileExists(atPath: own) ? [own] : []
        let witnesses = try chosen.map(AuditWitness.read(path:))
        let v = try await withApplication(config) { app in
            try await AuditLog.verify(on: app.db, key: app.auditKey, witnesses: witnesses)
        }
        return (v, witnesses)
    }
}

public struct RunnerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
