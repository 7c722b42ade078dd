import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import SafeCommsCore
import SafeCommsPolicies
import SafeCommsStore
import Vapor

/// Builds the application the server runs and the tests exercise: databases, migrations, sessions,
/// middleware, views and routes.
public func configure(_ app: Application, _ config: ServerConfig) async throws {
    app.storage[ServerConfigKey.self] = config
    app.storage[AuditKeyKey.self] = try AuditKey.load(environment: config.auditKeyHex, path: config.auditKeyPath)
    app.storage[AuditWitnessKey.self] = try AuditWitness(path: config.auditWitnessPath)
    // Before the migrations: they seal any personal data still stored in clear.
    let dataKeyPath = config.dataKeyPath
    DataKeys.install(try DataKeyFile.load(path: dataKeyPath), reload: { DataKeyFile.read(path: dataKeyPath) })
    try configureDatabase(app, config)
    app.migrations.add(StoreMigrations.all)

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.storage[DummyPasswordHashKey.self] = try Bcrypt.hash("no account has this password", cost: config.bcryptCost)
    app.sessions.use { _ in StoreSessions() }
    app.sessions.configuration = SessionsConfiguration(cookieName: "safecomms_session") { id in
        HTTPCookies.Value(
            string: id.string,
            maxAge: Int(SignIn.longestSession),
            path: "/",
            isSecure: config.secureCookies,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    // Only JSON and forms this size or smaller are read (a long e-mail transcript fits).
    app.routes.defaultMaxBodySize = "1mb"
    ContentConfiguration.global.use(encoder: JSONCoding.encoder, for: .json)
    ContentConfiguration.global.use(decoder: StrictJSONContent(), for: .json)
    ContentConfiguration.global.use(decoder: StrictFormContent(), for: .urlEncodedForm)

    app.middleware = .init()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(APIErrorMiddleware(environment: app.environment))

    Metrics.bootstrapOnce()
    // Views ship inside the package's resource bundle, so they are found wherever the binary runs. The
    // bundle may sit under a hidden folder (`.build`), so only the sandbox and extension limits apply.
    app.views.use(.leaf)
    FieldErrorTags.register(app)
    app.leaf.sources = .singleSource(
        NIOLeafFiles(
            fileio: app.fileio,
            limits: [.toSandbox, .requireExtensions, .onlyLeafExtensions],
            sandboxDirectory: Resources.viewsDirectory,
            viewDirectory: Resources.viewsDirectory
        )
    )
    let library = try BundledPolicies.library()
    app.storage[PolicyLibraryKey.self] = library
    app.storage[PolicyCatalogueKey.self] = PolicyCatalogue(
        packs: library.packs,
        texts: try BundledPolicies.clauseTexts(for: library.packs)
    )
    app.storage[AuditBatcherKey.self] = AuditBatcher(db: app.db)
    if config.databaseURL == nil {
        let reader = SQLiteReader(path: config.sqlitePath)
        app.storage[SQLiteReaderKey.self] = reader
        app.lifecycle.use(SQLiteReaderShutdown(reader: reader))
    }
    app.storage[TokenLookupKey.self] = TokenLookup(db: app.db, reader: app.sqliteReader)
    app.storage[OrganisationSettingsCacheKey.self] = OrganisationSettingsCache()
    app.storage[LoginThrottleKey.self] = LoginThrottle(
        maxFailures: config.loginMaxFailures,
        maxAddressFailures: config.loginMaxAddressFailures,
        window: TimeInterval(config.loginLockoutSeconds)
    )

    if let problem = config.smtpProblem { throw RunnerError("the mail relay: \(problem)") }
    let outbox = NotificationOutbox(
        db: app.db,
        smtp: config.smtp.map { SMTPClient(settings: $0, group: app.eventLoopGroup) },
        logger: app.logger,
        retryBase: config.outboxRetrySeconds
    )
    app.storage[NotificationOutboxKey.self] = outbox
    if config.smtp != nil {
        app.lifecycle.use(
            BackgroundLoop.every(config.outboxPollSeconds, "notification outbox", logger: app.logger) {
                try await outbox.deliverDue()
            }
        )
    } else {
        app.logger.notice("SAFECOMMS_SMTP_HOST is not set: e-mail notifications wait in the outbox")
    }

    if config.incidentChaseSeconds > 0 {
        app.lifecycle.use(IncidentChaser.loop(app, interval: config.incidentChaseSeconds))
    }

    if let problem = config.oidcProblem { throw RunnerError("the identity provider: \(problem)") }
    if let oidc = config.oidc {
        let provider = OIDCProvider(settings: oidc, client: { [weak app] in app?.client })
        app.oidcProvider = provider
        if config.providerChecks { app.lifecycle.use(ProviderCheck.loop(app, provider: provider)) }
    }

    if let problem = config.notifyProblem { throw RunnerError("GOV.UK Notify: \(problem)") }
    var transports: [String: any MessageTransport] = [:]
    if let notify = config.notify {
        let client = NotifyClient(settings: notify, client: app.client)
        if notify.sends("sms") { transports["sms"] = client }
        if notify.sends("email"), config.emailVia == .notify { transports["email"] = client }
    }
    if config.emailVia == .relay, let smtp = config.smtp {
        transports["email"] = RelayTransport(smtp: SMTPClient(settings: smtp, group: app.eventLoopGroup))
    }
    if !transports.isEmpty {
        let sender = MessageSender(
            db: app.db,
            transports: transports,
            logger: app.logger,
            retryBase: config.senderRetrySeconds,
            claim: config.senderClaimSeconds,
            link: config.publicURL
        )
        app.storage[MessageSenderKey.self] = sender
        if config.senderPollSeconds > 0 {
            app.lifecycle.use(
                BackgroundLoop.every(config.senderPollSeconds, "message sender", logger: app.logger) {
                    try await sender.sendDue()
                }
            )
        }
    }

    try routes(app)
}

func configureDatabase(_ app: Application, _ config: ServerConfig) throws {
    if config.databaseURL == nil {
        try PrivateFiles.prepare(directory: config.dataDirectory, database: config.sqlitePath)
    }
    let (factory, id) = try config.storeLocation.configuration(poolTimeout: .seconds(config.poolTimeoutSeconds))
    app.databases.use(factory, as: id)
}

/// Brings the store up to date: the test schema if one is named, every migration, and settings that
/// belong to the database file rather than a connection.
public func migrateStore(_ app: Application) async throws {
    if let schema = app.safeCommsConfig.postgresSchema, let sql = app.db as? any SQLDatabase {
        try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
    }
    try await app.autoMigrate()
    if let sql = app.db as? any SQLDatabase, sql.dialect.name == "sqlite" {
        // Write-ahead logging lets readers carry on while the chronology is written.
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await SQLiteTuning.apply(app.databases, on: app.eventLoopGroup, logger: app.logger)
    }
}

struct AuditKeyKey: StorageKey {
    typealias Value = AuditKey
}

struct AuditWitnessKey: StorageKey {
    typealias Value = AuditWitness
}

extension Application {
    /// The key that seals this installation's audit chain.
    public var auditKey: AuditKey { storage[AuditKeyKey.self]! }
    /// Where each committed head of the audit chain is also written, outside the database.
    public var auditWitness: AuditWitness { storage[AuditWitnessKey.self]! }

    /// An audit context for work done by the system or a local command rather than a request.
    public func auditContext(organisationID: UUID?, actorID: UUID? = nil, source: String) -> AuditContext {
        AuditContext(
            organisationID: organisationID,
            actorID: actorID,
            source: source,
            key: auditKey,
            witness: auditWitness
        )
    }
}

struct PolicyLibraryKey: StorageKey {
    typealias Value = PolicyLibrary
}

struct PolicyCatalogueKey: StorageKey {
    typealias Value = PolicyCatalogue
}

struct AuditBatcherKey: StorageKey {
    typealias Value = AuditBatcher
}

struct TokenLookupKey: StorageKey {
    typealias Value = TokenLookup
}

struct SQLiteReaderKey: StorageKey {
    typealias Value = SQLiteReader
}

/// Stops the reader's threads and closes its connections when the server stops.
struct SQLiteReaderShutdown: LifecycleHandler {
    let reader: SQLiteReader
    func shutdownAsync(_ application: Application) async { try? await reader.shutdown() }
}

struct OrganisationSettingsCacheKey: StorageKey {
    typealias Value = OrganisationSettingsCache
}

extension Application {
    /// The policy packs this installation checks against.
    public var policyLibrary: PolicyLibrary { storage[PolicyLibraryKey.self]! }
    /// The packs as staff read them: each clause's own words, and where SafeComms carries it out.
    var policyCatalogue: PolicyCatalogue { storage[PolicyCatalogueKey.self]! }
    /// Group commit for audit events that change nothing else.
    public var auditBatcher: AuditBatcher { storage[AuditBatcherKey.self]! }
    /// Bearer tokens looked up together (no cache: see `TokenLookup`).
    var tokenLookup: TokenLookup { storage[TokenLookupKey.self]! }
    /// Read connections outside Fluent's pool for the hottest reads, when the store is a SQLite file.
    var sqliteReader: SQLiteReader? { storage[SQLiteReaderKey.self] }
    /// Organisation settings, held for a few seconds.
    var organisationSettings: OrganisationSettingsCache { storage[OrganisationSettingsCacheKey.self]! }
}

struct ServerConfigKey: StorageKey {
    typealias Value = ServerConfig
}

extension Application {
    public var safeCommsConfig: ServerConfig { storage[ServerConfigKey.self] ?? ServerConfig() }
}

/// Where the bundled files are on disk.
enum Resources {
    static var root: String { Bundle.module.bundleURL.appendingPathComponent("Resources").path }
    static var viewsDirectory: String { root + "/Views/" }
    static var openAPIPath: String { root + "/openapi.yaml" }
}
