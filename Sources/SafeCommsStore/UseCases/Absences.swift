import FluentKit
import Foundation
import SafeCommsCore

/// Staff absences: leave (LIN-8) and unexpected absence with its checklist (LIN-13).
public enum Absences {
    /// An unexpected absence, if the asker may see it (the person or their managers) or, `toChange`,
    /// record its checklist's steps (their managers: the line or team manager keeps it, LIN-13).
    public static func unexpected(
        _ id: UUID,
        by p: Principal,
        toChange: Bool,
        on db: any Database
    ) async throws -> StaffAbsence {
        guard
            let absence = try await db.scoped(to: p.organisationID).query(StaffAbsence.self).filter(\.$id == id)
                .first(),
            absence.kind == PhoneDirectory.Absence.Kind.unexpected.rawValue
        else { throw Refusal.notFound("no such unexpected absence") }
        let who = try await PhoneFollowUps.staffMember(absence.staffID, of: p, on: db).allocation
        let allowed = toChange ? AccessPolicy.manages(p, who) : AccessPolicy.isSelfOrManager(p, who)
        guard allowed else { throw Refusal.forbidden("the line or team manager keeps this checklist (LIN-13)") }
        return absence
    }

    public struct Recorded: Sendable {
        public var absence: StaffAbsence
        /// LIN-5: the addresses of the devices whose voicemail was turned off.
        public var voicemailTurnedOff: [String]
    }

    /// Records leave (LIN-8: they or their managers) or an unexpected absence (LIN-13: their line or
    /// team manager). An absence longer than voicemail is picked up turns the person's voicemail off
    /// in the same transaction (LIN-5, LIN-6: the router already sends their calls to the hunt group).
    /// - Throws: `Refusal.forbidden` for someone else; `ValidationError` on `ends_at`.
    public static func record(
        _ kind: PhoneDirectory.Absence.Kind,
        for s: StaffMember,
        starts: Date,
        ends: Date?,
        by p: Principal,
        settings: OrganisationSettings,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Recorded {
        let allowed =
            kind == .leave
            ? AccessPolicy.canManagePhones(p, of: try s.allocation)
            : AccessPolicy.canReportUnexpectedAbsence(p, of: try s.allocation)
        guard allowed else {
            throw Refusal.forbidden(
                kind == .leave
                    ? "only they or their managers may record leave"
                    : "an unexpected absence is started by the line manager (LIN-13)"
            )
        }
        if let ends, ends <= starts {
            throw ValidationError(field: "ends_at", reason: "must be after starts_at")
        }
        if kind == .leave, ends == nil {
            throw ValidationError(field: "ends_at", reason: "leave needs the date the person is expected back (LIN-8)")
        }
        let absence = StaffAbsence(
            organisationID: s.organisationID,
            staffID: try s.requireID(),
            recordedByID: p.staffID,
            kind: kind.rawValue,
            startsAt: starts,
            endsAt: ends
        )
        let silence = DeviceCompliance.voicemailMustGoOff(
            .init(kind: kind, from: starts, until: ends),
            pickupHours: settings.voicemailPickupHours
        )
        let row = try Rewritable(absence)
        let organisationID = p.organisationID, holderID = try s.requireID()
        // The devices are found inside the transaction: a voicemail switched on meanwhile goes off too.
        let silenced = try await AuditLog.transaction(on: db, audit) { tx in
            try await row.save(on: tx)
            let silenced =
                silence
                ? try await tx.scoped(to: organisationID).query(Device.self).filter(\.$holderID == holderID)
                    .filter(\.$voicemailEnabled == true).all()
                : []
            if !silenced.isEmpty {
                try await tx.scoped(to: organisationID).query(Device.self).filter(\.$id ~~ silenced.compactMap(\.id))
                    .set(\.$voicemailEnabled, to: false).update()
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
        return Recorded(absence: absence, voicemailTurnedOff: silenced.map(\.address))
    }

    /// LIN-8: the voicemail greeting and out-of-office reply for leave.
    public struct LeaveMessages: Sendable {
        public var greeting: String?
        public var outOfOffice: String?
        /// What LIN-8 asks for that is missing; the leave is recorded all the same.
        public var warnings: [String]
    }

    /// The greeting and reply for `s`'s leave, with the return date and a colleague to contact.
    public static func leaveMessages(
        for s: StaffMember,
        returning: Date,
        colleague: StaffMember?,
        settings: OrganisationSettings,
        on db: any Database
    ) async throws -> LeaveMessages {
        let day = settings.officeHours.localDay(of: returning)
        var out = LeaveMessages(warnings: [])
        if colleague == nil {
            out.warnings.append(
                "LIN-8: name a colleague (colleague_id) callers and e-mailers can contact while you are away."
            )
        }
        let facts: Voicemail.Facts
        do {
            facts = try await Greetings.facts(for: s, on: db)
        } catch let error as ValidationError {
            out.warnings.append("LIN-8: no greeting or reply could be made: \(error.description)")
            return out
        }
        // The reply does not wait on the greeting: a greeting that cannot be made is a warning.
        out.outOfOffice = OutOfOffice.leaveReply(
            name: s.name,
            returning: day,
            colleague: colleague?.name,
            colleagueContact: colleague.map { [$0.email, $0.workMobile].compactMap { $0 }.joined(separator: ", ") },
            alternativeNumber: facts.alternativeNumber
        )
        if let colleague {
            do {
                out.greeting = try Voicemail.leaveGreeting(
                    facts,
                    returning: day,
                    colleague: colleague.name,
                    colleagueNumber: colleague.workMobile ?? facts.alternativeNumber
                )
            } catch {
                out.warnings.append("LIN-8: no greeting could be made: \(error.description)")
            }
        }
        return out
    }

    /// LIN-13: records one step of an unexpected absence's checklist as done, by a manager of the
    /// person. - Throws: `Refusal.conflict` when it already was.
    public static func completeStep(
        _ stepID: String,
        of absenceID: UUID,
        note: String?,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> (AbsenceChecklist.Step, AbsenceStep) {
        let absence = try await unexpected(absenceID, by: p, toChange: true, on: db)
        guard let step = AbsenceChecklist.step(stepID) else {
            throw ValidationError(
                field: "step",
                reason: "'\(stepID)' is not one of \(AbsenceChecklist.steps.map(\.id).joined(separator: ", "))"
            )
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let record = AbsenceStep(
            organisationID: p.organisationID,
            absenceID: try absence.requireID(),
            doneByID: p.staffID,
            step: step.id,
            note: note.flatMap { $0.isEmpty ? nil : String($0.prefix(1_000)) }
        )
        let row = try Rewritable(record)
        do {
            try await AuditLog.transaction(on: db, audit) { tx in
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
            throw Refusal.conflict("\(step.id) was already recorded as done")
        }
        return (step, record)
    }

    /// The checklist's steps with what is done, for someone who may read it.
    public static func checklist(
        _ absenceID: UUID,
        by p: Principal,
        on db: any Database
    ) async throws
        -> (StaffAbsence, [(AbsenceChecklist.Step, AbsenceStep?)])
    {
        let absence = try await unexpected(absenceID, by: p, toChange: false, on: db)
        let done = try await db.scoped(to: absence.organisationID).query(AbsenceStep.self)
            .filter(\.$absenceID == (try absence.requireID())).all()
        return (absence, AbsenceChecklist.steps.map { step in (step, done.first { $0.step == step.id }) })
    }
}
