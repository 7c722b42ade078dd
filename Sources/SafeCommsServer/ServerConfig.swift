import Foundation
import SafeCommsCore
import SafeCommsStore

/// Everything the server takes from its environment, read in one place (`fromEnvironment`) so tests
/// can build the same application with their own values.
public struct ServerConfig: Sendable {
    /// Where the SQLite file lives (`SAFECOMMS_DATA`, default `./data`).
    public var dataDirectory: String
    /// PostgreSQL instead of SQLite when set (`DATABASE_URL`, e.g. `postgres://user:pw@host:5432/db`).
    public var databaseURL: String?
    /// A PostgreSQL schema to use instead of `public` (`SAFECOMMS_PG_SCHEMA`; tests give each suite its own).
    public var postgresSchema: String?
    /// Run every PostgreSQL transaction at SERIALIZABLE isolation (`SAFECOMMS_PG_ISOLATION=serializable`),
    /// as the distributed engines that speak PostgreSQL's protocol do; default READ COMMITTED.
    public var postgresSerializable = false
    /// Mark the session cookie Secure (`SAFECOMMS_SECURE_COOKIES=1`, or a `SAFECOMMS_PUBLIC_URL` starting https).
    public var secureCookies: Bool
    /// Failed sign-ins allowed per e-mail address within the lockout window
    /// (`SAFECOMMS_LOGIN_MAX_FAILURES`), and per client address (`SAFECOMMS_LOGIN_MAX_FAILURES_PER_ADDRESS`,
    /// default 100 times the first: a council's staff share one proxy's address).
    public var loginMaxFailures: Int
    public var loginMaxAddressFailures: Int?
    public var loginLockoutSeconds: Int
    /// Whether those who can read case history (`SecondFactorRule`) must use a second factor to sign in
    /// with a password (`SAFECOMMS_SECOND_FACTOR`: `required`, the default, or `offered`: anyone may set
    /// one up, nobody is made to). Anything but `offered` keeps it required, so a mistyped value fails safe.
    public var requireSecondFactor = true
    /// Sign-in through the council's identity provider (`OIDCSettings`); unset: passwords only.
    public var oidc: OIDCSettings?
    /// Why the identity provider's settings cannot be used; the server then does not start.
    public var oidcProblem: String?
    /// bcrypt cost for new passwords (`SAFECOMMS_BCRYPT_COST`, default 12).
    public var bcryptCost: Int
    /// The audit-chain key as hex (`SAFECOMMS_AUDIT_KEY`); unset: `auditKeyFile`.
    public var auditKeyHex: String?
    /// The file holding the audit-chain key (`SAFECOMMS_AUDIT_KEY_FILE`), best kept apart from the data;
    /// unset: `audit.key` in the data directory, created on first use.
    public var auditKeyFile: String?
    /// The file of data keys that seal personal data at rest (`SAFECOMMS_DATA_KEY_FILE`, `DataKeyFile`),
    /// best kept apart from the data; unset: `data.key` in the data directory, created on first use.
    public var dataKeyFile: String?
    /// The witness log each committed head of the audit chain is appended to
    /// (`SAFECOMMS_AUDIT_WITNESS`); unset: `audit-witness.log` in the data directory.
    public var auditWitnessFile: String?
    /// Serve `POST /bench/echo`, a trivial JSON echo that measures the framework's own ceiling beside
    /// the real routes (`SAFECOMMS_BENCH_ECHO=1`; benchmarks only, never in production).
    public var benchmarkEcho = false
    /// The mail relay for urgent notifications (LIN-10): `SAFECOMMS_SMTP_HOST`, `SAFECOMMS_SMTP_PORT`
    /// (25), `SAFECOMMS_SMTP_FROM`. Unset: notifications wait in the outbox.
    public var smtp: SMTPSettings?
    /// GOV.UK Notify, for texts and e-mails sent from a case: `SAFECOMMS_NOTIFY_API_KEY`,
    /// `SAFECOMMS_NOTIFY_BASE_URL`, `SAFECOMMS_NOTIFY_SMS_TEMPLATE`, `SAFECOMMS_NOTIFY_EMAIL_TEMPLATE`,
    /// `SAFECOMMS_NOTIFY_PERSONALISATION_KEY` (`body`), `SAFECOMMS_NOTIFY_CALLBACK_TOKEN`. Unset: the
    /// compose page checks, and the worker sends from their own phone and records it.
    public var notify: NotifySettings?
    /// Why `SAFECOMMS_NOTIFY_API_KEY` could not be read; the server refuses to start with it.
    public var notifyProblem: String?
    /// How e-mail from a case goes (`SAFECOMMS_EMAIL_VIA`): through GOV.UK Notify (the default) or the
    /// mail relay above. Texts always go through Notify.
    public var emailVia: EmailRoute = .notify
    /// Why the mail relay's settings cannot be used, if they cannot; the server then does not start.
    public var smtpProblem: String?
    /// How often queued messages are looked at, and the first wait after an uncertain send.
    public var senderPollSeconds: TimeInterval = 1
    /// How long a message one server has claimed to send is left to it before another takes it over
    /// (`SAFECOMMS_SENDER_CLAIM_SECONDS`): after a crash, how long its messages wait.
    public var senderClaimSeconds: TimeInterval = 300
    public var senderRetrySeconds: TimeInterval = 30
    /// The address staff open SafeComms at (`SAFECOMMS_PUBLIC_URL`), for links in e-mails.
    public var publicURL = "http://localhost:8080"
    /// How often the outbox is looked at, and the first wait after a failed send (doubling each time).
    public var outboxPollSeconds: TimeInterval = 5
    /// How often overdue incident steps are chased (`IncidentChaser`); 0 turns the chasing off (tests
    /// that run it themselves, with their own clock).
    public var incidentChaseSeconds: TimeInterval = 60
    /// Whether the identity provider is asked, in the background, if it still accepts each person
    /// signed in through it (`ProviderCheck`); tests that run a round themselves turn it off.
    public var providerChecks = true
    public var outboxRetrySeconds: TimeInterval = 30
    /// How long a query waits for a free database connection before the request is answered 503.
    public var poolTimeoutSeconds: Int64 = 10

