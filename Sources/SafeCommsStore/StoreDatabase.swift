import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Where the store lives: a SQLite file, or a PostgreSQL server (optionally one schema of it).
public enum StoreLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    /// `serializable`: every transaction runs at SERIALIZABLE isolation (PostgreSQL's default is READ
    /// COMMITTED), as on the distributed engines; serialization failures are then run again.
    case postgres(url: String, schema: String?, serializable: Bool = false)

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite \(path)"
        case .postgres(_, let schema, _): "postgresql\(schema.map { " schema \($0)" } ?? "")"
        }
    }

    /// The Fluent configuration for this location; the server and the store-only tools share it.
    /// - Parameters:
    ///   - poolTimeout: how long a query waits for a free connection before it fails.
    ///   - connectionsPerLoop: PostgreSQL connections per event loop (one thread each).
    public func configuration(
        poolTimeout: TimeAmount = .seconds(10),
        connectionsPerLoop: Int = 1
    ) throws -> (DatabaseConfigurationFactory, DatabaseID) {
        switch self {
        case .sqlite(let path):
            // sqlLogLevel nil: the drivers would otherwise log bound values (transcripts, names) at debug.
            return (.sqlite(.file(path), connectionPoolTimeout: poolTimeout, sqlLogLevel: nil), .sqlite)
        case .postgres(let url, let schema, let serializable):
            var pg = try SQLPostgresConfiguration(url: url)
            if let schema { pg.searchPath = [schema] }
            if serializable {
                pg.coreConfiguration.options.additionalStartupParameters.append(
                    ("default_transaction_isolation", "serializable")
                )
            }
            // The PostgreSQL driver takes no "never": trace is below anything a deployment runs at.
            return (
                DatabaseConfigurationFactory.postgres(
                    configuration: pg,
                    maxConnectionsPerEventLoop: connectionsPerLoop,
                    connectionPoolTimeout: poolTimeout,
                    sqlLogLevel: .trace
                ).takingAppendTurns(),
                .psql
            )
        }
    }
}

/// The store opened without a web server, for tests, benchmarks and batch tools.
public final class StoreDatabase: @unchecked Sendable {
    public let databases: Databases
    public let logger: Logger
    let location: StoreLocation

    /// - Parameters:
    ///   - poolTimeoutSeconds: how long a query waits for a free connection before it fails.
    ///   - connectionsPerLoop: PostgreSQL connections per event loop.
    public init(
        _ location: StoreLocation,
        logger: Logger = StoreDatabase.quietLogger,
        poolTimeoutSeconds: Int64 = 10,
        connectionsPerLoop: Int = 1
    ) throws {
        self.location = location
        self.logger = logger
        databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        let (factory, id) = try location.configuration(
            poolTimeout: .seconds(poolTimeoutSeconds),
            connectionsPerLoop: connectionsPerLoop
        )
        databases.use(factory, as: id, isDefault: true)
    }

    /// Migrations and queries log at info and debug; batch tools want warnings only.
    public static var quietLogger: Logger {
        var l = Logger(label: "safecomms.store")
        l.logLevel = .warning
        return l
    }

    /// The SQLite file, when the store is one.
    public var sqlitePath: String? {
        if case .sqlite(let path) = location { path } else { nil }
    }

    public var db: any Database {
        databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!
    }

    /// Creates the schema when one was named, then runs every migration not yet run.
    public func migrate() async throws {
        if case .postgres(_, let schema?, _) = location {
            try await (db as! any SQLDatabase).raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
        let migrations = Migrations()
        migrations.add(StoreMigrations.all)
        let migrator = Migrator(
            databases: databases,
            migrations: migrations,
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any()
        )
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
        if case .sqlite = location {
            // Write-ahead logging, as the server uses: readers carry on while the chronology is written.
            try await (db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").run()
            try await SQLiteTuning.apply(databases, on: MultiThreadedEventLoopGroup.singleton, logger: logger)
        }
    }

    /// Drops a test schema (PostgreSQL) with everything in it.
    public func dropSchema() async throws {
        if case .postgres(_, let schema?, _) = location {
            try await (db as! any SQLDatabase).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
    }

    public func shutdown() async {
        await databases.shutdownAsync()
    }
}
