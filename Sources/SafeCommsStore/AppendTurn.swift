import FluentKit
import SafeCommsCore

/// Audited writes to one PostgreSQL database take turns in this process before they take a
/// connection, as SQLite's writes do (`WriteTransaction`).
///
/// Every audited transaction holds the chain's append lock (`AuditHead.takeTurn`) from its first
/// statement, so they run one at a time whatever happens. Without a turn here, each writer waiting
/// for that lock sits in PostgreSQL holding one of the pool's few connections: a burst of writers
/// (a team recording contacts, a group commit of reads) fills the pool, readers queue behind them,
/// and on a busy machine a queued request can pass the pool's timeout (seen as
/// `connectionRequestTimeout` with 150 writers at once). Waiting here costs no connection and has no
/// deadline; only one writer per process waits in PostgreSQL, for writers of other processes.
struct AppendTurnConfiguration: DatabaseConfiguration {
    var inner: any DatabaseConfiguration
    let turn = AsyncLock()

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver { inner.makeDriver(for: databases) }
}

extension DatabaseConfigurationFactory {
    /// This configuration, with audited writes taking turns in the process (`AppendTurnConfiguration`).
    func takingAppendTurns() -> DatabaseConfigurationFactory {
        let make = self.make
        return DatabaseConfigurationFactory { AppendTurnConfiguration(inner: make()) }
    }
}

extension Database {
    /// Runs `body` in this database's turn for audited writes, when it has one; a write already
    /// inside a transaction has its turn.
    func inAppendTurn<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard !inTransaction, let turn = (context.configuration as? AppendTurnConfiguration)?.turn else {
            return try await body()
        }
        return try await turn.withLock(body)
    }
}
