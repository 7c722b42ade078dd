import Fluent
import Foundation
import Logging
import SafeCommsStore
import Vapor

/// What the `safecomms` commands do with a server or a store. The command-line parsing lives in the
/// executable; these functions are what tests call.
public enum Runner {
    /// Vapor's logging set-up, once per process (reads `LOG_LEVEL`).
    public static func bootstrapLogging() throws {
        var env = try Environment.detect(arguments: ["safecomms"])
        try LoggingSystem.bootstrap(from: &env)
    }

    /// An application configured but not serving, for commands that only use the store.
    public static func makeApplication(_ config: ServerConfig, arguments: [String] = ["safecomms"]) async throws -> Application {
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
    public static func serve(_ config: ServerConfig, demo: Bool, hostname: String, port: Int, output: @Sendable (String) -> Void) async throws {
        let app = try await makeApplication(config, arguments: ["safecomms", "serve", "--hostname", hostname, "--port", String(port)])
        do {
            try await migrateStore(app)
            if demo {
                let signIns = try await DemoSeeder(app: app).run()
                output(DemoSeeder.table(signIns, url: "http://\(hostname):\(port)"))
            }
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Runs `body` with a configured application and shuts it down however `body` ends.
    public static func withApplication<T: Sendable>(_ config: ServerConfig, _ body: @Sendable (Application) async throws -> T) async throws -> T {
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

    public static func migrate(_ config: ServerConfig, revert: Bool) async throws {
        try await withApplication(config) { app in
            if revert { try await app.autoRevert() } else { try await migrateStore(app) }
        }
    }

    /// Prints a new bearer token for a member of staff.
    public static func issueToken(_ config: ServerConfig, email: String, label: String) async throws -> String {
        try await withApplication(config) { app in
            try await migrateStore(app)
            guard let staff = try await StaffMember.query(on: app.db).filter(\.$email == email.lowercased()).first(), staff.active else {
                throw RunnerError("no active account with e-mail address \(email)")
            }
            return try await APITokens.issue(
                for: staff, label: label, context: AuditContext(organisationID: staff.organisationID, actorID: staff.id, source: "cli"), on: app.db)
        }
    }

    /// Checks the whole audit chain; throws naming the first broken link.
    public static func verifyAudit(_ config: ServerConfig) async throws -> AuditLog.Verification {
        try await withApplication(config) { app in try await AuditLog.verify(on: app.db) }
    }
}

public struct RunnerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
