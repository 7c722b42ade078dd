import FluentKit
import Foundation
import SQLKit
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// Incidents raised, walked through their ladders, amended and read, called directly with a database.
@Suite struct IncidentsTests {
    /// The world's practitioner, their line manager, a colleague in the team, the DSL and an auditor.
    struct People {
        let w: StoreWorld
        let manager: StaffMember, colleague: StaffMember, lead: StaffMember, auditorStaff: StaffMember

        static func make(on db: any Database) async throws -> People {
            let w = try await StoreWorld.make(on: db)
            func staff(_ name: String, _ roles: Set<Role>) async throws -> StaffMember {
                let s = StaffMember(
                    id: UUID(),
                    organisationID: w.org.id!,
                    teamID: w.team.id,
                    name: name,
                    email:
                        "\(name.lowercased().replacingOccurrences(of: " ", with: "."))\(UUID().uuidString.prefix(4))@example.org",
                    passwordHash: "x",
                    roles: roles
                )
                try await s.create(on: db)
                return s
            }
            let manager = try await staff("Mo Manager", [.manager])
            let colleague = try await staff("Cal Colleague", [.practitioner])
            let lead = try await staff("Dee Lead", [.dsl])
            let auditorStaff = try await staff("Aud Itor", [.auditor])
            w.staff.lineManagerID = manager.id
            try await w.staff.save(on: db)
            return People(w: w, manager: manager, colleague: colleague, lead: lead, auditorStaff: auditorStaff)
        }

        func principal(_ s: StaffMember) -> Principal {
            Principal(
                staffID: s.id!,
                organisationID: w.org.id!,
                roles: s.roles,
                teamIDs: [w.team.id!],
                managedTeamIDs: []
            )
        }
        var reporter: Principal { principal(w.staff) }
        var line: Principal { principal(manager) }
        var other: Principal { principal(colleague) }
        var dsl: Principal { principal(lead) }
        var auditor: Principal { principal(auditorStaff) }

        func who(_ owner: StepOwner) -> Principal {
            switch owner {
            case .reporter: reporter
            case .lineManager: line
            case .dsl: dsl
            }
        }
    }

    static let monday = try! Date("2026-11-23T10:00:00Z", strategy: .iso8601)

