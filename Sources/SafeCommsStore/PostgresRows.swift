import FluentKit
import PostgresKit
import PostgresNIO

/// Reads on PostgreSQL through PostgresNIO itself, for the lists pages show most (a chronology page,
/// the staff a page offers as key workers). SQLKit's rows decode each value through `Decodable` and
/// reflection; a PostgresNIO row decodes a tuple of columns straight from the wire. 200 staff read
/// through SQLKit cost the case list a sixth of its server time on PostgreSQL (measured).
enum PostgresRows {
    /// The rows `query` returns, or nil when `db` is not PostgreSQL. Inside a transaction `db` is the
    /// transaction's connection, so the read sees its writes.
    static func all(_ query: PostgresQuery, on db: any Database) async throws -> [PostgresRow]? {
        guard let postgres = db as? any PostgresDatabase else { return nil }
        let logger = db.logger
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.query(query, logger: logger).collect()
            }
        }.get()
    }
}

/// SQL with PostgreSQL's numbered placeholders, built a condition at a time.
struct PostgresSQL {
    var text: String
    var binds = PostgresBindings()

    init(_ text: String) { self.text = text }

    /// Appends `sql` with `$n` standing for `value`'s placeholder.
    mutating func append(_ sql: String, _ value: some PostgresThrowingDynamicTypeEncodable) throws {
        try binds.append(value)
        text += sql.replacingOccurrences(of: "$n", with: "$\(binds.count)")
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}
