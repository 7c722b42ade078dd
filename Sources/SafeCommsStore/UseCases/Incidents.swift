import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// Raising an incident, doing its steps in order, amending it, and reading it (PD-1.10, PD-1.13,
/// PD-2.1–PD-2.5, PD-4.2, WA-13, WNL-5.2). Each write is audited with its row's digest in the same
/// transaction; nothing is ever edited or deleted. Who sees one is `AccessPolicy.canRead(_:IncidentAllocation)`:
/// the restricted kinds only by the reporter, their managers, the DSL and auditors.
public enum Incidents {
    /// An incident as asked for, its fields checked for form.
    public struct Raise: Sendable {
        public struct Person: Sendable {
            public var personID: UUID?
            public var staffID: UUID?
            public var role: IncidentPerson.Role

            public init(personID: UUID? = nil, staffID: UUID? = nil, role: IncidentPerson.Role) {
                self.personID = personID
                self.staffID = staffID
                self.role = role
            }
        }

        public var kind: IncidentKind
        public var caseID: UUID?
        /// For a policy breach: the clause breached (`WA-7`).
        public var breachedClause: String?
        public var occurredAt: Date
        public var summary: String
        /// Where it was raised from (`communication`, `message_slip`, `follow_up`), if anywhere.
        public var source: (type: String, id: UUID)?
        public var people: [Person]

        public init(
            kind: IncidentKind,
            caseID: UUID?,
            breachedClause: String? = nil,
            occurredAt: Date,
            summary: String,
            source: (type: String, id: UUID)? = nil,
            people: [Person] = []
        ) {
            self.kind = kind
            self.caseID = caseID
            self.breachedClause = breachedClause
            self.occurredAt = occurredAt
            self.summary = summary
            self.source = source
            self.people = people
        }
    }

    /// An incident with its steps in order, its amendments oldest first, and its people.
    public struct View: Sendable {
        public var incident: Incident
        public var steps: [IncidentStep]
        public var amendments: [IncidentAmendment]
        public var people: [IncidentPerson]
        /// Who it is about, for `AccessPolicy` and for naming each step's owner.
        public var allocation: IncidentAllocation
        /// The case's reference, when it is on a case.
        public var caseReference: String?

        /// The case's reference for `p`: nil when they may see the incident but not the case.
        public func caseReference(for p: Principal) -> String? {
            guard let c = allocation.caseAllocation, AccessPolicy.canRead(p, c) else { return nil }
            return caseReference
        }

        /// The member of staff a step is for: the reporter, or their line manager; nil for the DSL.
        public func ownerID(_ owner: StepOwner) -> UUID? {
            switch owner {
            case .reporter: allocation.reporter.staffID
            case .lineManager: allocation.managed.lineManagerID
            case .dsl: nil
            }
        }

        /// The step to do next; nil once all are done.
        public var openStep: IncidentStep? { steps.first { $0.doneAt == nil } }
    }

    /// The kinds of record an incident may be raised from.
    public static let sourceTypes = ["communication", "message_slip", "follow_up"]

