import FluentKit
import Foundation
import SQLKit

/// API tokens get a scope and an expiry. Tokens made before could do anything their holder may and
/// never expired: they keep their reach and now expire `TokenScope.defaultDays` after this migration
/// runs, so no machine client stops at once, and none goes on for ever.
struct M040_AddTokenScopeAndExpiry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let expiry = Date().addingTimeInterval(Double(90 * 86_400))
        try await database.schema(APIToken.schema)
            .field("scope", .string, .required, .sql(.default("read_write")))
            .update()
        // SQLite adds a NOT NULL column only with a constant default, and no time is right for every
        // row: the column may hold NULL, every row is given its expiry at once, every new token is made
        // with one, and a token whose expiry is missing is refused as expired (`forTokens`).
        try await database.schema(APIToken.schema).field("expires_at", .datetime).update()
        try await APIToken.query(on: database).set(\.$expiresAt, to: expiry).update()
        // Who holds which tokens, for the pages that list them.
        try await (database as! any SQLDatabase).create(index: "api_tokens_by_staff").on(APIToken.schema)
            .column("staff_id").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "api_tokens_by_staff").run()
        try await database.schema(APIToken.schema).deleteField("expires_at").update()
        try await database.schema(APIToken.schema).deleteField("scope").update()
    }
}
