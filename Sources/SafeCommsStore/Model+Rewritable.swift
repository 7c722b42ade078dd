import FluentKit
import Foundation
import NIOConcurrencyHelpers

/// A model's values held for a write that `WriteTransaction` may run more than once.
///
/// Fluent marks a model's values as written once `create` or `save` succeeds, even when the
/// transaction around it is then rolled back (a serialization failure at commit): saving the same
/// object again would write nothing, or create a row with no values. So the values are copied
/// before the first attempt; the first attempt writes the model itself and any later attempt a
/// fresh copy made from those values.
public final class Rewritable<M: Model>: @unchecked Sendable where M.IDValue == UUID {
    public let model: M
    private let values: Data
    private let existed: Bool
    private let attempts = NIOLockedValueBox(0)

    public init(_ model: M) throws {
        // A new row gets its id now, so that every attempt writes the same one.
        if model.id == nil { model.id = UUID() }
        self.model = model
        values = try JSONEncoder().encode(model)
        existed = model._$idExists
    }

    /// Creates the row, or updates it when the model was loaded from the store.
    public func save(on db: any Database) async throws {
        let attempt = attempts.withLockedValue { n in
            n += 1
            return n
        }
        if attempt == 1 { return try await model.save(on: db) }
        // A decoded copy holds every value as unwritten: saved, it creates the row or (marked as
        // existing) updates every column of it.
        let copy = try JSONDecoder().decode(M.self, from: values)
        copy._$idExists = existed
        try await copy.save(on: db)
    }
}
