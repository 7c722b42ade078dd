import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/cases/:caseID/phone`: a young person's phone as a page: their acceptable-use agreement and the
/// rule of their setting (WNL-1.4, WNL-6.3.1–WNL-6.3.4), and each hand-in and return or, at our
/// centre, the switched-off confirmation.
struct YoungPersonPhonePageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped(StaffMember.redirectMiddleware(path: "/login")).grouped("cases", ":caseID")
        c.get("phone", use: show)
        c.post("phone", "agreement", use: agree)
        c.post("phone", "hand-in", use: handIn)
        c.post("phone", "hand-ins", ":handInID", "return", use: returnPhone)
    }

    typealias Option = PageController.Option
    typealias FieldError = PageController.FieldError

    struct AgreementRow: Encodable {
        var person: String
        var setting: String
        var rule: String
        var personalUse: String
        var agreedOn: String
        var recordedBy: String
    }

    struct HandInRow: Encodable {
        var id: String
        var person: String
        var switchedOff: Bool
        var at: String
        var keptWhere: String
        var receivedBy: String
        var returned: String?
    }

    struct Form: Content {
        var personId: String?
        var setting: String?
        var rule: String?
        var personalUse: String?
        var agreedOn: String?
        var keptWhere: String?

        enum CodingKeys: String, CodingKey {
            case setting, rule
            case personId = "person_id", personalUse = "personal_use", agreedOn = "agreed_on",
                keptWhere = "kept_where"
        }
    }

    struct Context: Encodable {
        var title: String
        var csrf: String
        var user: String
        var c: RegisterPageController.CaseHeader
        var done: String?
        var errors: [FieldError]
        var current: AgreementRow?
        var atCentre: Bool
        var earlier: [AgreementRow]
        var open: [HandInRow]
        var history: [HandInRow]
        var people: [Option]
        var settings: [Option]
        var form: Form
        var today: String
    }

    func show(req: Request) async throws -> View {
        let (c, p) = try await CaseAccess.load(req, .read)
        try await req.audit(
            AuditEntry(
                action: .caseRead,
                entity: "case",
                entityID: c.id?.uuidString,
                caseID: c.id,
                detail: "phone (web)"
            )
        )
        return try await render(req, c, p, form: Form(), errors: [])
    }

    private func render(
        _ req: Request,
        _ c: CaseFile,
        _ p: Principal,
        form: Form,
        errors: [FieldError]
    ) async throws
        -> View
    {
        let register = try await YoungPeoplesPhones.register(of: c, on: req.db)
        let scope = req.db.scoped(to: p)
        let children = try await scope.query(CasePerson.self).filter(\.$caseID == c.requireID())
            .filter(\.$role == PersonRole.child.rawValue).all()
        let personName = Dictionary(
            children.compactMap { x in x.id.map { ($0, x.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        let names = try await req.staffNames(p)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let zone = settings.timeZone
        func agreement(_ a: PhoneAgreement) -> AgreementRow {
            AgreementRow(
                person: personName[a.personID] ?? "",
                setting: a.setting.label,
                rule: a.rule,
                personalUse: a.personalUse,
                agreedOn: a.agreedOn,
                recordedBy: names[a.recordedByID] ?? ""
            )
        }
        let rows = register.handIns.map { h in
            HandInRow(
                id: h.id!.uuidString,
                person: personName[h.personID] ?? "",
                switchedOff: h.kind == .switchedOff,
                at: WallClockText.dateTime(h.at, zone: zone),
                keptWhere: h.keptWhere ?? "",
                receivedBy: names[h.receivedByID] ?? "",
                returned: h.returnedAt.map {
                    "\(WallClockText.dateTime($0, zone: zone)) by \(h.returnedByID.flatMap { names[$0] } ?? "")"
                }
            )
        }
        let isOpen = { (r: HandInRow) in !r.switchedOff && r.returned == nil }
        let header = RegisterPageController.CaseHeader(c, p)
        return try await req.view.render(
            "young-person-phone",
            Context(
                title: "Young person's phone: \(c.reference)",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                c: header,
                done: req.queryText("done"),
                errors: errors,
                current: register.agreements.first.map(agreement),
                atCentre: register.agreements.first?.setting == .ourCentre,
                earlier: register.agreements.dropFirst().map(agreement),
                open: rows.filter(isOpen),
                history: rows.filter { !isOpen($0) },
                people: children.map {
                    Option(value: $0.id!.uuidString, label: $0.name, selected: form.personId == $0.id!.uuidString)
                },
                settings: PhoneSetting.allCases.map {
                    Option(value: $0.rawValue, label: $0.label, selected: form.setting == $0.rawValue)
                },
                form: form,
                today: settings.officeHours.localDay(of: Date()).description
            )
        )
    }

    private func person(_ form: Form) -> UUID? { form.personId.flatMap(UUID.init(uuidString:)) }

    func agree(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(Form.self)
        do {
            var problems: [ValidationError] = []
            var setting = PhoneSetting.workplace
            do { setting = try PhoneSetting.parse(form.setting ?? "", field: "setting") } catch {
                problems.append(error)
            }
            do { try requireText(form.personalUse ?? "", field: "personal_use", max: 2000) } catch {
                problems.append(error)
            }
            do { try validateDay(form.agreedOn ?? "", field: "agreed_on") } catch { problems.append(error) }
            try ValidationErrors(problems).throwIfAny()
            let rule = (form.rule ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await YoungPeoplesPhones.agree(
                person: person(form),
                on: c,
                setting: setting,
                rule: rule.isEmpty ? setting.usualRule : String(rule.prefix(2000)),
                personalUse: form.personalUse ?? "",
                agreedOn: form.agreedOn ?? "",
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/cases/\(c.id!.uuidString)/phone?done=agreed")
        } catch {
            guard let errors = PageController.fieldErrors(error) else { throw error }
            return try await render(req, c, p, form: form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    func handIn(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(Form.self)
        do {
            _ = try await YoungPeoplesPhones.handIn(
                person: person(form),
                on: c,
                keptWhere: form.keptWhere,
                at: Date(),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/cases/\(c.id!.uuidString)/phone?done=in")
        } catch {
            guard let errors = PageController.fieldErrors(error) else { throw error }
            return try await render(req, c, p, form: form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    func returnPhone(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        _ = try await YoungPeoplesPhones.returnPhone(
            try req.id("handInID", field: "hand_in_id"),
            on: c,
            at: Date(),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: "/cases/\(c.id!.uuidString)/phone?done=returned")
    }
}
