import Foundation
import SQLKit

/// Bind values for bulk inserts that take the drivers' fast paths. A NULL is written as the literal
/// NULL instead of a bound `Optional` (which SQLite's encoder unwraps through a full `Encoder`), and
/// on SQLite a UUID is bound as its text, the form Fluent stores it in. Measured: a third of the
/// cost of inserting a communication record was these conversions.
struct FastBinds {
    let sqlite: Bool

    init(_ db: any SQLDatabase) { sqlite = db.dialect.name == "sqlite" }

    func uuid(_ value: UUID?) -> any SQLExpression {
        guard let value else { return SQLLiteral.null }
        return sqlite ? SQLBind(value.uuidText) : SQLBind(value)
    }

    func text(_ value: String?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }

    func int(_ value: Int?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }
}
