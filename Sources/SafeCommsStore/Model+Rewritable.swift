import FluentKit
import Foundation
import NIOConcurrencyHelpers

/// A new row's values held for a write that `WriteTransaction` may run more than once.
///
/// Fluent marks a model's values as written once `create` succeeds, even when the transaction
/// around it is then rolled back (a serialization failure at commit): creating the same object
/// again would trap, or create a row with no values. So the values are copied before the first
/// attempt; the first attempt creates the model itself and any later attempt a fresh copy made from
/// those values. Only for new rows: a change to a stored row is made by loading the row inside the
/// transaction and changing it there, so that a second attempt starts from what is stored then and
/// never writes back values someone else has changed meanwhile.
public final class Rewritable<M: Model>: @unchecked Sendable where M.IDValue == UUID {
    public let model: M
    private let values: Data
    private let attempts = NIOLockedValueBox(0)

    public init(_ model: M) throws {
        // A new row gets its id now, so that every attempt writes the same one.
        precondition(!model._$idExists, "Rewritable is for new rows; change a stored row inside the transaction")
        if model.id == nil { model.id = UUID() }
        self.model = model
        values = try JSONEncoder().encode(model)
    }

    /// Creates the row.
    public func save(on db: any Database) async throws {
        let attempt = attempts.withLockedValue { n in
            n += 1
            return n
        }
        if attempt == 1 { return try await model.create(on: db) }
        // A decoded copy holds every value as unwritten.
        try await JSONDecoder().decode(M.self, from: values).create(on: db)
    }
}
