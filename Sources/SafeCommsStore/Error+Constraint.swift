/// Whether a database error is a unique-constraint violation, on SQLite or PostgreSQL. Checks made
/// before an insert cannot stop two requests racing; the constraint does, and this lets the caller
/// answer with the field at fault instead of a 500.
extension Error {
    public var isUniqueViolation: Bool {
        let text = String(reflecting: self)
        return text.contains("UNIQUE constraint failed") || text.contains("23505")
            || text.contains("duplicate key value")
    }
}
