import FluentKit
import Logging
import NIOCore
import SQLKit

/// Per-connection SQLite settings. Fluent opens one connection per event loop, so each loop's
/// connection is set once at start. Memory-mapped reads let a chronology page that touches pages
/// all over a large file read them without a system call each.
public enum SQLiteTuning {
    /// The memory map each connection may use for reads.
    public static let mmapBytes = 1 << 30
    /// How long a write waits for another process's write lock before the request is answered 503.
    public static let busyTimeoutMilliseconds = 10_000

    public static func apply(_ databases: Databases, on group: any EventLoopGroup, logger: Logger) async throws {
        for loop in group.makeIterator() {
            guard let db = databases.database(logger: logger, on: loop) as? any SQLDatabase, db.dialect.name == "sqlite"
            else { return }
            try await db.raw("PRAGMA mmap_size = \(unsafeRaw: String(mmapBytes))").run()
            try await db.raw("PRAGMA cache_size = -32768").run()
            // A multi-row INSERT inside a transaction keeps a statement journal, so that a refused row
            // undoes its statement alone; in memory it costs no file writes (5 % of an import's time).
            try await db.raw("PRAGMA temp_store = MEMORY").run()
            // Writers in this process take turns before they reach SQLite (`WriteTransaction`), so
            // only another process (a command-line import) can hold the write lock: wait for it up to
            // this long, sleeping, rather than SQLite-NIO's default of retrying at once for ever.
            try await db.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
        }
    }
}