    /// - Throws: `ValidationError` by field; `Refusal.forbidden` for an auditor (who changes nothing);
    ///   `Refusal.notFound` for a case the reporter may not see.
    public static func raise(
        _ r: Raise,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> View {
        let planned = try await plan(r, by: p, on: db, now: now)
        try await AuditLog.transaction(on: db, audit) { tx in ((), try await planned.write(on: tx)) }
        return try await views(of: [planned.incident], on: db)[0]
    }

    /// An incident checked and built, not yet written: `write(on:)` adds it inside the caller's
    /// transaction, so that raising one can commit with what raised it (a review item resolved).
    public struct Planned: Sendable {
        public let incident: Incident
        let steps: [IncidentStep]
        let people: [IncidentPerson]

        /// Writes the rows and returns their audit events.
        public func write(on tx: any Database) async throws -> [AuditEntry] {
            try await incident.create(on: tx)
            for s in steps { try await s.create(on: tx) }
            for person in people { try await person.create(on: tx) }
            let incidentID = incident.id!
            var events = [
                AuditEntry(
                    action: .incidentRaised,
                    entity: Incident.auditEntity,
                    entityID: incidentID.uuidString,
                    caseID: incident.caseID,
                    detail: "\(incident.kind.rawValue) \(incident.clause)",
                    rowDigest: incident.digest
                )
            ]
            events += steps.map {
                AuditEntry(
                    action: .incidentStepDone,
                    entity: IncidentStep.auditEntity,
                    entityID: $0.id?.uuidString,
                    caseID: incident.caseID,
                    detail: "\($0.step) set",
                    rowDigest: $0.digest
                )
            }
            events += people.map {
                AuditEntry(
                    action: .incidentPersonLinked,
                    entity: "incident_person",
                    entityID: $0.id?.uuidString,
                    caseID: incident.caseID,
                    detail: $0.role.rawValue
                )
            }
            return events
        }
    }

    /// Checks an incident as asked for and builds its rows.
    public static func plan(
        _ r: Raise,
        by p: Principal,
        on db: any Database,
        now: Date = Date()
    ) async throws -> Planned {
        guard !p.roles.isEmpty, !p.roles.isSubset(of: [.auditor]) else {
            throw Refusal.forbidden("auditors read incidents but do not raise them")
        }
        let scope = db.scoped(to: p)
        if let caseID = r.caseID { _ = try await VisibleCases.one(caseID, .read, for: p, on: db) }
        let clause = try r.kind.clause ?? breached(r.breachedClause)
        if r.occurredAt > now.addingTimeInterval(300) {
            throw ValidationError(field: "occurred_at", reason: "is in the future")
        }
        let summary = r.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty else { throw ValidationError(field: "summary", reason: "is required") }
        guard summary.count <= 5000 else {
            throw ValidationError(field: "summary", reason: "is longer than 5000 characters")
        }
        if let source = r.source { try await requireSource(source, caseID: r.caseID, of: p, on: db) }
        for (i, person) in r.people.enumerated() {
            switch (person.personID, person.staffID) {
            case (let id?, nil):
                guard let caseID = r.caseID,
                    try await scope.query(CasePerson.self).filter(\.$id == id).filter(\.$caseID == caseID).first()
                        != nil
                else { throw ValidationError(field: "people[\(i)].person_id", reason: "no person \(id) on this case") }
            case (nil, let id?):
                guard try await scope.query(StaffMember.self).filter(\.$id == id).first() != nil else {
                    throw ValidationError(
                        field: "people[\(i)].staff_id",
                        reason: "no member of staff \(id) in your organisation"
                    )
                }
            default:
                throw ValidationError(field: "people[\(i)]", reason: "names either a person_id or a staff_id")
            }
        }
        // A breach of a clause by a member of staff who has breached it before goes to the DSL too.
        var repeated = false
        if r.kind == .policyBreach, let breacher = r.people.first(where: { $0.role == .staffMember })?.staffID {
            let earlier = try await scope.query(Incident.self).filter(\.$kind == .policyBreach)
                .filter(\.$clause == clause).all().compactMap(\.id)
            if !earlier.isEmpty {
                repeated =
                    try await scope.query(IncidentPerson.self).filter(\.$incidentID ~~ earlier)
                    .filter(\.$staffID == breacher).first() != nil
            }
        }
        let settings = try await settings(of: p, on: db)
        let hours = settings.officeHours
        let incidentID = UUID()
        let incident = Incident(
            id: incidentID,
            organisationID: p.organisationID,
            caseID: r.caseID,
            reporterID: p.staffID,
            kind: r.kind,
            clause: clause,
            occurredAt: r.occurredAt,
            raisedAt: now,
            summary: summary,
            sourceType: r.source?.type,
            sourceID: r.source?.id
        )
        let templates = IncidentLadder.steps(
            for: r.kind,
            breached: clause,
            repeated: repeated,
            minutes: settings.incidentStepMinutes ?? [:]
        )
        let steps = templates.enumerated().map { i, t in
            let s = IncidentStep(
                id: UUID(),
                organisationID: p.organisationID,
                incidentID: incidentID,
                step: t.id,
                position: i,
                owner: t.owner
            )
            if i == 0 {
                s.openedAt = incident.raisedAt
                s.dueAt = t.deadline.due(opened: incident.raisedAt, hours: hours).map(RowDigest.storable)
            }
            return s
        }
        let people = r.people.map {
            IncidentPerson(
                id: UUID(),
                organisationID: p.organisationID,
                incidentID: incidentID,
                personID: $0.personID,
                staffID: $0.staffID,
                role: $0.role
            )
        }
        return Planned(incident: incident, steps: steps, people: people)
    }

    /// What doing a step records, beyond who and when.
    public struct Completion: Sendable {
        public var note: String?
        public var reference: String?
        /// The one doing it confirms it is done (an image deleted).
        public var confirmed: Bool

        public init(note: String?, reference: String?, confirmed: Bool) {
            self.note = note
            self.reference = reference
            self.confirmed = confirmed
        }
    }

    /// Does the incident's open step; the next one opens with its own deadline, and the incident closes
    /// with its last.
    /// - Throws: `Refusal.conflict` for a step that is not the open one (of two doing it at once, the
    ///   second is told); `Refusal.forbidden` for someone the step is not for; `ValidationError` for
    ///   what the step must record and was not given.
    public static func complete(
        step stepID: UUID,
        of incidentID: UUID,
        _ c: Completion,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> View {
        let view = try await one(incidentID, for: p, on: db)
        guard let step = view.steps.first(where: { $0.id == stepID }) else {
            throw Refusal.notFound("no such step on this incident")
        }
        guard step.doneAt == nil else { throw Refusal.conflict("step \(step.step) was already done") }
        guard view.openStep?.id == stepID else {
            throw Refusal.conflict("step \(step.step) opens when the one before it is done")
        }
        guard AccessPolicy.canComplete(p, step.owner, of: view.allocation) else {
            throw Refusal.forbidden("this step is for \(ownerWords(step.owner))")
        }
        let template = view.incident.template(of: step.step)
        let note = c.note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        let reference = c.reference?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        switch template?.records {
        case .note?: if note == nil { throw ValidationError(field: "note", reason: "is required: say what was done") }
        case .reference?:
            if reference == nil {
                throw ValidationError(field: "reference", reason: "is required: who was contacted, and their reference")
            }
        case .confirmation?:
            if !c.confirmed { throw ValidationError(field: "confirmed", reason: "must be ticked to say it is done") }
        case nil: break
        }
        for (field, text) in [("note", note), ("reference", reference)] where (text?.count ?? 0) > 5000 {
            throw ValidationError(field: field, reason: "is longer than 5000 characters")
        }
        let settings = try await settings(of: p, on: db)
        let hours = settings.officeHours
        let done = RowDigest.storable(now)
        let next = view.steps.first { $0.position == step.position + 1 }
        let nextTemplate = next.flatMap {
            view.incident.template(of: $0.step, minutes: settings.incidentStepMinutes ?? [:])
        }
        try await AuditLog.transaction(on: db, audit) { tx in
            // Claimed by a conditional update: of two doing it at once, the second finds it done.
            let claimed = try await (tx as! any SQLDatabase).update(IncidentStep.schema)
                .set(SQLIdentifier("done_by_id"), to: SQLBind(p.staffID))
                .where("id", .equal, SQLBind(stepID)).where("done_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !claimed.isEmpty else { throw Refusal.conflict("step \(step.step) was already done") }
            step.doneAt = done
            step.doneByID = p.staffID
            step.note = note
            step.reference = reference
            try await step.save(on: tx)
            var events = [stepEvent(step, view.incident, "done")]
            if let next {
                next.openedAt = done
                next.dueAt = nextTemplate?.deadline.due(opened: done, hours: hours).map(RowDigest.storable)
                try await next.save(on: tx)
                events.append(stepEvent(next, view.incident, "opened"))
            } else {
                view.incident.closedAt = done
                try await view.incident.save(on: tx)
            }
            return ((), events)
        }
        return try await one(incidentID, for: p, on: db)
    }

    /// A later word on the incident, in order after the others; the incident itself is never changed.
    public static func amend(
        _ incidentID: UUID,
        reason: String,
        summary: String,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> View {
        let view = try await one(incidentID, for: p, on: db)
        guard !p.roles.isSubset(of: [.auditor]) else { throw Refusal.forbidden("auditors do not amend incidents") }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let summary = summary.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [ValidationError] = []
        if reason.isEmpty { problems.append(.init(field: "reason", reason: "is required: say why it is amended")) }
        if summary.isEmpty { problems.append(.init(field: "summary", reason: "is required")) }
        if reason.count > 5000 || summary.count > 5000 {
            problems.append(
                .init(field: reason.count > 5000 ? "reason" : "summary", reason: "is longer than 5000 characters")
            )
        }
        try ValidationErrors(problems).throwIfAny()
        let amendment = IncidentAmendment(
            id: UUID(),
            organisationID: p.organisationID,
            incidentID: incidentID,
            madeByID: p.staffID,
            madeAt: now,
            reason: reason,
            summary: summary
        )
        try await AuditLog.create(
            amendment,
            AuditEntry(
                action: .incidentAmended,
                entity: IncidentAmendment.auditEntity,
                entityID: amendment.id?.uuidString,
                caseID: view.incident.caseID,
                rowDigest: amendment.digest
            ),
            audit,
            on: db
        )
        return try await one(incidentID, for: p, on: db)
    }

    /// The incident, when `p` may see it.
    public static func one(_ id: UUID, for p: Principal, on db: any Database) async throws -> View {
        guard let incident = try await db.scoped(to: p).find(Incident.self, id),
            let view = try await views(of: [incident], on: db).first, AccessPolicy.canRead(p, view.allocation)
        else { throw Refusal.notFound("no incident \(id.uuidString) that you can see") }
        return view
    }

    /// The incidents `p` may see, open ones first, then newest first, each with its steps, amendments and
    /// people: read in a fixed number of queries however many there are.
    public static func visible(to p: Principal, on db: any Database) async throws -> [View] {
        let all = try await db.scoped(to: p).query(Incident.self).sort(\.$raisedAt, .descending).all()
        let seen = try await views(of: all, on: db).filter { AccessPolicy.canRead(p, $0.allocation) }
        return seen.filter { $0.incident.closedAt == nil } + seen.filter { $0.incident.closedAt != nil }
    }

    /// Each incident (all of one organisation) with its parts and who it is about.
    static func views(of incidents: [Incident], on db: any Database) async throws -> [View] {
        guard let organisationID = incidents.first?.organisationID else { return [] }
        let scope = db.scoped(to: organisationID)
        let ids = incidents.compactMap(\.id)
        var steps: [UUID: [IncidentStep]] = [:]
        var amendments: [UUID: [IncidentAmendment]] = [:]
        var people: [UUID: [IncidentPerson]] = [:]
        var cases: [UUID: CaseFile] = [:]
        let caseIDs = Array(Set(incidents.compactMap(\.caseID)))
        // In slices, so that a long list stays inside every engine's limit on bound values.
        for slice in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for s in try await scope.query(IncidentStep.self).filter(\.$incidentID ~~ slice).all() {
                steps[s.incidentID, default: []].append(s)
            }
            for a in try await scope.query(IncidentAmendment.self).filter(\.$incidentID ~~ slice).all() {
                amendments[a.incidentID, default: []].append(a)
            }
            for person in try await scope.query(IncidentPerson.self).filter(\.$incidentID ~~ slice).all() {
                people[person.incidentID, default: []].append(person)
            }
        }
        for slice in stride(from: 0, to: caseIDs.count, by: 500).map({
            Array(caseIDs[$0..<min($0 + 500, caseIDs.count)])
        }) {
            for c in try await scope.query(CaseFile.self).filter(\.$id ~~ slice).all() { cases[c.id!] = c }
        }
        let staff = Dictionary(
            try await scope.query(StaffMember.self).all().map { ($0.id!, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        return try incidents.map { i in
            let id = try i.requireID()
            let linked = people[id] ?? []
            guard let reporter = staff[i.reporterID] else {
                throw Refusal.notFound("the incident's reporter is not in the directory")
            }
            // The member of staff it concerns: the first linked as `staff_member`, when someone else.
            var concerning: StaffAllocation?
            if let other = linked.first(where: { $0.role == .staffMember })?.staffID, other != i.reporterID,
                let member = staff[other]
            {
                concerning = try member.allocation
            }
            return View(
                incident: i,
                steps: (steps[id] ?? []).sorted { $0.position < $1.position },
                amendments: (amendments[id] ?? []).sorted { $0.madeAt < $1.madeAt },
                people: linked,
                allocation: IncidentAllocation(
                    kind: i.kind,
                    reporter: try reporter.allocation,
                    concerning: concerning,
                    caseAllocation: i.caseID.flatMap { cases[$0]?.allocation }
                ),
                caseReference: i.caseID.flatMap { cases[$0]?.reference }
            )
        }
    }

    static func breached(_ clause: String?) throws(ValidationError) -> String {
        let text = (clause ?? "").trimmingCharacters(in: .whitespaces)
        guard text.range(of: #"^[A-Z]{2,4}-[0-9]+(\.[0-9]+)*[a-z]?$"#, options: .regularExpression) != nil else {
            throw ValidationError(field: "clause", reason: "a policy breach names the clause breached, such as WA-7")
        }
        return text
    }

    /// What an incident was raised from, as the page names it.
    public struct Source: Sendable {
        public var type: String
        public var id: UUID
        public var occurredAt: Date
        /// "WhatsApp message received", "voicemail", "message taken".
        public var words: String
        public var caseID: UUID?
        /// What a message carried, as its import noted it: name, size and SHA-256, for the police.
        /// The file itself was never kept.
        public var attachments: [String] = []
    }

    /// The record an incident may be raised from, when `p` may see it: a contact on a case they may
    /// read, or a message taken or a follow-up for them or someone they manage (the DSL: anyone's).
    /// - Throws: `ValidationError` naming `source.type` or `source.id`.
    public static func source(_ type: String, _ id: UUID, for p: Principal, on db: any Database) async throws -> Source
    {
        let scope = db.scoped(to: p)
        func mine(_ staffID: UUID) async throws -> Bool {
            guard let s = try await scope.find(StaffMember.self, staffID) else { return false }
            let allocation = try s.allocation
            return p.roles.contains(.dsl) || AccessPolicy.isSelfOrManager(p, allocation)
        }
        let missing = ValidationError(
            field: "source.id",
            reason: "no \(type.replacingOccurrences(of: "_", with: " ")) \(id) that you can see"
        )
        switch type {
        case "communication":
            guard let r = try await scope.find(CommunicationRecord.self, id),
                (try? await VisibleCases.one(r.caseID, .read, for: p, on: db)) != nil
            else { throw missing }
            let channel =
                r.channel == "whatsapp"
                ? "WhatsApp message"
                : r.channel == "sms" ? "text message" : r.channel.replacingOccurrences(of: "_", with: " ")
            var found = Source(
                type: type,
                id: id,
                occurredAt: r.occurredAt,
                words: "\(channel) \(r.direction == "incoming" ? "received" : "sent")",
                caseID: r.caseID
            )
            found.attachments = (r.transcript ?? "").split(separator: "\n").filter { $0.hasPrefix("[attachment: ") }
                .map { String($0.dropFirst().dropLast()) }
            return found
        case "message_slip":
            guard let m = try await scope.find(MessageSlipRecord.self, id), try await mine(m.forStaffID) else {
                throw missing
            }
            return Source(
                type: type,
                id: id,
                occurredAt: m.takenAt,
                words: "message taken for a colleague",
                caseID: nil
            )
        case "follow_up":
            guard let f = try await scope.find(FollowUpRecord.self, id), try await mine(f.staffID) else {
                throw missing
            }
            return Source(
                type: type,
                id: id,
                occurredAt: f.occurredAt,
                words: f.kind.replacingOccurrences(of: "_", with: " "),
                caseID: nil
            )
        default:
            throw ValidationError(field: "source.type", reason: "must be one of \(sourceTypes.joined(separator: ", "))")
        }
    }

    private static func requireSource(
        _ source: (type: String, id: UUID),
        caseID: UUID?,
        of p: Principal,
        on db: any Database
    ) async throws {
        let found = try await Self.source(source.type, source.id, for: p, on: db)
        if let on = found.caseID, let caseID, on != caseID {
            throw ValidationError(field: "source.id", reason: "is a record of another case")
        }
    }

    private static func settings(of p: Principal, on db: any Database) async throws -> OrganisationSettings {
        try await Organisation.find(p.organisationID, on: db)?.settings ?? .standard
    }

    private static func stepEvent(_ s: IncidentStep, _ i: Incident, _ what: String) -> AuditEntry {
        AuditEntry(
            action: .incidentStepDone,
            entity: IncidentStep.auditEntity,
            entityID: s.id?.uuidString,
            caseID: i.caseID,
            detail: "\(s.step) \(what)",
            rowDigest: s.digest
        )
    }

    private static func ownerWords(_ owner: StepOwner) -> String {
        switch owner {
        case .reporter: "the person who raised it, or their managers"
        case .lineManager: "the line manager of the person who raised it"
        case .dsl: "the designated safeguarding lead"
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
