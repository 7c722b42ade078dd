import FluentKit
import Foundation
import SafeCommsCore

/// The registers kept on a case: its people, its consents (PD-1.3, WNL-6.3.x) and its number-sharing
/// decisions (COV-3). Each entry is written with its audit event and its row's digest, on a case the
/// caller may change (`VisibleCases.one(_:.write:…)`), naming only that case's people. The API calls
/// these with values already checked for form.
public enum CaseRegisters {
    /// A person on the case; `person`'s organisation and case are set here.
    public static func addPerson(
        _ person: CasePerson,
        to c: CaseFile,
        audit: AuditContext,
        on db: any Database
    ) async throws -> CasePerson {
        person.organisationID = c.organisationID
        person.caseID = try c.requireID()
        person.id = UUID()
        try await AuditLog.create(
            person,
            AuditEntry(
                action: .personAdded,
                entity: CasePerson.auditEntity,
                entityID: person.id?.uuidString,
                caseID: c.id,
                rowDigest: person.digest
            ),
            audit,
            on: db
        )
        return person
    }

    /// A consent recorded by `p` on the case. The DSL's own consents (WNL-1.5, PD-12.b) are recorded
    /// by the DSL, whom the record names; the number-sharing decision is not a consent but a register
    /// of its own (COV-3).
    /// - Throws: `Refusal.forbidden` for a DSL consent recorded by someone else; `ValidationError`
    ///   naming the field for a kind kept elsewhere or an end before the start.
    public static func addConsent(
        _ consent: Consent,
        to c: CaseFile,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Consent {
        if consent.kind.keptInNumberSharingRegister {
            throw ValidationError(
                field: "kind",
                reason: "is recorded in the number-sharing register, with the team manager who agreed it (COV-3)"
            )
        }
        if consent.kind.needsDSL, !p.roles.contains(.dsl) {
            throw Refusal.forbidden(
                "only the designated safeguarding lead records this consent (\(consent.kind == .recordingDslWritten ? "WNL-1.5" : "PD-12.b")), and the record names them"
            )
        }
        if let end = consent.endsOn, end < consent.givenOn {
            throw ValidationError(field: "ends_on", reason: "is before the day the consent was given")
        }
        try await requirePerson(consent.personID, on: c, db)
        consent.organisationID = c.organisationID
        consent.caseID = try c.requireID()
        consent.recordedByID = p.staffID
        consent.id = UUID()
        try await AuditLog.create(
            consent,
            AuditEntry(
                action: .consentRecorded,
                entity: Consent.auditEntity,
                entityID: consent.id?.uuidString,
                caseID: c.id,
                detail: consent.kind.rawValue,
                rowDigest: consent.digest
            ),
            audit,
            on: db
        )
        return consent
    }

    /// Withdraws a consent from `day` on: the check stops counting it at once. The row stays, with
    /// who withdrew it, when and why.
    /// - Throws: `Refusal.notFound` for a consent not on this case; `Refusal.conflict` if it was
    ///   already withdrawn; `ValidationError` for a missing reason or a day before it was given.
    public static func withdrawConsent(
        _ id: UUID,
        on c: CaseFile,
        reason: String,
        day: String,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Consent {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw ValidationError(field: "reason", reason: "is required: why it was withdrawn") }
        guard why.count <= 2000 else {
            throw ValidationError(field: "reason", reason: "is longer than 2000 characters")
        }
        let caseID = try c.requireID(), by = p.staffID
        // Read again inside the transaction: of two people withdrawing it at once, the second is told.
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard
                let consent = try await tx.scoped(to: c.organisationID).query(Consent.self).filter(\.$id == id)
                    .filter(\.$caseID == caseID).first()
            else { throw Refusal.notFound("no such consent on this case") }
            guard consent.withdrawnOn == nil else { throw Refusal.conflict("this consent was already withdrawn") }
            guard day >= consent.givenOn else {
                throw ValidationError(field: "withdrawn_on", reason: "is before the day the consent was given")
            }
            consent.withdrawnOn = day
            consent.withdrawnByID = by
            consent.withdrawnReason = why
            consent.withdrawnAt = RowDigest.storable(Date())
            try await consent.save(on: tx)
            let event = AuditEntry(
                action: .consentWithdrawn,
                entity: Consent.auditEntity,
                entityID: consent.id?.uuidString,
                caseID: caseID,
                detail: consent.kind.rawValue,
                rowDigest: consent.digest
            )
            return (consent, [event])
        }
    }

