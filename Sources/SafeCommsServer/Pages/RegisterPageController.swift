import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The registers kept on a case, as pages: its consents and agreements (given, for a time, withdrawn;
/// PD-1.6, PD-12.b, WNL-1.5), its facts as they change (status, crisis, key worker, team; COV-3), and
/// its number sharing (COV-3, PD-1.3); and a line manager's list of numbers shared to acknowledge.
struct RegisterPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        let c = signedIn.grouped("cases", ":caseID")
        c.get("consents", use: consents)
        c.post("consents", use: addConsent)
        c.post("consents", ":consentID", "withdraw", use: withdrawConsent)
        c.get("facts", use: facts)
        c.post("facts", use: changeFacts)
        c.get("number-sharing", use: sharing)
        c.post("number-sharing", use: addSharing)
        signedIn.get("number-sharing", use: toAcknowledge)
        signedIn.post("number-sharing", ":sharingID", "acknowledge", use: acknowledge)
    }

    typealias Option = PageController.Option
    typealias FieldError = PageController.FieldError

    /// The case's own header on each register page.
    struct CaseHeader: Encodable {
        var id: String
        var reference: String
        var name: String
        var status: String
        var canWrite: Bool
    }

    private func readAudit(_ req: Request, _ c: CaseFile, _ what: String) async throws {
        try await req.audit(
            AuditEntry(
                action: .caseRead,
                entity: "case",
                entityID: c.id?.uuidString,
                caseID: c.id,
                detail: what + " (web)"
            )
        )
    }

    private static func today(_ req: Request, _ p: Principal) async throws -> String {
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        return settings.officeHours.localDay(of: Date()).description
    }

    // MARK: Consents

    struct ConsentRow: Encodable {
        var id: String
        var kind: String
        var person: String
        var channel: String
        var givenBy: String
        var reason: String
        var given: String
        var ends: String?
        var state: String
        var inForce: Bool
        var withdrawn: String?
        var recordedBy: String
    }

    struct ConsentForm: Content {
        var kind: String?
        var personId: String?
        var channel: String?
        var givenBy: String?
        var reason: String?
        var givenOn: String?
        var endsOn: String?

        // Page forms name their fields as the API does; form bodies are not converted from snake case.
        enum CodingKeys: String, CodingKey {
            case kind, channel, reason
            case personId = "person_id", givenBy = "given_by", givenOn = "given_on", endsOn = "ends_on"
        }
    }

    struct ConsentsContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var c: CaseHeader
        var done: String?
        var errors: [FieldError]
        var inForce: [ConsentRow]
        var past: [ConsentRow]
        var kinds: [Option]
        var people: [Option]
        var channels: [Option]
        var form: ConsentForm
        var isDSL: Bool
    }

    func consents(req: Request) async throws -> View {
        let (c, p) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "consents")
        return try await renderConsents(req, c, p, form: ConsentForm(), errors: [])
    }

    private func renderConsents(
        _ req: Request,
        _ c: CaseFile,
        _ p: Principal,
        form: ConsentForm,
        errors: [FieldError]
    ) async throws -> View {
        let scope = req.db.scoped(to: p)
        let rows = try await scope.query(Consent.self).filter(\.$caseID == c.requireID()).sort(\.$givenOn, .descending)
            .all()
        let people = try await scope.query(CasePerson.self).filter(\.$caseID == c.requireID()).all()
        let names = try await req.staffNames(p)
        let today = try await Self.today(req, p)
        let personName = Dictionary(
            people.compactMap { x in x.id.map { ($0, x.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        func row(_ x: Consent) -> ConsentRow {
            let state: String
            if let w = x.withdrawnOn {
                state = "Withdrawn on \(w)"
            } else if let e = x.endsOn, e < today {
                state = "Ended on \(e)"
            } else if x.givenOn > today {
                state = "From \(x.givenOn)"
            } else {
                state = "In force"
            }
            return ConsentRow(
                id: x.id!.uuidString,
                kind: x.kind.label,
                person: x.personID.flatMap { personName[$0] } ?? "The case",
                channel: x.channel.map { ChronologyView.channelLabels[$0] ?? $0 } ?? "every channel",
                givenBy: x.givenBy,
                reason: x.reason,
                given: x.givenOn,
                ends: x.endsOn,
                state: state,
                inForce: x.inForce(on: today),
                withdrawn: x.withdrawnOn.map { day in
                    "by \(x.withdrawnByID.flatMap { names[$0] } ?? "someone") on \(day): \(x.withdrawnReason ?? "")"
                },
                recordedBy: names[x.recordedByID] ?? ""
            )
        }
        let all = rows.map(row)
        let isDSL = p.roles.contains(.dsl)
        return try await req.view.render(
            "consents",
            ConsentsContext(
                title: "Consents and agreements: \(c.reference)",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                c: CaseHeader(c, p),
                done: req.queryText("done"),
                errors: errors,
                inForce: all.filter { $0.withdrawn == nil && $0.state == "In force" },
                past: all.filter { $0.withdrawn != nil || $0.state != "In force" },
                kinds: ConsentKind.recordable.filter { isDSL || !$0.needsDSL }.map {
                    Option(value: $0.rawValue, label: $0.label, selected: form.kind == $0.rawValue)
                },
                people: [Option(value: "", label: "The case as a whole", selected: (form.personId ?? "").isEmpty)]
                    + people.map {
                        Option(
                            value: $0.id!.uuidString,
                            label: $0.name + " (" + $0.role.replacingOccurrences(of: "_", with: " ") + ")",
                            selected: form.personId == $0.id!.uuidString
                        )
                    },
                channels: [Option(value: "", label: "Every channel", selected: (form.channel ?? "").isEmpty)]
                    + SafeCommsCore.Channel.checkable.map {
                        Option(
                            value: $0.rawValue,
                            label: ChronologyView.channelLabels[$0.rawValue] ?? $0.rawValue,
                            selected: form.channel == $0.rawValue
                        )
                    },
                form: form,
                isDSL: isDSL
            )
        )
    }

    func addConsent(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(ConsentForm.self)
        do {
            var problems: [ValidationError] = []
            var kind = ConsentKind.textingAgreed
            do { kind = try ConsentKind.parse(form.kind ?? "", field: "kind") } catch { problems.append(error) }
            do { try requireText(form.givenBy ?? "", field: "given_by", max: 200) } catch { problems.append(error) }
            do { try requireText(form.reason ?? "", field: "reason", max: 2000) } catch { problems.append(error) }
            do { try validateDay(form.givenOn ?? "", field: "given_on") } catch { problems.append(error) }
            let endsOn = (form.endsOn ?? "").isEmpty ? nil : form.endsOn
            if let endsOn {
                do { try validateDay(endsOn, field: "ends_on") } catch { problems.append(error) }
            }
            var personID: UUID?
            if let raw = form.personId, !raw.isEmpty {
                personID = UUID(uuidString: raw)
                if personID == nil { problems.append(.init(field: "person_id", reason: "is not someone on this case")) }
            }
            try ValidationErrors(problems).throwIfAny()
            let consent = Consent(
                organisationID: p.organisationID,
                caseID: try c.requireID(),
                personID: personID,
                recordedByID: p.staffID,
                kind: kind,
                channel: (form.channel ?? "").isEmpty ? nil : form.channel,
                givenBy: form.givenBy ?? "",
                reason: form.reason ?? "",
                givenOn: form.givenOn ?? "",
                endsOn: endsOn
            )
            _ = try await CaseRegisters.addConsent(consent, to: c, by: p, audit: try req.auditContext(), on: req.db)
            return req.redirect(to: "/cases/\(c.id!.uuidString)/consents?done=added")
        } catch {
            guard let errors = PageController.fieldErrors(error) else { throw error }
            return try await renderConsents(req, c, p, form: form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    struct WithdrawForm: Content {
        var reason: String?
    }

    func withdrawConsent(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let id = try req.id("consentID", field: "consent_id")
        let form = try req.content.decode(WithdrawForm.self)
        do {
            _ = try await CaseRegisters.withdrawConsent(
                id,
                on: c,
                reason: form.reason ?? "",
                day: try await Self.today(req, p),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/cases/\(c.id!.uuidString)/consents?done=withdrawn")
        } catch {
            guard var errors = PageController.fieldErrors(error) else { throw error }
            // The reason box belongs to this consent's row.
            errors = errors.map {
                FieldError(field: $0.field == "reason" ? "reason-\(id.uuidString)" : $0.field, message: $0.message)
            }
            return try await renderConsents(req, c, p, form: ConsentForm(), errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    // MARK: Facts

    struct FactRow: Encodable {
        var when: String
        var who: String
        var what: String
        var reason: String
    }

    struct FactsForm: Content {
        var status: String?
        var inCrisis: String?
        var keyWorkerId: String?
        var teamId: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case status, reason
            case inCrisis = "in_crisis", keyWorkerId = "key_worker_id", teamId = "team_id"
        }
    }

    struct FactsContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var c: CaseHeader
        var done: Bool
        var errors: [FieldError]
        var inCrisis: Bool
        var crisisChecked: Bool
        var keyWorker: String
        var team: String
        var statuses: [Option]
        var workers: [Option]
        var teams: [Option]
        var canAllocate: Bool
        var reason: String
        var history: [FactRow]
    }

    func facts(req: Request) async throws -> View {
        let (c, p) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "facts")
        return try await renderFacts(req, c, p, form: nil, errors: [])
    }

    private func renderFacts(
        _ req: Request,
        _ c: CaseFile,
        _ p: Principal,
        form: FactsForm?,
        errors: [FieldError]
    ) async throws -> View {
        // After a problem, the form shows what was chosen, not what is stored.
        let status = form?.status ?? c.status.rawValue
        let keyWorker = form?.keyWorkerId ?? c.keyWorkerID?.uuidString ?? ""
        let team = form?.teamId ?? c.teamID?.uuidString ?? ""
        let scope = req.db.scoped(to: p)
        let staff = try await scope.query(StaffMember.self).filter(\.$active == true).all().filter {
            !$0.roles.isDisjoint(with: [.practitioner, .manager, .dsl])
        }.sorted { $0.name < $1.name }
        let teams = try await scope.query(Team.self).all().sorted { $0.name < $1.name }
        let names = try await req.staffNames(p)
        let teamNames = Dictionary(
            teams.compactMap { t in t.id.map { ($0.uuidText, t.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        func describe(_ f: CaseFactChange) -> String {
            func value(_ v: String?) -> String {
                guard let v else { return "none" }
                switch f.fact {
                case CaseFactChange.Fact.status.rawValue:
                    return CaseStatus(rawValue: v).map(PageController.statusLabel) ?? v
                case CaseFactChange.Fact.inCrisis.rawValue: return v == "true" ? "in crisis" : "not in crisis"
                case CaseFactChange.Fact.keyWorker.rawValue:
                    return UUID(uuidString: v).flatMap { names[$0] } ?? "someone"
                default: return teamNames[v] ?? "a team"
                }
            }
            let label =
                switch f.fact {
                case "status": "Status"
                case "in_crisis": "Crisis"
                case "key_worker_id": "Key worker"
                default: "Team"
                }
            return "\(label): \(value(f.before)) to \(value(f.after))"
        }
        let history = try await CaseRegisters.factHistory(of: c, on: req.db)
        return try await req.view.render(
            "case-facts",
            FactsContext(
                title: "Status and allocation: \(c.reference)",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                c: CaseHeader(c, p),
                done: req.queryText("done") == "1",
                errors: errors,
                inCrisis: c.inCrisis,
                crisisChecked: form.map { $0.inCrisis == "yes" } ?? c.inCrisis,
                keyWorker: c.keyWorkerID.flatMap { names[$0] } ?? "None",
                team: c.teamID.flatMap { teamNames[$0.uuidText] } ?? "None",
                statuses: CaseStatus.allCases.map {
                    Option(value: $0.rawValue, label: PageController.statusLabel($0), selected: $0.rawValue == status)
                },
                workers: [Option(value: "", label: "No key worker", selected: keyWorker.isEmpty)]
                    + staff.map {
                        Option(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == keyWorker)
                    },
                teams: [Option(value: "", label: "No team", selected: team.isEmpty)]
                    + teams.map {
                        Option(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == team)
                    },
                canAllocate: AccessPolicy.canAllocate(p, toTeam: c.teamID),
                reason: form?.reason ?? "",
                history: history.map {
                    FactRow(
                        when: WallClockText.dateTime($0.changedAt, zone: zone),
                        who: names[$0.changedByID] ?? "",
                        what: describe($0),
                        reason: $0.reason
                    )
                }
            )
        )
    }

    func changeFacts(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(FactsForm.self)
        do {
            var changes = CaseRegisters.FactChanges(inCrisis: form.inCrisis == "yes", reason: form.reason ?? "")
            if let s = form.status { changes.status = try CaseStatus.parse(s, field: "status") }
            // The allocation fields are on the form only for those who may change them.
            if AccessPolicy.canAllocate(p, toTeam: c.teamID) {
                func id(_ text: String?, _ field: String) throws -> UUID?? {
                    guard let text else { return nil }
                    if text.isEmpty { return .some(nil) }
                    guard let id = UUID(uuidString: text) else {
                        throw ValidationError(field: field, reason: "is not someone in your organisation")
                    }
                    return .some(id)
                }
                changes.keyWorkerID = try id(form.keyWorkerId, "key_worker_id")
                changes.teamID = try id(form.teamId, "team_id")
            }
            _ = try await CaseRegisters.changeFacts(
                of: try c.requireID(),
                changes,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/cases/\(c.id!.uuidString)/facts?done=1")
        } catch {
            guard let errors = PageController.fieldErrors(error) else { throw error }
            return try await renderFacts(req, c, p, form: form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    // MARK: Number sharing

    struct SharingRow: Encodable {
        var id: String
        var decision: String
        var shared: Bool
        var person: String
        var number: String
        var reason: String
        var decided: String
        var worker: String
        var manager: String?
        var acknowledged: String?
        var reference: String?
        var caseID: String?
    }

    struct SharingForm: Content {
        var shared: String?
        var number: String?
        var personId: String?
        var managerAgreedById: String?
        var reason: String?
        var decidedOn: String?

        enum CodingKeys: String, CodingKey {
            case shared, number, reason
            case personId = "person_id", managerAgreedById = "manager_agreed_by_id", decidedOn = "decided_on"
        }
    }

    struct SharingContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var c: CaseHeader
        var done: Bool
        var errors: [FieldError]
        var rows: [SharingRow]
        var people: [Option]
        var managers: [Option]
        var form: SharingForm
        var today: String
    }

    private func rows(
        _ list: [NumberSharing],
        _ req: Request,
        _ p: Principal,
        cases: [UUID: CaseFile]? = nil
    ) async throws -> [SharingRow] {
        let names = try await req.staffNames(p)
        let people = try await req.db.scoped(to: p).query(CasePerson.self).filter(\.$caseID ~~ Set(list.map(\.caseID)))
            .all()
        let personName = Dictionary(
            people.compactMap { x in x.id.map { ($0, x.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        return list.map { s in
            SharingRow(
                id: s.id!.uuidString,
                decision: s.shared ? "Shared" : "Not shared",
                shared: s.shared,
                // A line manager may not read the case: its people are shown only to those who may.
                person: cases.map { $0[s.caseID] == nil } == true
                    ? "Someone on a case you cannot open"
                    : s.personID.flatMap { personName[$0] } ?? "Not named",
                number: s.number,
                reason: s.reason,
                decided: s.decidedOn,
                worker: names[s.staffID] ?? "",
                manager: s.managerAgreedByID.flatMap { names[$0] },
                acknowledged: s.acknowledgedAt.map {
                    "by \(s.acknowledgedByID.flatMap { names[$0] } ?? "") on \(WallClockText.dateTime($0, zone: zone))"
                },
                reference: cases?[s.caseID]?.reference,
                caseID: cases?[s.caseID]?.id?.uuidString
            )
        }
    }

    func sharing(req: Request) async throws -> View {
        let (c, p) = try await CaseAccess.load(req, .read)
        try await readAudit(req, c, "number-sharing")
        return try await renderSharing(req, c, p, form: SharingForm(), errors: [])
    }

    private func renderSharing(
        _ req: Request,
        _ c: CaseFile,
        _ p: Principal,
        form: SharingForm,
        errors: [FieldError]
    ) async throws -> View {
        let scope = req.db.scoped(to: p)
        let list = try await scope.query(NumberSharing.self).filter(\.$caseID == c.requireID())
            .sort(\.$decidedOn, .descending).all()
        let people = try await scope.query(CasePerson.self).filter(\.$caseID == c.requireID()).all()
        let managers = try await scope.query(StaffMember.self).filter(\.$active == true).all().filter {
            ($0.roles.contains(.manager) || $0.roles.contains(.dsl)) && $0.id != p.staffID
        }.sorted { $0.name < $1.name }
        let me = try await scope.query(StaffMember.self).filter(\.$id == p.staffID).first()
        return try await req.view.render(
            "number-sharing",
            SharingContext(
                title: "Number sharing: \(c.reference)",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                c: CaseHeader(c, p),
                done: req.queryText("done") == "1",
                errors: errors,
                rows: try await rows(list, req, p),
                people: people.map {
                    Option(
                        value: $0.id!.uuidString,
                        label: $0.name + " (" + $0.role.replacingOccurrences(of: "_", with: " ") + ")",
                        selected: form.personId == $0.id!.uuidString
                    )
                },
                managers: [
                    Option(
                        value: "",
                        label: "Not decided with a manager",
                        selected: (form.managerAgreedById ?? "").isEmpty
                    )
                ]
                    + managers.map {
                        Option(
                            value: $0.id!.uuidString,
                            label: $0.name,
                            selected: form.managerAgreedById == $0.id!.uuidString
                        )
                    },
                form: SharingForm(
                    shared: form.shared,
                    number: form.number ?? me?.workMobile,
                    personId: form.personId,
                    managerAgreedById: form.managerAgreedById,
                    reason: form.reason,
                    decidedOn: form.decidedOn
                ),
                today: try await Self.today(req, p)
            )
        )
    }

    func addSharing(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(SharingForm.self)
        do {
            var problems: [ValidationError] = []
            if form.shared != "yes" && form.shared != "no" {
                problems.append(.init(field: "shared", reason: "is required: say whether you gave your number"))
            }
            var number = ""
            do { number = try PhoneNumber(parsing: form.number ?? "", field: "number").e164 } catch {
                problems.append(error)
            }
            do { try requireText(form.reason ?? "", field: "reason", max: 2000) } catch { problems.append(error) }
            do { try validateDay(form.decidedOn ?? "", field: "decided_on") } catch { problems.append(error) }
            try ValidationErrors(problems).throwIfAny()
            let row = NumberSharing(
                organisationID: p.organisationID,
                caseID: try c.requireID(),
                staffID: p.staffID,
                personID: form.personId.flatMap(UUID.init(uuidString:)),
                managerAgreedByID: form.managerAgreedById.flatMap(UUID.init(uuidString:)),
                shared: form.shared == "yes",
                number: number,
                reason: form.reason ?? "",
                decidedOn: form.decidedOn ?? ""
            )
            _ = try await CaseRegisters.addSharing(
                row,
                to: c,
                by: p,
                link: req.application.safeCommsConfig.publicURL + "/number-sharing",
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/cases/\(c.id!.uuidString)/number-sharing?done=1")
        } catch {
            guard let errors = PageController.fieldErrors(error) else { throw error }
            return try await renderSharing(req, c, p, form: form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    struct AcknowledgeContext: Encodable {
        var title = "Numbers shared to acknowledge"
        var csrf: String
        var user: String
        var done: Bool
        var rows: [SharingRow]
    }

    func toAcknowledge(req: Request) async throws -> View {
        let p = try await req.principal()
        let list = try await CaseRegisters.sharingsToAcknowledge(for: p, on: req.db)
        let cases = try await req.db.scoped(to: p).query(CaseFile.self).filter(\.$id ~~ Set(list.map(\.caseID))).all()
            .filter { AccessPolicy.canRead(p, $0.allocation) }
        return try await req.view.render(
            "number-sharing-acknowledge",
            AcknowledgeContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                done: req.queryText("done") == "1",
                rows: try await rows(
                    list,
                    req,
                    p,
                    cases: Dictionary(cases.compactMap { c in c.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
                )
            )
        )
    }

    func acknowledge(req: Request) async throws -> Response {
        let p = try await req.principal()
        _ = try await CaseRegisters.acknowledgeSharing(
            try req.id("sharingID", field: "sharing_id"),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: "/number-sharing?done=1")
    }
}
