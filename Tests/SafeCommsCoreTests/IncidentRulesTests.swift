import Foundation
import Testing

@testable import SafeCommsCore

/// Incidents' ladders, deadlines, escalation and visibility, as pure rules.
@Suite struct IncidentRulesTests {
    static let hours = OfficeHours.standard
    static func at(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test func everyKindHasALadderFromItsClause() {
        for kind in IncidentKind.allCases {
            let steps = IncidentLadder.steps(for: kind, breached: "WA-7")
            #expect(!steps.isEmpty, "\(kind)")
            let clause = kind.clause ?? "WA-7"
            #expect(steps.allSatisfy { $0.clause == clause && $0.id.hasPrefix(clause) }, "\(kind)")
            #expect(Set(steps.map(\.id)).count == steps.count, "step ids are unique within a ladder: \(kind)")
        }
        #expect(IncidentLadder.steps(for: .imageRequestByStaff).allSatisfy { $0.owner == .dsl }, "PD-2.1: the DSL's")
        #expect(IncidentLadder.steps(for: .imageReceived).map(\.records) == [.note, .reference, .confirmation])
        #expect(IncidentLadder.steps(for: .imageReceived).last?.deadline == StepDeadline.none, "waits on the police")
    }

    /// Each run clause's own ladder: who acts first and what they record, as the clause asks.
    @Test func eachClausesLadderDoesWhatTheClauseSays() {
        // PD-1.13: reported to the line manager, then deleted (confirmed).
        let bluetooth = IncidentLadder.steps(for: .unsolicitedImage)
        #expect(bluetooth.map(\.owner) == [.lineManager, .reporter] && bluetooth.last?.records == .confirmation)
        #expect(IncidentKind.unsolicitedImage.clause == "PD-1.13")
        // PD-2.2: the phone kept with the young person's permission, and the police contacted (a reference).
        let volunteered = IncidentLadder.steps(for: .imagesVolunteered)
        #expect(
            volunteered.map(\.records) == [.note, .reference, .note]
                && IncidentKind.imagesVolunteered.clause == "PD-2.2"
        )
        // PD-2.4: advise deleting the material and keep a record the line manager reads.
        let refused = IncidentLadder.steps(for: .phoneRefused)
        #expect(refused.map(\.owner) == [.reporter, .lineManager] && IncidentKind.phoneRefused.clause == "PD-2.4")
        // PD-2.5: never downloaded; the police or the DSL contacted at once (a reference within the hour).
        let doubtful = IncidentLadder.steps(for: .doubtfulContent)
        #expect(doubtful.first?.records == .reference && doubtful.first?.deadline == .clockMinutes(60))
        #expect(doubtful.last?.owner == .dsl && IncidentKind.doubtfulContent.clause == "PD-2.5")
        // PD-4.2: recorded in words, and the line manager told.
        let social = IncidentLadder.steps(for: .socialNetworkConcern)
        #expect(
            social.map(\.owner) == [.reporter, .lineManager] && IncidentKind.socialNetworkConcern.clause == "PD-4.2"
        )
        // WNL-5.2: a concern about a member of staff's conduct goes to the DSL, and is restricted.
        let conduct = IncidentLadder.steps(for: .conductConcern)
        #expect(conduct.allSatisfy { $0.owner == .dsl } && IncidentKind.conductConcern.isRestricted)
        #expect(IncidentKind.conductConcern.clause == "WNL-5.2")
    }

    @Test func aRepeatedBreachGoesToTheDSL() {
        let once = IncidentLadder.steps(for: .policyBreach, breached: "WA-7")
        let again = IncidentLadder.steps(for: .policyBreach, breached: "WA-7", repeated: true)
        #expect(once.map(\.owner) == [.lineManager] && again.map(\.owner) == [.lineManager, .dsl])
        #expect(again.map(\.id) == ["WA-7a", "WA-7b"])
    }

    @Test func officeHoursDeadlinesStopTheClockOutsideHours() {
        // Friday 20 November 2026, 16:30 in London (GMT): an hour of office time is Monday 09:00.
        let friday = Self.at("2026-11-20T16:30:00Z")
        #expect(
            StepDeadline.officeMinutes(60).due(opened: friday, hours: Self.hours) == Self.at("2026-11-23T09:00:00Z")
        )
        #expect(StepDeadline.endOfWorkingDay.due(opened: friday, hours: Self.hours) == Self.at("2026-11-20T17:00:00Z"))
        // Saturday: the close of Monday.
        let saturday = Self.at("2026-11-21T11:00:00Z")
        #expect(
            StepDeadline.endOfWorkingDay.due(opened: saturday, hours: Self.hours) == Self.at("2026-11-23T17:00:00Z")
        )
        // A working day from Tuesday 10:00 is Wednesday 10:00; from Thursday 24 December 15:00, past
        // Christmas and Boxing Day (Saturday, so the bank holiday is Monday 28th): Tuesday 29th 15:00.
        #expect(
            StepDeadline.workingDays(1).due(opened: Self.at("2026-11-24T10:00:00Z"), hours: Self.hours)
                == Self.at("2026-11-25T10:00:00Z")
        )
        #expect(
            StepDeadline.workingDays(1).due(opened: Self.at("2026-12-24T15:00:00Z"), hours: Self.hours)
                == Self.at("2026-12-29T15:00:00Z")
        )
        // Immediate is immediate, night or day; and a step waiting on the police has no time.
        #expect(
            StepDeadline.clockMinutes(60).due(opened: saturday, hours: Self.hours) == Self.at("2026-11-21T12:00:00Z")
        )
        #expect(StepDeadline.none.due(opened: saturday, hours: Self.hours) == nil)
    }

    @Test func anOverdueStepGoesToTheLineManagerThenTheDSL() {
        let opened = Self.at("2026-11-24T10:00:00Z"), due = Self.at("2026-11-24T11:00:00Z")
        func level(_ now: String) -> IncidentEscalation.Level {
            IncidentEscalation.level(opened: opened, due: due, now: Self.at(now), hours: Self.hours)
        }
        #expect(level("2026-11-24T10:59:00Z") == .none)
        #expect(level("2026-11-24T11:30:00Z") == .lineManager)
        #expect(level("2026-11-24T12:00:00Z") == .dsl, "an hour's step overdue by another hour")
        // A working day's step: a working day overdue before the DSL hears of it.
        let dayDue = Self.at("2026-11-25T10:00:00Z")
        #expect(
            IncidentEscalation.level(
                opened: opened,
                due: dayDue,
                now: Self.at("2026-11-25T16:00:00Z"),
                hours: Self.hours
            )
                == .lineManager
        )
        #expect(
            IncidentEscalation.level(
                opened: opened,
                due: dayDue,
                now: Self.at("2026-11-26T10:00:00Z"),
                hours: Self.hours
            )
                == .dsl
        )
        #expect(
            IncidentEscalation.level(opened: opened, due: nil, now: Self.at("2027-01-01T00:00:00Z"), hours: Self.hours)
                == .none
        )
    }

    @Test func restrictedKindsAreSeenOnlyByTheReporterTheirManagersTheDSLAndAuditors() {
        let org = UUID(), team = UUID(), reporter = UUID(), manager = UUID()
        let reporterAt = StaffAllocation(staffID: reporter, organisationID: org, teamID: team, lineManagerID: manager)
        let caseAt = CaseAllocation(organisationID: org, teamID: team, keyWorkerID: reporter)
        func who(_ roles: Set<Role>, _ id: UUID = UUID(), managing: Set<UUID> = [], in o: UUID? = nil) -> Principal {
            Principal(staffID: id, organisationID: o ?? org, roles: roles, teamIDs: [team], managedTeamIDs: managing)
        }
        let colleague = who([.practitioner]), lineManager = who([.manager], manager)
        let teamManager = who([.manager], managing: [team]), dsl = who([.dsl]), auditor = who([.auditor])
        let outsider = who([.dsl], in: UUID()), self_ = who([.practitioner], reporter)
        for kind in IncidentKind.allCases {
            let i = IncidentAllocation(kind: kind, reporter: reporterAt, caseAllocation: caseAt)
            for p in [self_, lineManager, teamManager, dsl, auditor] { #expect(AccessPolicy.canRead(p, i), "\(kind)") }
            #expect(!AccessPolicy.canRead(outsider, i), "never across organisations: \(kind)")
            #expect(AccessPolicy.canRead(colleague, i) == !kind.isRestricted, "the team sees its case's: \(kind)")
        }
        let noCase = IncidentAllocation(kind: .abusiveContact, reporter: reporterAt, caseAllocation: nil)
        #expect(!AccessPolicy.canRead(colleague, noCase) && AccessPolicy.canRead(lineManager, noCase))
    }

    @Test func stepsAreDoneByTheirOwnersAndNeverByAuditors() {
        let org = UUID(), team = UUID(), reporter = UUID(), manager = UUID()
        let i = IncidentAllocation(
            kind: .imageReceived,
            reporter: StaffAllocation(staffID: reporter, organisationID: org, teamID: team, lineManagerID: manager),
            caseAllocation: nil
        )
        func who(_ roles: Set<Role>, _ id: UUID = UUID()) -> Principal {
            Principal(staffID: id, organisationID: org, roles: roles, teamIDs: [team], managedTeamIDs: [])
        }
        let self_ = who([.practitioner], reporter), line = who([.manager], manager)
        let dsl = who([.dsl]), auditor = who([.auditor]), colleague = who([.practitioner])
        #expect(
            AccessPolicy.canComplete(self_, .reporter, of: i) && !AccessPolicy.canComplete(self_, .lineManager, of: i)
        )
        #expect(AccessPolicy.canComplete(line, .lineManager, of: i) && !AccessPolicy.canComplete(line, .dsl, of: i))
        #expect(AccessPolicy.canComplete(dsl, .dsl, of: i) && AccessPolicy.canComplete(dsl, .reporter, of: i))
        #expect(
            !AccessPolicy.canComplete(auditor, .reporter, of: i)
                && !AccessPolicy.canComplete(colleague, .reporter, of: i)
        )
    }

    @Test func aBreachIsReviewedByTheLineManagerOfTheOneItConcerns() {
        let org = UUID(), team = UUID(), dan = UUID(), tom = UUID(), sarah = UUID()
        let i = IncidentAllocation(
            kind: .policyBreach,
            reporter: StaffAllocation(staffID: dan, organisationID: org, teamID: team, lineManagerID: nil),
            concerning: StaffAllocation(staffID: tom, organisationID: org, teamID: team, lineManagerID: sarah),
            caseAllocation: nil
        )
        func who(_ id: UUID, _ roles: Set<Role>) -> Principal {
            Principal(staffID: id, organisationID: org, roles: roles, teamIDs: [team], managedTeamIDs: [])
        }
        #expect(AccessPolicy.canComplete(who(sarah, [.manager]), .lineManager, of: i), "Tom's line manager reviews it")
        #expect(AccessPolicy.canRead(who(sarah, [.manager]), i))
        #expect(!AccessPolicy.canComplete(who(UUID(), [.manager]), .lineManager, of: i))
        #expect(i.managed.staffID == tom)
    }
}