    /// COV-3: whether `p` shares a work number with one of the case's people, decided "in conjunction
    /// with their team manager": the manager named must be a manager or the DSL, and not `p`. A number
    /// given is told to `p`'s line manager through the outbox, for them to acknowledge (PD-1.3).
    /// - Parameter link: where the line manager acknowledges it, for the e-mail.
    public static func addSharing(
        _ row: NumberSharing,
        to c: CaseFile,
        by p: Principal,
        link: String,
        audit: AuditContext,
        on db: any Database
    ) async throws -> NumberSharing {
        try await requirePerson(row.personID, on: c, db)
        let scope = db.scoped(to: p)
        if let m = row.managerAgreedByID {
            guard let manager = try await scope.query(StaffMember.self).filter(\.$id == m).first() else {
                throw ValidationError(
                    field: "manager_agreed_by_id",
                    reason: "no member of staff \(m) in your organisation"
                )
            }
            guard manager.roles.contains(.manager) || manager.roles.contains(.dsl), m != p.staffID else {
                throw ValidationError(
                    field: "manager_agreed_by_id",
                    reason: "must be a team manager or the DSL other than yourself (COV-3)"
                )
            }
        } else if !row.shared, [CaseStatus.childProtection, .childInNeed].contains(c.status),
            try await isChild(row.personID, on: c, db)
        {
            throw ValidationError(
                field: "manager_agreed_by_id",
                reason:
                    "is required: for a child on a child protection plan or a child in need, a decision not to share is made with your team manager (COV-3)"
            )
        }
        guard let worker = try await scope.query(StaffMember.self).filter(\.$id == p.staffID).first() else {
            throw Refusal.notFound("no such member of staff")
        }
        row.organisationID = c.organisationID
        row.caseID = try c.requireID()
        row.staffID = p.staffID
        row.id = UUID()
        var email: Notification?
        if row.shared, let managerID = worker.lineManagerID,
            let manager = try await scope.query(StaffMember.self).filter(\.$id == managerID).first(), manager.active
        {
            row.lineManagerID = managerID
            // No case or person details (LIN-14): the manager opens SafeComms to see them.
            email = Notification(
                organisationID: c.organisationID,
                staffID: managerID,
                recipient: manager.email,
                subject: "\(worker.name) gave their work number to someone on a case",
                body: """
                    \(worker.name) has recorded giving their work number to someone on a case (PD-1.3).

                    Please open SafeComms to see it and acknowledge it:
                    \(link)

                    This e-mail holds no case details.
                    """,
                urgent: false,
                now: Date()
            )
        }
        let sharing = try Rewritable(row), digest = row.digest
        let notification = try email.map { try Rewritable($0) }, emailID = email?.id
        try await AuditLog.transaction(on: db, audit) { tx in
            try await sharing.save(on: tx)
            try await notification?.save(on: tx)
            var events = [
                AuditEntry(
                    action: row.shared ? .numberShared : .numberNotShared,
                    entity: NumberSharing.auditEntity,
                    entityID: row.id?.uuidString,
                    caseID: c.id,
                    rowDigest: digest
                )
            ]
            if let emailID {
                events.append(
                    AuditEntry(
                        action: .notificationQueued,
                        entity: "notification",
                        entityID: emailID.uuidString,
                        detail: "PD-1.3"
                    )
                )
            }
            return ((), events)
        }
        return row
    }

