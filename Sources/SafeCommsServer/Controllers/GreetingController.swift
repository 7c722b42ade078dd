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
        let facts = try await Self.facts(req)
        return GreetingDTO(greeting: try Voicemail.greeting(facts))
    }

    func check(req: Request) async throws -> GreetingCheckDTO {
        let facts = try await Self.facts(req)
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

    /// The person's name and e-mail, their team's covered landline (or hunt group) as the alternative
    /// number, and the organisation's office hours, emergency duty team and customer service centre.
    static func facts(_ req: Request) async throws -> Voicemail.Facts {
        let p = try await req.principal()
        let s = try await PhoneController.staffMember(
            try req.id("staffID", field: "staff_id"),
            p,
            req
        )
        guard AccessPolicy.canManagePhones(p, of: try s.allocation) else {
            throw Abort(.forbidden, reason: "only they, their managers or business support may see this")
        }
        return try await facts(for: s, organisationID: p.organisationID, on: req)
    }

    static func facts(for s: StaffMember, organisationID: UUID, on req: Request) async throws -> Voicemail.Facts {
        let settings = try await req.application.organisationSettings.settings(for: organisationID, on: req.db)
        let team =
            try await s.teamID.asyncMap { id in
                try await Team.query(on: req.db).filter(\.$id == id).filter(\.$organisationID == organisationID).first()
            } ?? nil
        guard let alternative = team?.coveredLandline ?? team?.huntGroupNumber else {
            throw SafeCommsCore.ValidationError(
                field: "covered_landline",
                reason:
                    "\(s.name)'s team has no covered landline or hunt group number to give as the alternative number (LIN-5)"
            )
        }
        return Voicemail.Facts(
            name: s.name,
            alternativeNumber: alternative,
            email: s.email,
            officeHours: settings.officeHours,
            emergencyDutyTeamNumber: settings.emergencyDutyTeamNumber,
            customerServiceCentreNumber: settings.customerServiceCentreNumber
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
