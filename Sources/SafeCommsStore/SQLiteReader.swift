import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLiteNIO
import SQLiteSettings
import VaporCSQLite

/// Reads outside Fluent's connection pool, for what people open most: the session every page reads,
/// the chronology page, and the bearer tokens every API call presents. Through SQLite-NIO each
/// statement is prepared afresh, costs a hop to its thread pool and back, and each row one more task
/// on the event loop (a fifth of a chronology page's server time went on those hops, measured). Here a
/// request's statements run together in one hop, each prepared once per connection and kept, and rows
/// are read in place. Only reads: every write still goes through Fluent and `WriteTransaction`. The
/// file is in WAL mode, so these connections read while a write commits, each statement seeing the
/// last commit.
public final class SQLiteReader: Sendable {
    private let path: String
    private let threads: NIOThreadPool
    private let idle = NIOLockedValueBox<[Connection]>([])

    /// - Parameter threads: how many reads run at once (one connection each).
    public init(path: String, threads: Int = 2) {
        self.path = path
        self.threads = NIOThreadPool(numberOfThreads: threads)
        self.threads.start()
    }

    /// Runs `body` on one of the reader's threads with a connection of its own.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.withConnection(body) }
    }

    /// The same, for callers that work in futures (a request's sign-in).
    public func read<T: Sendable>(
        on loop: any EventLoop,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) -> EventLoopFuture<T> {
        threads.runIfActive(eventLoop: loop) { try self.withConnection(body) }
    }

    /// An idle connection (or a new one: there are never more than threads), returned after `body`.
    private func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try idle.withLockedValue { $0.popLast() } ?? Connection(path: path)
        defer { idle.withLockedValue { $0.append(connection) } }
        return try body(connection)
    }

    /// Stops the threads and closes every connection.
    public func shutdown() async throws {
        try await threads.shutdownGracefully()
        idle.withLockedValue { connections in
            for c in connections { c.close() }
            connections.removeAll()
        }
    }

    /// One read connection. Used by one thread at a time: `SQLiteReader` hands it out.
    public final class Connection: @unchecked Sendable {
        private var handle: OpaquePointer?
        /// Prepared statements by their SQL, with their columns' names.
        private var prepared: [String: (statement: OpaquePointer, names: [String])] = [:]
        /// Statements whose SQL varies (an `IN` list's length) are kept up to this many.
        private static let maxPrepared = 64

        init(path: String) throws {
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
            guard sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
                defer { sqlite_nio_sqlite3_close(handle) }
                throw SQLiteReadError(code: sqlite_nio_sqlite3_errcode(handle), message: Self.message(handle))
            }
            // The query planner's stability guarantee: a plan never depends on the values bound.
            // Without it SQLite (3.54) marks statements with `col = ?` and an ORDER BY, or a
            // partial index on the table, to be planned again whenever a value is bound, so every
            // kept statement was compiled afresh on every run: a tenth of a chronology page's time.
            guard safecomms_sqlite_enable_qpsg(UnsafeMutableRawPointer(handle)) == SQLITE_OK else {
                let error = SQLiteReadError(code: sqlite_nio_sqlite3_errcode(handle), message: Self.message(handle))
                close()
                throw error
            }
            for pragma in [
                "PRAGMA query_only = 1",
                "PRAGMA mmap_size = \(SQLiteTuning.mmapBytes)",
                "PRAGMA cache_size = -32768",
                "PRAGMA busy_timeout = \(SQLiteTuning.busyTimeoutMilliseconds)",
            ] {
                guard sqlite_nio_sqlite3_exec(handle, pragma, nil, nil, nil) == SQLITE_OK else {
                    let error = SQLiteReadError(code: sqlite_nio_sqlite3_errcode(handle), message: Self.message(handle))
                    close()
                    throw error
                }
            }
        }

        /// Runs `sql` with `binds` (`?` in order) and hands each row to `row`, in place: a row's values
        /// are read inside `row`, not kept.
        public func each(_ sql: String, _ binds: [SQLiteData], _ row: (Row) throws -> Void) throws {
            let (statement, names) = try prepare(sql)
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (i, value) in binds.enumerated() {
                let index = Int32(i + 1)
                let code: Int32 =
                    switch value {
                    case .text(let text):
                        sqlite_nio_sqlite3_bind_text64(
                            statement,
                            index,
                            text,
                            UInt64(text.utf8.count),
                            transient,
                            UInt8(SQLITE_UTF8)
                        )
                    case .integer(let n): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(n))
                    case .float(let d): sqlite_nio_sqlite3_bind_double(statement, index, d)
                    case .null: sqlite_nio_sqlite3_bind_null(statement, index)
                    case .blob(let bytes):
                        bytes.withUnsafeReadableBytes {
                            sqlite_nio_sqlite3_bind_blob64(
                                statement,
                                index,
                                $0.baseAddress,
                                UInt64($0.count),
                                transient
                            )
                        }
                    }
                guard code == SQLITE_OK else { throw SQLiteReadError(code: code, message: Self.message(handle)) }
            }
            while true {
                switch sqlite_nio_sqlite3_step(statement) {
                case SQLITE_ROW: try row(Row(statement: statement, names: names))
                case SQLITE_DONE: return
                case let code: throw SQLiteReadError(code: code, message: Self.message(handle))
                }
            }
        }

        private func prepare(_ sql: String) throws -> (statement: OpaquePointer, names: [String]) {
            if let kept = prepared[sql] { return kept }
            var statement: OpaquePointer?
            let code = sqlite_nio_sqlite3_prepare_v3(
                handle,
                sql,
                -1,
                UInt32(SQLITE_PREPARE_PERSISTENT),
                &statement,
                nil
            )
            guard code == SQLITE_OK, let statement else {
                throw SQLiteReadError(code: code, message: Self.message(handle))
            }
            let names = (0..<sqlite_nio_sqlite3_column_count(statement)).map {
                sqlite_nio_sqlite3_column_name(statement, $0).map { String(cString: $0) } ?? ""
            }
            if prepared.count >= Self.maxPrepared { finalizeAll() }
            prepared[sql] = (statement, names)
            return (statement, names)
        }

        /// How many times the kept statements have been compiled again since they were prepared:
        /// 0 unless the schema changed (the planner's stability guarantee is on).
        var timesPlannedAgain: Int {
            prepared.values.reduce(0) {
                $0 + Int(sqlite_nio_sqlite3_stmt_status($1.statement, SQLITE_STMTSTATUS_REPREPARE, 0))
            }
        }

        private func finalizeAll() {
            for kept in prepared.values { sqlite_nio_sqlite3_finalize(kept.statement) }
            prepared.removeAll()
        }

        func close() {
            finalizeAll()
            sqlite_nio_sqlite3_close(handle)
            handle = nil
        }

        private static func message(_ handle: OpaquePointer?) -> String {
            sqlite_nio_sqlite3_errmsg(handle).map { String(cString: $0) } ?? "unknown"
        }
    }

    /// The current row of a running statement.
    public struct Row: StoredRow {
        let statement: OpaquePointer
        let names: [String]

        public func column(_ name: String) -> SQLiteData? {
            guard let i = names.firstIndex(of: name) else { return nil }
            let index = Int32(i)
            switch sqlite_nio_sqlite3_column_type(statement, index) {
            case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, index)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, index))
            case SQLITE_TEXT:
                guard let text = sqlite_nio_sqlite3_column_text(statement, index) else { return .null }
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, index) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
                }
                return .blob(buffer)
            default: return .null
            }
        }
    }
}

/// SQLite's answer when a read failed, with its message (which names no stored value).
public struct SQLiteReadError: Error, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var description: String { "the store could not be read (SQLite \(code): \(message))" }
}

/// SQLite copies a bound value before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