    /// PD-1.3: the line manager told of a number shared acknowledges it (or the DSL does, for anyone).
    /// - Throws: `Refusal.forbidden` for anyone else; `Refusal.conflict` if already acknowledged.
    public static func acknowledgeSharing(
        _ id: UUID,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> NumberSharing {
        let by = p.staffID
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let row = try await tx.scoped(to: p).query(NumberSharing.self).filter(\.$id == id).first() else {
                throw Refusal.notFound("no such number sharing")
            }
            guard row.shared, row.lineManagerID != nil || p.roles.contains(.dsl) else {
                throw Refusal.conflict("there is nothing to acknowledge: no line manager was told of this")
            }
            guard row.lineManagerID == by || p.roles.contains(.dsl) else {
                throw Refusal.forbidden("only the line manager who was told, or the DSL, acknowledges it (PD-1.3)")
            }
            guard row.acknowledgedAt == nil else { throw Refusal.conflict("this was already acknowledged") }
            row.acknowledgedByID = by
            row.acknowledgedAt = RowDigest.storable(Date())
            try await row.save(on: tx)
            let event = AuditEntry(
                action: .numberSharingAcknowledged,
                entity: NumberSharing.auditEntity,
                entityID: row.id?.uuidString,
                caseID: row.caseID,
                detail: "PD-1.3",
                rowDigest: row.digest
            )
            return (row, [event])
        }
    }

    /// Number sharings told to `p` (or, for the DSL, to anyone) and not yet acknowledged, oldest first.
    public static func sharingsToAcknowledge(for p: Principal, on db: any Database) async throws -> [NumberSharing] {
        var q = db.scoped(to: p).query(NumberSharing.self).filter(\.$shared == true).filter(\.$acknowledgedAt == nil)
        if p.roles.contains(.dsl) {
            q = q.filter(\.$lineManagerID != nil)
        } else {
            q = q.filter(\.$lineManagerID == p.staffID)
        }
        return try await q.sort(\.$decidedOn).limit(500).all()
    }

    /// The facts of a case that change, as asked: nil leaves one as it is.
    public struct FactChanges: Sendable {
        public var status: CaseStatus?
        public var inCrisis: Bool?
        /// `.some(nil)` takes the key worker off the case.
        public var keyWorkerID: UUID??
        public var teamID: UUID??
        public var reason: String

        public init(
            status: CaseStatus? = nil,
            inCrisis: Bool? = nil,
            keyWorkerID: UUID?? = nil,
            teamID: UUID?? = nil,
            reason: String
        ) {
            self.status = status
            self.inCrisis = inCrisis
            self.keyWorkerID = keyWorkerID
            self.teamID = teamID
            self.reason = reason
        }
    }

