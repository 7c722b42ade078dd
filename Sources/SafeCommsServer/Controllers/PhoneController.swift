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
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let recorded = try await Absences.record(
            kind,
            for: s,
            starts: try Self.instant(input.startsAt, field: "starts_at"),
            ends: try input.endsAt.map { try Self.instant($0, field: "ends_at") },
            by: p,
            settings: settings,
            audit: try req.auditContext(),
            on: req.db
        )
        var dto = AbsenceDTO(recorded.absence)
        dto.voicemailTurnedOff = recorded.voicemailTurnedOff
        // LIN-13: the manager who records an unexpected absence gets its checklist straight away.
        if kind == .unexpected { dto.checklist = AbsenceChecklist.steps.map { ChecklistStepDTO($0, nil) } }
        if kind == .leave, let ends = recorded.absence.endsAt {
            let colleague = try await input.colleagueId.asyncMap {
                try await PhoneFollowUps.staffMember($0, of: p, on: req.db)
            }
            let messages = try await Absences.leaveMessages(
                for: s,
                returning: ends,
                colleague: colleague,
                settings: settings,
                on: req.db
            )
            dto.voicemailGreeting = messages.greeting
            dto.outOfOffice = messages.outOfOffice
            dto.warnings = messages.warnings
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// LIN-13: the steps for an unexpected absence, each with who did it and when (the person and
    /// their managers may read it).
    func checklist(req: Request) async throws -> [ChecklistStepDTO] {
        let (_, steps) = try await Absences.checklist(
            try req.id("absenceID", field: "absence_id"),
            by: try await req.principal(),
            on: req.db
        )
        return steps.map { ChecklistStepDTO($0.0, $0.1) }
    }

    /// Records a step as done, by the line or team manager (409 when it already was).
    func doStep(req: Request) async throws -> Response {
        let (step, record) = try await Absences.completeStep(
            req.parameters.get("step") ?? "",
            of: try req.id("absenceID", field: "absence_id"),
            note: try req.content.decode(ChecklistStepInput.self).note,
            by: try await req.principal(),
            audit: try req.auditContext(),
            on: req.db
        )
        return try await ChecklistStepDTO(step, record).encodeResponse(status: .created, for: req)
    }

    /// LIN-11: the member of staff confirms their contact details and availability are up to date
    /// (only they can: it is their word that they are).
    func confirm(req: Request) async throws -> PhoneStatusDTO {
        let status = try await Directory.confirmDetails(
            of: try req.id("staffID", field: "staff_id"),
            for: try await req.principal(),
            audit: try req.auditContext(),
            on: req.db
        )
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
