import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Phones by the rules (LIN-1 … LIN-13, COV-4 … COV-7): where a call goes now, and the availability it depends on.
/// `GET /route` lets a telephony platform ask, and a worker see "calls to you go to …"; a member of
/// staff (or their manager) keeps their desk and divert settings; leave and unexpected absence move
/// their calls to the team's hunt group at once. Every change is in the audit trail.
struct PhoneController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("route", use: route)
        let staff = routes.grouped("staff", ":staffID")
        staff.put("phone", use: setPhone)
        staff.post("absences", use: addAbsence)
        routes.get("absences", ":absenceID", "checklist", use: checklist)
        routes.get("devices", "compliance", use: compliance)
        staff.post("confirm", use: confirm)
        routes.get("directory", "stale", use: stale)
        routes.post("absences", ":absenceID", "checklist", ":step", use: doStep)
    }

    /// `?case=ID` (the key worker and team of a case the caller may read: LIN-1), `?number=` (the number
    /// dialled: a member of staff's desk or mobile, or a hunt group), `?staff=ID` or `?team=ID`, in that
    /// order of preference; `at` (ISO 8601) defaults to now.
    func route(req: Request) async throws -> RouteDTO {
        let p = try await req.require(.readDirectory)
        let at = try req.query[String.self, at: "at"].map { try Self.instant($0, field: "at") } ?? Date()
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let directory = try await PhoneDirectoryLoader.load(
            organisationID: p.organisationID,
            settings: settings,
            at: at,
            on: req.db
        )
        var workerID: UUID?, teamID: UUID?
        if let caseID = req.query[String.self, at: "case"] {
            let (c, _) = try await CaseAccess.load(req, .read, id: try Self.uuid(caseID, field: "case"))
            workerID = c.keyWorkerID
            teamID = c.teamID
        } else if let dialled = req.query[String.self, at: "number"] {
            guard let owner = directory.owner(of: try PhoneNumber(parsing: dialled, field: "number").e164) else {
                throw Abort(.notFound, reason: "no member of staff or hunt group has that number")
            }
            (workerID, teamID) = owner
        } else if let staffID = req.query[String.self, at: "staff"] {
            let s = try await PhoneFollowUps.staffMember(try Self.uuid(staffID, field: "staff"), of: p, on: req.db)
            workerID = s.id
            teamID = s.teamID
        } else if let team = req.query[String.self, at: "team"] {
            let id = try Self.uuid(team, field: "team")
            guard
                try await req.db.scoped(to: p.organisationID).query(Team.self).filter(\.$id == id)
                    .first() != nil
            else {
                throw Abort(.notFound, reason: "no such team")
            }
            teamID = id
        } else {
            throw SafeCommsCore.ValidationError(
                field: "case",
                reason:
                    "name a case, the number dialled (number), a member of staff (staff) or a team (team) to route a call for"
            )
        }
        let decision = CallRouter(directory: directory, settings: settings).route(
            forWorker: workerID,
            team: teamID,
            at: at
        )
        return RouteDTO(decision, at: at)
    }

    /// The member of staff's desk number, whether they are logged in at the desk (LIN-3) or paired to
    /// their mobile (LIN-4), and where their calls are diverted (a hunt group only, LIN-12).
    func setPhone(req: Request) async throws -> PhoneStatusDTO {
        let p = try await req.principal()
        let s = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        let change = try req.content.decode(PhoneStatusInput.self).change
        return PhoneStatusDTO(
            try await PhoneStatusChange.set(of: s, change, by: p, audit: try req.auditContext(), on: req.db)
        )
    }

    /// Leave (`leave`: the person or their managers) or an unexpected absence (`unexpected`: their line
    /// manager, LIN-13). Calls move to the team's hunt group from `starts_at`.
    func addAbsence(req: Request) async throws -> Response {
        let p = try await req.principal()
        let s = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        let input = try req.content.decode(AbsenceInput.self)
        guard let kind = PhoneDirectory.Absence.Kind(rawValue: input.kind) else {
            throw SafeCommsCore.ValidationError(
                field: "kind",
                reason: "'\(input.kind)' is not one of leave, unexpected"
            )
        }
        let allowed =
            kind == .leave
            ? AccessPolicy.canManagePhones(p, of: try s.allocation)
            : AccessPolicy.canReportUnexpectedAbsence(p, of: try s.allocation)
        guard allowed else {
            throw Abort(
                .forbidden,
                reason: kind == .leave
                    ? "only they or their managers may record leave"
                    : "an unexpected absence is started by the line manager (LIN-13)"
            )
        }
        let starts = try Self.instant(input.startsAt, field: "starts_at")
        let ends = try input.endsAt.map { try Self.instant($0, field: "ends_at") }
        if let ends, ends <= starts {
            throw SafeCommsCore.ValidationError(field: "ends_at", reason: "must be after starts_at")
        }
        if kind == .leave, ends == nil {
            throw SafeCommsCore.ValidationError(
                field: "ends_at",
                reason: "leave needs the date the person is expected back (LIN-8)"
            )
        }
        let absence = StaffAbsence(
            organisationID: s.organisationID,
            staffID: try s.requireID(),
            recordedByID: p.staffID,
            kind: kind.rawValue,
            startsAt: starts,
            endsAt: ends
        )
        // LIN-5, LIN-6: away for longer than voicemail will be picked up, so their voicemail goes off (the
        // router already sends their calls to the hunt group), in the same transaction.
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let silence = DeviceCompliance.voicemailMustGoOff(
            .init(kind: kind, from: starts, until: ends),
            pickupHours: settings.voicemailPickupHours
        )
        let row = try Rewritable(absence)
        let organisationID = p.organisationID, holderID = try s.requireID()
        // The devices are found inside the transaction: a voicemail switched on meanwhile goes off too.
        let silenced = try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
            try await row.save(on: tx)
            let silenced =
                silence
                ? try await tx.scoped(to: organisationID).query(Device.self).filter(
                    \.$holderID == holderID
                )
                .filter(\.$voicemailEnabled == true).all()
                : []
            if !silenced.isEmpty {
                try await tx.scoped(to: organisationID).query(Device.self).filter(\.$id ~~ silenced.compactMap(\.id))
                    .set(
                        \.$voicemailEnabled,
                        to: false
                    ).update()
            }
            return (
                silenced,
                [
                    AuditEntry(
                        action: kind == .leave ? .leaveRecorded : .unexpectedAbsenceRecorded,
                        entity: "staff",
                        entityID: holderID.uuidString
                    )
                ]
                    + silenced.map {
                        AuditEntry(
                            action: .voicemailTurnedOff,
                            entity: "device",
                            entityID: $0.id?.uuidString,
                            detail: "LIN-5"
                        )
                    }
            )
        }
        var dto = AbsenceDTO(absence)
        dto.voicemailTurnedOff = silenced.map(\.address)
        // LIN-13: the manager who records an unexpected absence gets its checklist straight away.
        if kind == .unexpected { dto.checklist = AbsenceChecklist.steps.map { ChecklistStepDTO($0, nil) } }
        if kind == .leave, let ends {
            try await Self.leaveMessages(&dto, for: s, returning: ends, colleagueID: input.colleagueId, p, req)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// LIN-8: the voicemail greeting and the out-of-office reply for leave, with the return date and a
    /// colleague to contact; what is missing is a warning, since the leave itself must still be saved.
    static func leaveMessages(
        _ dto: inout AbsenceDTO,
        for s: StaffMember,
        returning: Date,
        colleagueID: UUID?,
        _ p: Principal,
        _ req: Request
    ) async throws {
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let day = settings.officeHours.localDay(of: returning)
        var warnings: [String] = []
        var colleague: StaffMember?
        if let colleagueID {
            colleague = try await PhoneFollowUps.staffMember(colleagueID, of: p, on: req.db)
        } else {
            warnings.append(
                "LIN-8: name a colleague (colleague_id) callers and e-mailers can contact while you are away."
            )
        }
        let colleagueNumber = colleague?.workMobile
        do {
            let facts = try await Greetings.facts(for: s, on: req.db)
            if let colleague {
                dto.voicemailGreeting = try Voicemail.leaveGreeting(
                    facts,
                    returning: day,
                    colleague: colleague.name,
                    colleagueNumber: colleagueNumber ?? facts.alternativeNumber
                )
            }
            dto.outOfOffice = OutOfOffice.leaveReply(
                name: s.name,
                returning: day,
                colleague: colleague?.name,
                colleagueContact: colleague.map {
                    [$0.email, $0.workMobile].compactMap { $0 }.joined(separator: ", ")
                },
                alternativeNumber: facts.alternativeNumber
            )
        } catch let error as SafeCommsCore.ValidationError {
            warnings.append("LIN-8: no greeting could be made: \(error.description)")
        } catch let error as ValidationErrors {
            warnings.append("LIN-8: no greeting could be made: \(error.description)")
        }
        dto.warnings = warnings
    }

    /// LIN-13: the steps for an unexpected absence, each with who did it and when (the person and
    /// their managers may read it).
    func checklist(req: Request) async throws -> [ChecklistStepDTO] {
        let absence = try await Absences.unexpected(
            try req.id("absenceID", field: "absence_id"),
            by: try await req.principal(),
            toChange: false,
            on: req.db
        )
        let done = try await req.db.scoped(to: absence.organisationID).query(AbsenceStep.self).filter(
            \.$absenceID == (try absence.requireID())
        ).all()
        return AbsenceChecklist.steps.map { step in ChecklistStepDTO(step, done.first { $0.step == step.id }) }
    }

    /// Records a step as done, by the line or team manager (409 when it already was).
    func doStep(req: Request) async throws -> Response {
        let p = try await req.principal()
        let absence = try await Absences.unexpected(
            try req.id("absenceID", field: "absence_id"),
            by: p,
            toChange: true,
            on: req.db
        )
        let id = req.parameters.get("step") ?? ""
        guard let step = AbsenceChecklist.step(id) else {
            throw SafeCommsCore.ValidationError(
                field: "step",
                reason: "'\(id)' is not one of \(AbsenceChecklist.steps.map(\.id).joined(separator: ", "))"
            )
        }
        let note = try req.content.decode(ChecklistStepInput.self).note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let record = AbsenceStep(
            organisationID: p.organisationID,
            absenceID: try absence.requireID(),
            doneByID: p.staffID,
            step: step.id,
            note: note.map { String($0.prefix(1_000)) }
        )
        let row = try Rewritable(record)
        do {
            try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
                try await row.save(on: tx)
                return (
                    (),
                    [
                        AuditEntry(
                            action: .absenceStepDone,
                            entity: "absence",
                            entityID: absence.id?.uuidString,
                            detail: step.id
                        )
                    ]
                )
            }
        } catch  where error.isUniqueViolation {
            throw Abort(.conflict, reason: "\(step.id) was already recorded as done")
        }
        return try await ChecklistStepDTO(step, record).encodeResponse(status: .created, for: req)
    }

    /// LIN-11: the member of staff confirms their contact details and availability are up to date
    /// (only they can: it is their word that they are).
    func confirm(req: Request) async throws -> PhoneStatusDTO {
        let p = try await req.principal()
        let s = try await PhoneFollowUps.staffMember(try req.id("staffID", field: "staff_id"), of: p, on: req.db)
        let id = try s.requireID()
        guard id == p.staffID else {
            throw Abort(.forbidden, reason: "only they can confirm their own details (LIN-11)")
        }
        let organisationID = s.organisationID
        let status = try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
            let status =
                try await tx.scoped(to: organisationID).find(PhoneStatus.self, id)
                ?? PhoneStatus(
                    staffID: id,
                    organisationID: organisationID,
                    deskNumber: nil,
                    deskLoggedIn: false,
                    deskPairedToMobile: false,
                    divertTo: nil
                )
            status.confirmedAt = Date()
            try await status.save(on: tx)
            return (status, [AuditEntry(action: .directoryConfirmed, entity: "staff", entityID: id.uuidString)])
        }
        return PhoneStatusDTO(status)
    }

    /// LIN-11: active staff whose details were not confirmed in the last `days` (default 90), longest
    /// unconfirmed first, so each owner (and whoever keeps the directory) sees who must update.
    func stale(req: Request) async throws -> [StaleEntryDTO] {
        let p = try await req.require(.readDirectory)
        let days = req.query[Int.self, at: "days"] ?? 90
        guard (1...3650).contains(days) else {
            throw SafeCommsCore.ValidationError(field: "days", reason: "must be between 1 and 3650")
        }
        return try await Directory.stale(of: p, olderThan: days, on: req.db).map {
            StaleEntryDTO(staffId: $0.staffID, name: $0.name, confirmedAt: $0.confirmedAt)
        }
    }

    /// COV-6, LIN-5, PD-1.11, WNL-10.2: the organisation's devices that differ from policy, each with what is wrong.
    func compliance(req: Request) async throws -> [DeviceComplianceDTO] {
        let p = try await req.require(.readDirectory)
        let now = Date()
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let devices = try await req.db.scoped(to: p.organisationID).query(Device.self).sort(\.$address)
            .all()
        let policy = DeviceCompliance.Policy(
            pickupHours: settings.voicemailPickupHours,
            workMobilesOnOutOfHours: settings.workMobilesOnOutOfHours ?? false,
            landlinesAlwaysOn: req.application.policyLibrary.inForce("WNL-10.2", packs: settings.packs)
        )
        let away = try await PhoneDirectoryLoader.absencesByStaff(
            organisationID: p.organisationID,
            startedBy: now,
            on: req.db
        )
        return devices.compactMap { d in
            let kind = d.kind
            let facts = DeviceCompliance.Facts(
                kind: kind,
                callerIDWithheld: d.callerIDWithheld,
                voicemailEnabled: d.voicemailEnabled,
                onOutOfHours: d.onOutOfHours,
                holderAbsences: d.holderID.flatMap { away[$0] } ?? []
            )
            let problems = DeviceCompliance.problems(facts, at: now, policy: policy)
            return problems.isEmpty
                ? nil
                : DeviceComplianceDTO(
                    device: DeviceDTO(d),
                    problems: problems.map { .init(clause: $0.clause, message: $0.message) }
                )
        }
    }

    static func uuid(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw SafeCommsCore.ValidationError(field: field, reason: "'\(text)' is not an id")
        }
        return id
    }

    static func instant(_ text: String, field: String) throws -> Date {
        try ISOInstant.parse(text, field: field)
    }
}
