import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The people on a case, its consents and its number-sharing decisions (COV-3, PD-1.3, WNL-6.3.x).
struct CaseRegisterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("cases", ":caseID")
        c.get("people", use: listPeople)
        c.post("people", use: addPerson)
        c.get("consents", use: listConsents)
        c.post("consents", use: addConsent)
        c.post("consents", ":consentID", "withdraw", use: withdrawConsent)
        c.get("number-sharing", use: listSharing)
        c.post("number-sharing", use: addSharing)
        c.get("facts", use: factHistory)
        c.post("facts", use: changeFacts)
        routes.get("number-sharing", "to-acknowledge", use: toAcknowledge)
        routes.post("number-sharing", ":sharingID", "acknowledge", use: acknowledge)
    }

    func listPeople(req: Request) async throws -> [PersonDTO] {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "people")
        return try await req.db.scoped(to: c.organisationID).query(CasePerson.self).filter(\.$caseID == c.requireID())
            .all()
            // Names are sealed at rest, so they are put in order once opened.
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }.map(PersonDTO.init)
    }

    func addPerson(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(PersonInput.self)
        var problems: [ValidationError] = []
        do { _ = try PersonRole.parse(input.role, field: "role") } catch { problems.append(error) }
        do { try requireText(input.name, field: "name", max: 200) } catch { problems.append(error) }
        if let d = input.dateOfBirth {
            do { try validateDay(d, field: "date_of_birth") } catch { problems.append(error) }
        }
        var phone: String?
        if let raw = input.phone, !raw.isEmpty {
            do { phone = try PhoneNumber(parsing: raw, field: "phone").e164 } catch { problems.append(error) }
        }
        if let e = input.email, !e.isEmpty, !EmailAddress.isPlausible(e) {
            problems.append(.init(field: "email", reason: "'\(e)' is not an e-mail address"))
        }
        try ValidationErrors(problems).throwIfAny()
        let person = CasePerson(
            organisationID: p.organisationID,
            caseID: try c.requireID(),
            role: input.role,
            name: input.name,
            aliases: input.aliases ?? [],
            dateOfBirth: input.dateOfBirth,
            address: input.address,
            postcode: input.postcode,
            phone: phone,
            email: input.email?.lowercased()
        )
        _ = try await CaseRegisters.addPerson(person, to: c, audit: try req.auditContext(), on: req.db)
        return try await PersonDTO(person).encodeResponse(status: .created, for: req)
    }

    func listConsents(req: Request) async throws -> [ConsentDTO] {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "consents")
        return try await req.db.scoped(to: c.organisationID).query(Consent.self).filter(\.$caseID == c.requireID())
            .sort(\.$givenOn).all().map(
                ConsentDTO.init
            )
    }

    func addConsent(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(ConsentInput.self)
        var problems: [ValidationError] = []
        var kind = ConsentKind.parentPermission
        do { kind = try ConsentKind.parse(input.kind, field: "kind") } catch { problems.append(error) }
        if let ch = input.channel {
            do { _ = try SafeCommsCore.Channel.parse(ch, field: "channel") } catch { problems.append(error) }
        }
        do { try requireText(input.givenBy, field: "given_by", max: 200) } catch { problems.append(error) }
        do { try requireText(input.reason, field: "reason", max: 2000) } catch { problems.append(error) }
        do { try validateDay(input.givenOn, field: "given_on") } catch { problems.append(error) }
        if let end = input.endsOn {
            do { try validateDay(end, field: "ends_on") } catch { problems.append(error) }
        }
        try ValidationErrors(problems).throwIfAny()
        let consent = Consent(
            organisationID: p.organisationID,
            caseID: try c.requireID(),
            personID: input.personId,
            recordedByID: p.staffID,
            kind: kind,
            channel: input.channel,
            givenBy: input.givenBy,
            reason: input.reason,
            givenOn: input.givenOn,
            endsOn: input.endsOn
        )
        _ = try await CaseRegisters.addConsent(consent, to: c, by: p, audit: try req.auditContext(), on: req.db)
        return try await ConsentDTO(consent).encodeResponse(status: .created, for: req)
    }

    func withdrawConsent(req: Request) async throws -> ConsentDTO {
        let (c, p) = try await CaseAccess.load(req, .write)
        let id = try req.id("consentID", field: "consent_id")
        let input = try req.content.decode(WithdrawalInput.self)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let day = input.withdrawnOn ?? settings.officeHours.localDay(of: Date()).description
        try validateDay(day, field: "withdrawn_on")
        return ConsentDTO(
            try await CaseRegisters.withdrawConsent(
                id,
                on: c,
                reason: input.reason,
                day: day,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        )
    }

    func factHistory(req: Request) async throws -> [CaseFactDTO] {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "facts")
        return try await CaseRegisters.factHistory(of: c, on: req.db).map(CaseFactDTO.init)
    }

    func changeFacts(req: Request) async throws -> [CaseFactDTO] {
        let (c, p) = try await CaseAccess.load(req, .write)
        let changes = try req.content.decode(CaseFactsInput.self).changes()
        return try await CaseRegisters.changeFacts(
            of: try c.requireID(),
            changes,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        ).map(CaseFactDTO.init)
    }

    func toAcknowledge(req: Request) async throws -> [NumberSharingDTO] {
        let p = try await req.principal()
        return try await CaseRegisters.sharingsToAcknowledge(for: p, on: req.db).map(NumberSharingDTO.init)
    }

    func acknowledge(req: Request) async throws -> NumberSharingDTO {
        let p = try await req.principal()
        return NumberSharingDTO(
            try await CaseRegisters.acknowledgeSharing(
                try req.id("sharingID", field: "sharing_id"),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        )
    }

    func listSharing(req: Request) async throws -> [NumberSharingDTO] {
        let (c, _) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "number-sharing")
        return try await req.db.scoped(to: c.organisationID).query(NumberSharing.self).filter(
            \.$caseID == c.requireID()
        ).sort(\.$decidedOn).all()
            .map(NumberSharingDTO.init)
    }

    func addSharing(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(NumberSharingInput.self)
        var problems: [ValidationError] = []
        var number = ""
        do { number = try PhoneNumber(parsing: input.number, field: "number").e164 } catch { problems.append(error) }
        do { try requireText(input.reason, field: "reason", max: 2000) } catch { problems.append(error) }
        do { try validateDay(input.decidedOn, field: "decided_on") } catch { problems.append(error) }
        try ValidationErrors(problems).throwIfAny()
        let row = NumberSharing(
            organisationID: p.organisationID,
            caseID: try c.requireID(),
            staffID: p.staffID,
            personID: input.personId,
            managerAgreedByID: input.managerAgreedById,
            shared: input.shared,
            number: number,
            reason: input.reason,
            decidedOn: input.decidedOn
        )
        _ = try await CaseRegisters.addSharing(
            row,
            to: c,
            by: p,
            link: req.application.safeCommsConfig.publicURL + "/number-sharing",
            audit: try req.auditContext(),
            on: req.db
        )
        return try await NumberSharingDTO(row).encodeResponse(status: .created, for: req)
    }

    private func readAudit(_ req: Request, _ c: CaseFile, _ what: String) async throws {
        try await req.audit(
            AuditEntry(action: .caseRead, entity: "case", entityID: c.id?.uuidString, caseID: c.id, detail: what)
        )
    }
}