    public init(
        dataDirectory: String = "./data",
        databaseURL: String? = nil,
        postgresSchema: String? = nil,
        secureCookies: Bool = false,
        loginMaxFailures: Int = 5,
        loginLockoutSeconds: Int = 900,
        bcryptCost: Int = 12
    ) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.postgresSchema = postgresSchema
        self.secureCookies = secureCookies
        self.loginMaxFailures = loginMaxFailures
        self.loginLockoutSeconds = loginLockoutSeconds
        self.bcryptCost = bcryptCost
    }

    /// Where the audit key is read from when it is not given as hex.
    public var auditKeyPath: String { auditKeyFile ?? (dataDirectory as NSString).appendingPathComponent("audit.key") }

    /// Where the data keys are read from.
    public var dataKeyPath: String { dataKeyFile ?? (dataDirectory as NSString).appendingPathComponent("data.key") }

    /// Where committed heads of the audit chain are witnessed.
    public var auditWitnessPath: String {
        auditWitnessFile ?? (dataDirectory as NSString).appendingPathComponent("audit-witness.log")
    }

    /// A warning for the log when the audit key is kept with the data it seals: whoever can change the
    /// data directory can then rewrite the audit trail and seal it again.
    public var auditKeyWarning: String? {
        guard auditKeyHex?.isEmpty ?? true, let key = insideDataDirectory(auditKeyPath) else { return nil }
        return
            "The audit key \(key) is inside the data directory: anyone who can change the data can reseal the audit trail. "
            + "Keep it elsewhere (SAFECOMMS_AUDIT_KEY_FILE or SAFECOMMS_AUDIT_KEY) and ship the witness log off this machine."
    }

    /// A warning for the log when the data keys are kept with the data they seal: a copy of the data
    /// directory (a backup, a stolen disk) is then readable.
    public var dataKeyWarning: String? {
        guard let key = insideDataDirectory(dataKeyPath) else { return nil }
        return "The data key file \(key) is inside the data directory: a copy of the directory can be read. "
            + "Keep it elsewhere (SAFECOMMS_DATA_KEY_FILE) and back it up apart from the data."
    }

    private func insideDataDirectory(_ path: String) -> String? {
        let dir = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/"
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        return file.hasPrefix(dir) ? file : nil
    }

    /// The path of the SQLite database file.
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("safecomms.sqlite") }

    public var storeLocation: StoreLocation {
        if let url = databaseURL {
            return .postgres(url: url, schema: postgresSchema, serializable: postgresSerializable)
        }
        return .sqlite(path: sqlitePath)
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ServerConfig {
        var c = ServerConfig()
        if let d = env["SAFECOMMS_DATA"], !d.isEmpty { c.dataDirectory = d }
        if let u = env["DATABASE_URL"], !u.isEmpty { c.databaseURL = u }
        if let schema = env["SAFECOMMS_PG_SCHEMA"], !schema.isEmpty { c.postgresSchema = schema }
        c.postgresSerializable = env["SAFECOMMS_PG_ISOLATION"]?.lowercased() == "serializable"
        c.secureCookies =
            env["SAFECOMMS_SECURE_COOKIES"] == "1" || (env["SAFECOMMS_PUBLIC_URL"] ?? "").hasPrefix("https://")
        if let n = env["SAFECOMMS_LOGIN_MAX_FAILURES"].flatMap(Int.init), n > 0 { c.loginMaxFailures = n }
        if let n = env["SAFECOMMS_LOGIN_MAX_FAILURES_PER_ADDRESS"].flatMap(Int.init), n > 0 {
            c.loginMaxAddressFailures = n
        }
        if let n = env["SAFECOMMS_LOGIN_LOCKOUT_SECONDS"].flatMap(Int.init), n > 0 { c.loginLockoutSeconds = n }
        c.requireSecondFactor = env["SAFECOMMS_SECOND_FACTOR"]?.lowercased() != "offered"
        if let n = env["SAFECOMMS_BCRYPT_COST"].flatMap(Int.init), (4...31).contains(n) { c.bcryptCost = n }
        c.auditKeyHex = env["SAFECOMMS_AUDIT_KEY"]
        if let f = env["SAFECOMMS_AUDIT_KEY_FILE"], !f.isEmpty { c.auditKeyFile = f }
        if let f = env["SAFECOMMS_DATA_KEY_FILE"], !f.isEmpty { c.dataKeyFile = f }
        if let f = env["SAFECOMMS_AUDIT_WITNESS"], !f.isEmpty { c.auditWitnessFile = f }
        c.benchmarkEcho = env["SAFECOMMS_BENCH_ECHO"] == "1"
        if let host = env["SAFECOMMS_SMTP_HOST"], !host.isEmpty {
            func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
            let tls = value("SAFECOMMS_SMTP_TLS")?.lowercased() ?? "none"
            let smtp = SMTPSettings(
                host: host,
                port: env["SAFECOMMS_SMTP_PORT"].flatMap(Int.init) ?? 25,
                from: env["SAFECOMMS_SMTP_FROM"] ?? "safecomms@localhost",
                security: SMTPSettings.Security(rawValue: tls) ?? .none,
                username: value("SAFECOMMS_SMTP_USERNAME"),
                password: value("SAFECOMMS_SMTP_PASSWORD"),
                caFile: value("SAFECOMMS_SMTP_CA_FILE")
            )
            c.smtp = smtp
            c.smtpProblem =
                SMTPSettings.Security(rawValue: tls) == nil
                ? "SAFECOMMS_SMTP_TLS is \"starttls\" or \"none\"" : smtp.problem
        }
        if let n = env["SAFECOMMS_SENDER_CLAIM_SECONDS"].flatMap(TimeInterval.init), n > 0 { c.senderClaimSeconds = n }
        if let via = env["SAFECOMMS_EMAIL_VIA"], !via.isEmpty {
            if let route = EmailRoute(rawValue: via.lowercased()) {
                c.emailVia = route
                if route == .relay, c.smtp == nil {
                    c.smtpProblem = "SAFECOMMS_EMAIL_VIA=relay needs SAFECOMMS_SMTP_HOST"
                }
            } else {
                c.smtpProblem = "SAFECOMMS_EMAIL_VIA is \"notify\" or \"relay\""
            }
        }
        if let text = env["SAFECOMMS_NOTIFY_API_KEY"], !text.isEmpty {
            do {
                c.notify = NotifySettings(
                    key: try NotifyKey(parsing: text, field: "SAFECOMMS_NOTIFY_API_KEY"),
                    baseURL: env["SAFECOMMS_NOTIFY_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
                        ?? "https://api.notifications.service.gov.uk",
                    smsTemplate: env["SAFECOMMS_NOTIFY_SMS_TEMPLATE"].flatMap { $0.isEmpty ? nil : $0 },
                    emailTemplate: env["SAFECOMMS_NOTIFY_EMAIL_TEMPLATE"].flatMap { $0.isEmpty ? nil : $0 },
                    personalisationKey: env["SAFECOMMS_NOTIFY_PERSONALISATION_KEY"].flatMap { $0.isEmpty ? nil : $0 }
                        ?? "body",
                    callbackToken: env["SAFECOMMS_NOTIFY_CALLBACK_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
                )
            } catch {
                c.notifyProblem = "\(error)"
            }
        }
        if let url = env["SAFECOMMS_PUBLIC_URL"], !url.isEmpty {
            c.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        switch OIDCSettings.fromEnvironment(env, publicURL: c.publicURL) {
        case .success(let settings): c.oidc = settings
        case .failure(let problem): c.oidcProblem = problem.description
        }
        return c
    }
}

/// How e-mail from a case is sent.
public enum EmailRoute: String, Sendable {
    case notify, relay
}