    @Test(arguments: TestBackend.available)
    func everyKindsLadderIsWalkedToTheEnd(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let t = try await People.make(on: db)
            for kind in IncidentKind.allCases {
                var view = try await Incidents.raise(
                    .init(
                        kind: kind,
                        caseID: t.w.caseFile.id,
                        breachedClause: kind == .policyBreach ? "WA-7" : nil,
                        occurredAt: Self.monday.addingTimeInterval(-600),
                        summary: "What happened, in words"
                    ),
                    by: t.reporter,
                    audit: t.w.context,
                    on: db,
                    now: Self.monday
                )
                let ladder = IncidentLadder.steps(for: kind, breached: "WA-7")
                #expect(view.steps.map(\.step) == ladder.map(\.id), "\(kind)")
                #expect(
                    view.steps.first?.openedAt == Self.monday
                        && view.steps.dropFirst().allSatisfy { $0.openedAt == nil }
                )
                var clock = Self.monday
                for template in ladder {
                    let open = try #require(view.openStep)
                    #expect(open.step == template.id)
                    clock.addTimeInterval(60)
                    view = try await Incidents.complete(
                        step: open.id!,
                        of: view.incident.id!,
                        .init(note: "Done", reference: "Police ref 123", confirmed: true),
                        by: t.who(template.owner),
                        audit: t.w.context,
                        on: db,
                        now: clock
                    )
                }
                #expect(view.openStep == nil && view.incident.closedAt == clock, "\(kind) closes with its last step")
                #expect(view.steps.allSatisfy { $0.doneByID != nil && $0.doneAt != nil })
            }
            let raised = try await AuditEvent.query(on: db).filter(\.$action == AuditAction.incidentRaised.rawValue)
                .count()
            #expect(raised == IncidentKind.allCases.count)
            #expect(try await AuditLog.verify(on: db, key: StoreWorld.key).links == AuditEvent.query(on: db).count())
        }
    }

    @Test(arguments: TestBackend.available)
    func aStepIsDoneByItsOwnerOnceInOrderWithWhatItMustRecord(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let t = try await People.make(on: db)
            let view = try await Incidents.raise(
                .init(
                    kind: .imageReceived,
                    caseID: t.w.caseFile.id,
                    occurredAt: Self.monday,
                    summary: "An image arrived"
                ),
                by: t.reporter,
                audit: t.w.context,
                on: db,
                now: Self.monday
            )
            let (a, b) = (view.steps[0], view.steps[1])
            #expect(a.dueAt == Self.monday.addingTimeInterval(3600), "PD-2.3: a manager knows at once")
            let id = view.incident.id!
            func complete(_ s: IncidentStep, by p: Principal, _ c: Incidents.Completion) async throws -> Incidents.View
            {
                try await Incidents.complete(
                    step: s.id!,
                    of: id,
                    c,
                    by: p,
                    audit: t.w.context,
                    on: db,
                    now: Self.monday
                )
            }
            let noted = Incidents.Completion(note: "Told", reference: nil, confirmed: false)
            await #expect(throws: Refusal.conflict("step PD-2.3b opens when the one before it is done")) {
                try await complete(b, by: t.line, noted)
            }
            await #expect(throws: Refusal.forbidden("this step is for the line manager of the person who raised it")) {
                try await complete(a, by: t.reporter, noted)
            }
            await #expect(throws: Refusal.notFound("no incident \(id.uuidString) that you can see")) {
                try await complete(a, by: t.other, noted)
            }
            // Eight at once: one does it, the others are told it was done.
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await complete(a, by: t.line, noted)
                            return "done"
                        } catch let r as Refusal {
                            return r.description
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "done" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "step PD-2.3a was already done" }.count == 7, "\(outcomes)")
            // PD-2.3b records the police's reference.
            do {
                _ = try await complete(b, by: t.line, noted)
                Issue.record("a police step without a reference was accepted")
            } catch let e as ValidationError {
                #expect(e.field == "reference")
            }
            let after = try await complete(
                b,
                by: t.line,
                .init(note: nil, reference: "PC Jones, ref 4471", confirmed: false)
            )
            #expect(after.steps[1].reference == "PC Jones, ref 4471" && after.openStep?.step == "PD-2.3c")
            #expect(after.openStep?.dueAt == nil, "deleting waits on the police")
            let events = try await AuditEvent.query(on: db).filter(\.$entity == IncidentStep.auditEntity).all()
            #expect(events.filter { $0.detail == "PD-2.3a done" }.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func restrictedKindsAreHiddenFromTheTeamAndAmendmentsKeepTheOriginal(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let t = try await People.make(on: db)
            // The colleague may see the case (same team); not an incident about an indecent image on it.
            _ = try await VisibleCases.one(t.w.caseFile.id!, .read, for: t.other, on: db)
            let image = try await Incidents.raise(
                .init(kind: .imageReceived, caseID: t.w.caseFile.id, occurredAt: Self.monday, summary: "Image"),
                by: t.reporter,
                audit: t.w.context,
                on: db,
                now: Self.monday
            )
            let abuse = try await Incidents.raise(
                .init(kind: .abusiveContact, caseID: t.w.caseFile.id, occurredAt: Self.monday, summary: "Shouting"),
                by: t.reporter,
                audit: t.w.context,
                on: db,
                now: Self.monday
            )
            #expect(try await Incidents.visible(to: t.other, on: db).map(\.incident.id) == [abuse.incident.id])
            for p in [t.reporter, t.line, t.dsl, t.auditor] {
                #expect(
                    Set(try await Incidents.visible(to: p, on: db).map(\.incident.id)) == [
                        image.incident.id, abuse.incident.id,
                    ]
                )
            }
            await #expect(throws: Refusal.forbidden("auditors read incidents but do not raise them")) {
                try await Incidents.raise(
                    .init(kind: .abusiveContact, caseID: nil, occurredAt: Self.monday, summary: "x"),
                    by: t.auditor,
                    audit: t.w.context,
                    on: db,
                    now: Self.monday
                )
            }
            let amended = try await Incidents.amend(
                abuse.incident.id!,
                reason: "The caller was the father, not the uncle",
                summary: "Father shouting",
                by: t.reporter,
                audit: t.w.context,
                on: db
            )
            #expect(amended.incident.summary == "Shouting", "the incident as first written stays")
            #expect(
                amended.amendments.map(\.summary) == ["Father shouting"]
                    && amended.amendments[0].madeByID == t.w.staff.id
            )
            // Sealed at rest: the summary is not in the table as written.
            let stored = try await (db as! any SQLDatabase).raw("SELECT summary FROM incidents").all()
                .map { try $0.decode(column: "summary", as: String.self) }
            #expect(stored.count == 2 && stored.allSatisfy { $0.hasPrefix("sc1.") })
        }
    }

    @Test(arguments: TestBackend.available)
    func aRepeatedBreachByOneMemberOfStaffAddsTheDSL(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let t = try await People.make(on: db)
            func breach() async throws -> Incidents.View {
                try await Incidents.raise(
                    .init(
                        kind: .policyBreach,
                        caseID: nil,
                        breachedClause: "WA-7",
                        occurredAt: Self.monday,
                        summary: "Names in a group chat",
                        people: [.init(staffID: t.colleague.id, role: .staffMember)]
                    ),
                    by: t.line,
                    audit: t.w.context,
                    on: db,
                    now: Self.monday
                )
            }
            #expect(try await breach().steps.map(\.owner) == [.lineManager])
            #expect(try await breach().steps.map(\.owner) == [.lineManager, .dsl])
            do {
                _ = try await Incidents.raise(
                    .init(
                        kind: .policyBreach,
                        caseID: nil,
                        breachedClause: "seven",
                        occurredAt: Self.monday,
                        summary: "x"
                    ),
                    by: t.line,
                    audit: t.w.context,
                    on: db
                )
                Issue.record("a breach of no clause was accepted")
            } catch let e as ValidationError {
                #expect(e.field == "clause")
            }
        }
    }

    /// An organisation sets its own deadline for a step: counted as the clause counts it (the clock for
    /// what must happen at once, office time otherwise); a step it does not name keeps the clause's.
    @Test(arguments: TestBackend.available)
    func anOrganisationsOwnDeadlinesReplaceTheClauses(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let t = try await People.make(on: db)
            var settings = t.w.org.settings
            settings.incidentStepMinutes = ["image_received:a": 30, "abusive_contact:b": 120]
            try settings.validate()
            t.w.org.settings = settings
            try await t.w.org.save(on: db)
            let friday = try Date("2026-11-27T16:30:00Z", strategy: .iso8601)  // half an hour before closing
            let image = try await Incidents.raise(
                .init(kind: .imageReceived, caseID: t.w.caseFile.id, occurredAt: friday, summary: "An image arrived"),
                by: t.reporter,
                audit: t.w.context,
                on: db,
                now: friday
            )
            #expect(image.steps[0].dueAt == friday.addingTimeInterval(30 * 60), "by the clock")
            let abuse = try await Incidents.raise(
                .init(kind: .abusiveContact, caseID: t.w.caseFile.id, occurredAt: friday, summary: "Shouting"),
                by: t.reporter,
                audit: t.w.context,
                on: db,
                now: friday
            )
            let done = try await Incidents.complete(
                step: abuse.steps[0].id!,
                of: abuse.incident.id!,
                .init(note: "Recorded", reference: nil, confirmed: false),
                by: t.reporter,
                audit: t.w.context,
                on: db,
                now: friday
            )
            // 120 office minutes from 16:30 on a Friday: 30 that day, 90 from Monday's 08:30.
            #expect(done.steps[1].dueAt == (try Date("2026-11-30T10:00:00Z", strategy: .iso8601)))
            // The third step keeps the clause's deadline: a working day.
            #expect(
                IncidentLadder.steps(for: .abusiveContact, minutes: settings.incidentStepMinutes!)[2].deadline
                    == .workingDays(1)
            )
        }
        // A step that does not exist, or a deadline out of range, is named.
        var bad = OrganisationSettings.standard
        bad.incidentStepMinutes = ["image_received:z": 30]
        #expect(throws: ValidationError.self) { try bad.validate() }
        bad.incidentStepMinutes = ["image_received:c": 30]
        #expect(throws: ValidationError.self, "image_received:c waits on the police and has no deadline") {
            try bad.validate()
        }
        bad.incidentStepMinutes = ["image_received:a": 0]
        #expect(
            throws: ValidationError(
                field: "incident_step_minutes.image_received:a",
                reason: "must be between 1 and 14400 minutes (ten days)"
            )
        ) {
            try bad.validate()
        }
    }
}
