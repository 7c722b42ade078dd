import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// A young person's phone on their case (WNL-1.4, WNL-6.3.1–WNL-6.3.4): the acceptable-use agreement
/// and each hand-in and return, or switched-off confirmation.
struct YoungPersonPhoneController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("cases", ":caseID")
        c.get("phone-register", use: register)
        c.post("phone-agreements", use: agree)
        c.post("phone-hand-ins", use: handIn)
        c.post("phone-hand-ins", ":handInID", "return", use: returnPhone)
    }

    struct AgreementInput: Content {
        var personId: UUID?
        var setting: String
        var rule: String?
        var personalUse: String
        var agreedOn: String
    }

    struct AgreementDTO: Content {
        var id: UUID?
        var caseId: UUID
        var personId: UUID
        var setting: String
        var clause: String
        var rule: String
        var personalUse: String
        var agreedOn: String
        var recordedById: UUID
        var recordedAt: Date

        init(_ a: PhoneAgreement) {
            id = a.id
            caseId = a.caseID
            personId = a.personID
            setting = a.setting.rawValue
            clause = a.setting.clause
            rule = a.rule
            personalUse = a.personalUse
            agreedOn = a.agreedOn
            recordedById = a.recordedByID
            recordedAt = a.recordedAt
        }
    }

    struct HandInInput: Content {
        var personId: UUID?
        var keptWhere: String?
        /// Now when not given.
        var at: String?
    }

    struct ReturnInput: Content {
        var at: String?
    }

    struct HandInDTO: Content {
        var id: UUID?
        var caseId: UUID
        var personId: UUID
        var kind: String
        var at: Date
        var keptWhere: String?
        var receivedById: UUID
        var returnedAt: Date?
        var returnedById: UUID?

        init(_ h: PhoneHandIn) {
            id = h.id
            caseId = h.caseID
            personId = h.personID
            kind = h.kind.rawValue
            at = h.at
            keptWhere = h.keptWhere
            receivedById = h.receivedByID
            returnedAt = h.returnedAt
            returnedById = h.returnedByID
        }
    }

    struct RegisterDTO: Content {
        var agreements: [AgreementDTO]
        var handIns: [HandInDTO]
    }

    func register(req: Request) async throws -> RegisterDTO {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await req.audit(
            AuditEntry(
                action: .caseRead,
                entity: "case",
                entityID: c.id?.uuidString,
                caseID: c.id,
                detail: "phone-register"
            )
        )
        let r = try await YoungPeoplesPhones.register(of: c, on: req.db)
        return RegisterDTO(agreements: r.agreements.map(AgreementDTO.init), handIns: r.handIns.map(HandInDTO.init))
    }

    func agree(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(AgreementInput.self)
        var problems: [ValidationError] = []
        var setting = PhoneSetting.workplace
        do { setting = try PhoneSetting.parse(input.setting, field: "setting") } catch { problems.append(error) }
        let rule = (input.rule ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if rule.count > 2000 { problems.append(.init(field: "rule", reason: "is longer than 2000 characters")) }
        do { try requireText(input.personalUse, field: "personal_use", max: 2000) } catch { problems.append(error) }
        do { try validateDay(input.agreedOn, field: "agreed_on") } catch { problems.append(error) }
        try ValidationErrors(problems).throwIfAny()
        let row = try await YoungPeoplesPhones.agree(
            person: input.personId,
            on: c,
            setting: setting,
            // The setting's usual rule when none is written (WNL-6.3.x).
            rule: rule.isEmpty ? setting.usualRule : rule,
            personalUse: input.personalUse,
            agreedOn: input.agreedOn,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await AgreementDTO(row).encodeResponse(status: .created, for: req)
    }

    func handIn(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(HandInInput.self)
        let at = try pastInstant(input.at)
        let row = try await YoungPeoplesPhones.handIn(
            person: input.personId,
            on: c,
            keptWhere: input.keptWhere,
            at: at,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await HandInDTO(row).encodeResponse(status: .created, for: req)
    }

    func returnPhone(req: Request) async throws -> HandInDTO {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = req.body.data == nil ? ReturnInput() : try req.content.decode(ReturnInput.self)
        let at = try pastInstant(input.at)
        return HandInDTO(
            try await YoungPeoplesPhones.returnPhone(
                try req.id("handInID", field: "hand_in_id"),
                on: c,
                at: at,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        )
    }
}
