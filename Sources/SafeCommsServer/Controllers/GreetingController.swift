import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Voicemail greetings (COV-4, LIN-5): the one generated from the organisation's template and the
/// member of staff's details, and a check of one they wrote, each problem named with its clause.
struct GreetingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("staff", ":staffID", "greeting", use: greeting)
        routes.post("staff", ":staffID", "greeting", "check", use: check)
    }

    func greeting(req: Request) async throws -> GreetingDTO {
        let facts = try await Greetings.facts(
            of: try req.id("staffID", field: "staff_id"),
            by: try await req.principal(),
            on: req.db
        )
        return GreetingDTO(greeting: try Voicemail.greeting(facts))
    }

    func check(req: Request) async throws -> GreetingCheckDTO {
        let facts = try await Greetings.facts(
            of: try req.id("staffID", field: "staff_id"),
            by: try await req.principal(),
            on: req.db
        )
        let text = try req.content.decode(GreetingInput.self).greeting
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.count <= 5_000 else {
            throw SafeCommsCore.ValidationError(field: "greeting", reason: "is required, at most 5,000 characters")
        }
        return GreetingCheckDTO(
            problems: Voicemail.problems(in: text, facts).map {
                GreetingCheckDTO.Problem(clause: $0.clause, message: $0.message)
            }
        )
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let v = self else { return nil }
        return try await transform(v)
    }
}

struct GreetingInput: Content {
    var greeting: String
}

struct GreetingDTO: Content {
    var greeting: String
}

struct GreetingCheckDTO: Content {
    struct Problem: Content {
        var clause: String
        var message: String
    }

    var problems: [Problem]
}