    /// Changes a case's status, crisis flag, key worker or team, keeping each change with who made it,
    /// when and why. The check (COV-3, PD-12.d) and routing read the case as it is now. Anyone who may
    /// write the case changes its status and crisis flag; its key worker and team are the DSL's or a
    /// manager of both the team it leaves and the one it joins (`AccessPolicy.canAllocate`).
    /// - Returns: the changes made (none when nothing differs).
    public static func changeFacts(
        of caseID: UUID,
        _ changes: FactChanges,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> [CaseFactChange] {
        let why = changes.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw ValidationError(field: "reason", reason: "is required: why the facts changed") }
        guard why.count <= 2000 else {
            throw ValidationError(field: "reason", reason: "is longer than 2000 characters")
        }
        let scope = db.scoped(to: p)
        if case .some(.some(let k)) = changes.keyWorkerID {
            guard let worker = try await scope.query(StaffMember.self).filter(\.$id == k).first(), worker.active,
                !worker.roles.isDisjoint(with: [.practitioner, .manager, .dsl])
            else {
                throw ValidationError(
                    field: "key_worker_id",
                    reason: "is not an active practitioner, manager or DSL in your organisation"
                )
            }
        }
        if case .some(.some(let t)) = changes.teamID, try await scope.query(Team.self).filter(\.$id == t).first() == nil
        {
            throw ValidationError(field: "team_id", reason: "is not a team in your organisation")
        }
        let at = RowDigest.storable(now)
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let c = try await tx.scoped(to: p).query(CaseFile.self).filter(\.$id == caseID).first() else {
                throw Refusal.notFound("no such case")
            }
            let allocation = CaseAllocation(
                organisationID: c.organisationID,
                teamID: c.teamID,
                keyWorkerID: c.keyWorkerID
            )
            guard AccessPolicy.canRead(p, allocation) else { throw Refusal.notFound("no such case") }
            guard AccessPolicy.canWrite(p, allocation) else {
                throw Refusal.forbidden("you may read this case but not change it")
            }
            var made: [CaseFactChange] = []
            func change(_ fact: CaseFactChange.Fact, _ before: String?, _ after: String?) {
                guard before != after else { return }
                made.append(
                    CaseFactChange(
                        organisationID: c.organisationID,
                        caseID: caseID,
                        changedByID: p.staffID,
                        changedAt: at,
                        fact: fact,
                        before: before,
                        after: after,
                        reason: why
                    )
                )
            }
            if let s = changes.status {
                change(.status, c.status.rawValue, s.rawValue)
                c.status = s
            }
            if let crisis = changes.inCrisis {
                change(.inCrisis, String(c.inCrisis), String(crisis))
                c.inCrisis = crisis
            }
            let reallocating =
                (changes.keyWorkerID.map { $0 != c.keyWorkerID } ?? false)
                || (changes.teamID.map { $0 != c.teamID } ?? false)
            if reallocating {
                let newTeam = changes.teamID ?? c.teamID
                guard AccessPolicy.canAllocate(p, toTeam: newTeam),
                    c.teamID == nil || AccessPolicy.canAllocate(p, toTeam: c.teamID)
                else {
                    throw Refusal.forbidden(
                        "only the DSL, or a manager of the team the case leaves and the one it joins, changes its key worker or team"
                    )
                }
            }
            if let k = changes.keyWorkerID {
                change(.keyWorker, c.keyWorkerID?.uuidText, k?.uuidText)
                c.keyWorkerID = k
            }
            if let t = changes.teamID {
                change(.team, c.teamID?.uuidText, t?.uuidText)
                c.teamID = t
            }
            guard !made.isEmpty else { return ([], []) }
            try await c.save(on: tx)
            var events: [AuditEntry] = []
            for m in made {
                m.id = UUID()
                try await m.create(on: tx)
                events.append(
                    AuditEntry(
                        action: .caseFactsChanged,
                        entity: CaseFactChange.auditEntity,
                        entityID: m.id?.uuidString,
                        caseID: caseID,
                        detail: m.fact,
                        rowDigest: m.digest
                    )
                )
            }
            return (made, events)
        }
    }

    /// The case's fact changes, newest first.
    public static func factHistory(of c: CaseFile, on db: any Database) async throws -> [CaseFactChange] {
        try await db.scoped(to: c.organisationID).query(CaseFactChange.self).filter(\.$caseID == c.requireID())
            .sort(\.$changedAt, .descending).limit(500).all()
    }

    /// Whether the person named is the case's child; a decision about nobody in particular counts as
    /// one about the child.
    private static func isChild(_ id: UUID?, on c: CaseFile, _ db: any Database) async throws -> Bool {
        guard let id else { return true }
        return try await db.scoped(to: c.organisationID).query(CasePerson.self).filter(\.$id == id).first()?.role
            == PersonRole.child.rawValue
    }

    private static func requirePerson(_ id: UUID?, on c: CaseFile, _ db: any Database) async throws {
        guard let id else { return }
        if try await db.scoped(to: c.organisationID).query(CasePerson.self).filter(\.$id == id)
            .filter(\.$caseID == c.requireID()).first() == nil
        {
            throw ValidationError(field: "person_id", reason: "no person \(id) on this case")
        }
    }
}
