import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import SafeCommsCore
import SafeCommsServer
import SafeCommsStore

/// Every command names itself (`commandName:`): otherwise ArgumentParser derives each name from its
/// type with `String(describing:)`, whose runtime lookups through this large binary were a tenth of
/// `safecomms check`'s start-up.
@main
struct SafeComms: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safecomms",
        abstract: "Runs children's-services communication policies: the case chronology, registers and audit trail.",
        subcommands: [
            Serve.self, Migrate.self, Check.self, Analyse.self, Import.self, ReconcileCommand.self, Users.self,
            Audit.self, Keys.self, Scan.self, NotifyCommand.self, Clauses.self,
        ]
    )

    /// Swift concurrency runs on NIO's event loops rather than its own thread pool, so an async route
    /// handler no longer hops between two sets of threads (and wakes one from the other) on every
    /// request: on a 2-core server this was a quarter of the CPU time of `POST /api/v1/checks`. It must
    /// happen before any task starts, hence here. Nothing in SafeComms blocks on `EventLoopFuture.wait()`,
    /// which this would forbid.
    static func main() async {
        // Every file the process makes (the store, the audit key and witness, uploads being read) is
        // for this account alone.
        umask(0o077)
        QuickStart.runIfQuick(Array(CommandLine.arguments.dropFirst()))
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Migrate the store and serve the web pages and API."
    )

    @Flag(help: "On an empty store, create the demo organisation and print its sign-ins.")
    var demo = false
    @Option(
        help:
            "With --demo: small (50 cases) or large (a council: 5,000 cases, 200 staff, 1,000,000 records; a few minutes)."
    )
    var size: DemoSize = .small
    @Option(help: "Address to listen on.")
    var hostname = "127.0.0.1"
    @Option(help: "Port to listen on.")
    var port = 8080

    func run() async throws {
        try Runner.bootstrapLogging(serving: true)
        try await Runner.serve(.fromEnvironment(), demo: demo, demoSize: size, hostname: hostname, port: port) {
            // Written straight through: stdout to a file or pipe is block-buffered and the server never returns.
            FileHandle.standardOutput.write(Data(($0 + "\n").utf8))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the store's tables up to date."
    )

    @Flag(help: "Undo every migration (drops all data).")
    var revert = false

    func run() async throws {
        try Runner.bootstrapLogging(serving: false)
        try await Runner.migrate(.fromEnvironment(), revert: revert)
        print(revert ? "Migrations reverted." : "Migrations complete.")
    }
}

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage sign-ins.",
        subcommands: [Add.self, Token.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract:
                "Create a member of staff (and their organisation, for the first administrator) and print their password."
        )

        @Argument(help: "E-mail address, used to sign in.")
        var email: String
        @Option(help: "Full name.")
        var name: String
        @Option(help: "Comma-separated roles: practitioner, manager, dsl, business_support, admin, auditor.")
        var roles: String
        @Option(help: "Organisation name; created when it does not exist.")
        var organisation: String

        func run() async throws {
            try Runner.bootstrapLogging(serving: false)
            let password = try await Runner.addUser(
                .fromEnvironment(),
                email: email,
                name: name,
                roles: roles.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) },
                organisation: organisation
            )
            print("Created \(email). Password (shown once): \(password)")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Print a new API token for a member of staff."
        )

        @Argument(help: "The member of staff's e-mail address.")
        var email: String
        @Option(help: "A label to tell tokens apart.")
        var label = "cli"
        @Option(help: "What the token may do: check (POST /api/v1/checks only), read (reads and checks) or read_write.")
        var scope = TokenScope.readWrite.rawValue
        @Option(help: "Days until the token expires (1 to 366).")
        var days = TokenScope.defaultDays

        func validate() throws {
            guard TokenScope(rawValue: scope) != nil else {
                throw ArgumentParser.ValidationError("--scope must be check, read or read_write")
            }
        }

        func run() async throws {
            try Runner.bootstrapLogging(serving: false)
            print(
                try await Runner.issueToken(
                    .fromEnvironment(),
                    email: email,
                    label: label,
                    scope: TokenScope(rawValue: scope)!,
                    days: days
                )
            )
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit trail.",
        subcommands: [Verify.self, VerifyExport.self]
    )

    struct VerifyExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-export",
            abstract:
                "Check an export of the audit trail (CSV or JSON Lines from the audit page): every event as the chain sealed it, and each next to the one before it where the file has both."
        )

        @Argument(help: "The exported file.")
        var file: String

        func run() async throws {
            let config = ServerConfig.fromEnvironment()
            // The installation's key, never a new one: a file checked against a fresh key would look altered.
            guard config.auditKeyHex?.isEmpty == false || FileManager.default.fileExists(atPath: config.auditKeyPath)
            else {
                FileHandle.standardError.write(
                    Data(
                        "No audit key at \(config.auditKeyPath): run this where the server keeps its data (SAFECOMMS_DATA), or set SAFECOMMS_AUDIT_KEY\n"
                            .utf8
                    )
                )
                throw ExitCode(2)
            }
            let key = try AuditKey.load(environment: config.auditKeyHex, path: config.auditKeyPath)
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                let v = try AuditExport.verify(try AuditExport.read(text), key: key)
                print(
                    "Export intact: \(v.events) events as the chain sealed them; \(v.joined) joined to the event before; \(v.gaps) places where the export skips events it was not asked for"
                )
            } catch {
                FileHandle.standardError.write(Data("Export BROKEN: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract:
                "Check every link of the hash chain, and that it reaches the newest head the witness log names; name the first fault."
        )

        @Option(
            name: .customLong("witness"),
            help: "A copy of the witness log kept elsewhere (repeatable); default: the installation's own, if any."
        )
        var witnesses: [String] = []

        func run() async throws {
            try Runner.bootstrapLogging(serving: false)
            do {
                let (v, logs) = try await Runner.verifyAudit(.fromEnvironment(), witnesses: witnesses)
                print("Audit chain intact: \(v.links) links, head \(v.head)")
                for w in logs {
                    print(
                        "Witness \(w.name): \(w.heads.count) heads, the newest link \(w.newest.map(String.init) ?? "none") is in the chain"
                    )
                }
                if logs.isEmpty { print("No witness log: deleting the newest events would not be detected") }
            } catch {
                FileHandle.standardError.write(Data("Audit chain BROKEN: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Work with the data keys that seal personal data at rest.",
        subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract:
                "Put a new data key first in SAFECOMMS_DATA_KEY_FILE and seal every personal field under it, in batches.",
            discussion: """
                The older keys stay in the file so values not yet moved still open; remove them once a rotation \
                has finished. Safe while the server runs. If it is stopped, run it again with --resume.
                """
        )

        @Flag(help: "Carry on with the current key instead of making a new one (after a rotation was stopped).")
        var resume = false

        func run() async throws {
            try Runner.bootstrapLogging(serving: false)
            let bar = ProgressBar("Sealing", unit: .items("values"))
            let sealed = SealedCount()
            let (key, report) = try await Runner.rotateDataKeys(.fromEnvironment(), resume: resume) { table, n in
                bar.update(sealed.add(table, n))
                if !bar.enabled { print("\(table): \(n) \(n == 1 ? "value" : "values") sealed") }
            }
            bar.finish()
            print("Data key \(key.id): \(report.resealed) values sealed under it; every other value already was")
            if !report.unreadable.isEmpty {
                for line in report.unreadable { FileHandle.standardError.write(Data("Left as it is: \(line)\n".utf8)) }
                throw ExitCode(2)
            }
        }
    }
}

extension DemoSize: ExpressibleByArgument {}

/// The values sealed so far over every table, from each table's own running count.
final class SealedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var byTable: [String: Int] = [:]

    func add(_ table: String, _ n: Int) -> Int {
        lock.withLock {
            byTable[table] = n
            return byTable.values.reduce(0, +)
        }
    }
}
