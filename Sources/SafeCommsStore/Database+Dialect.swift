import FluentKit
import SQLKit

extension Database {
    /// Whether this connection talks to PostgreSQL (some statements differ from SQLite).
    public var isPostgres: Bool { (self as? any SQLDatabase)?.dialect.name == "postgresql" }
}
