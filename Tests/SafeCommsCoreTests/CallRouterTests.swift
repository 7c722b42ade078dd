import Foundation
import Testing

@testable import SafeCommsCore

/// Where a call goes (LIN-1 … LIN-6, LIN-12, LIN-13, COV-4, COV-5).
@Suite struct CallRouterTests {
    static let team = PhoneDirectory.Team(id: UUID(), name: "North Team", huntGroupNumber: "+441632960100")
    static let businessSupportHunt = PhoneDirectory.Team(
        id: UUID(),
        name: "Business Support",
        huntGroupNumber: "+441632960200"
    )
    static let officer = "+441632960201", reception = "+441632960300"
    static let settings = OrganisationSettings(emergencyDutyTeamNumber: "+441632960999")
    /// Monday 23 November 2026, 10:00 in London (GMT).
    static let monday10 = Date(timeIntervalSince1970: 1_795_428_000)

    func router(_ workers: [PhoneDirectory.Worker], settings: OrganisationSettings = Self.settings) -> CallRouter {
        CallRouter(
            directory: PhoneDirectory(
                workers: workers,
                teams: [Self.team, Self.businessSupportHunt],
                forbiddenDivertNumbers: [Self.officer, Self.reception]
            ),
            settings: settings
        )
    }

    func worker(
        desk: Bool = false,
        paired: Bool = false,
        divert: String? = nil,
        absences: [PhoneDirectory.Absence] = []
    ) -> PhoneDirectory.Worker {
        PhoneDirectory.Worker(
            id: UUID(),
            name: "Sam",
            teamID: Self.team.id,
            deskNumber: "+441632960111",
            mobileNumber: "+447700900111",
            deskLoggedIn: desk,
            deskPairedToMobile: paired,
            divertTo: divert,
            absences: absences
        )
    }

    @Test func theKeyWorkerWhenAtTheirDeskOrPaired() {
        let atDesk = worker(desk: true), out = worker(paired: true)
        let a = router([atDesk]).route(forWorker: atDesk.id, at: Self.monday10)
        let b = router([out]).route(forWorker: out.id, at: Self.monday10)
        #expect(a.destination == .worker(atDesk.id) && a.number == "+441632960111" && a.clauses == ["LIN-1", "LIN-3"])
        #expect(b.destination == .worker(out.id) && b.clauses == ["LIN-1", "LIN-4"])
    }

    @Test func otherwiseTheTeamsHuntGroup() {
        let busy = worker()
        let d = router([busy]).route(forWorker: busy.id, at: Self.monday10)
        #expect(
            d.destination == .huntGroup(Self.team.id) && d.number == Self.team.huntGroupNumber && d.clauses == ["LIN-6"]
        )
        let none = router([]).route(forWorker: nil, team: Self.team.id, at: Self.monday10)
        #expect(none.destination == .huntGroup(Self.team.id))
    }

    @Test func awayMeansTheHuntGroupEvenIfLoggedIn() {
        let onLeave = worker(
            desk: true,
            absences: [
                .init(
                    kind: .leave,
                    from: Self.monday10.addingTimeInterval(-3600),
                    until: Self.monday10.addingTimeInterval(86_400 * 3)
                )
            ]
        )
        let d = router([onLeave]).route(forWorker: onLeave.id, at: Self.monday10)
        #expect(d.destination == .huntGroup(Self.team.id) && d.reason.contains("on leave until 2026-11-26"))
        let back = router([onLeave]).route(forWorker: onLeave.id, at: Self.monday10.addingTimeInterval(86_400 * 3))
        #expect(back.destination == .worker(onLeave.id), "the absence ends at its end")
    }

    @Test func aDivertToAnIndividualOrReceptionIsRefused() {
        for bad in [Self.officer, Self.reception, "+447700900999"] {
            let w = worker(divert: bad)
            let d = router([w]).route(forWorker: w.id, at: Self.monday10)
            #expect(
                d.destination == .huntGroup(Self.team.id) && d.clauses.first == "LIN-12"
                    && d.reason.contains("refused"),
                "\(bad)"
            )
        }
        let good = worker(divert: Self.businessSupportHunt.huntGroupNumber)
        let d = router([good]).route(forWorker: good.id, at: Self.monday10)
        #expect(d.destination == .divert(good.id) && d.number == Self.businessSupportHunt.huntGroupNumber)
    }

    @Test func outOfHoursTheEmergencyDutyTeam() {
        let w = worker(desk: true)
        let evening = Self.monday10.addingTimeInterval(8 * 3600)  // 18:00
        let saturday = Self.monday10.addingTimeInterval(5 * 86_400)
        let christmas = Date(timeIntervalSince1970: 1_798_192_800)  // Friday 25 December 2026, 10:00
        for t in [evening, saturday, christmas] {
            let d = router([w]).route(forWorker: w.id, at: t)
            #expect(d.destination == .emergencyDutyTeam && d.number == "+441632960999", "\(t)")
        }
        let nobody = router([w], settings: OrganisationSettings()).route(forWorker: w.id, at: evening)
        #expect(nobody.destination == .unroutable && nobody.reason.contains("emergency_duty_team_number"))
    }

    @Test func aTeamWithoutAHuntGroupIsNamed() {
        let w = PhoneDirectory.Worker(id: UUID(), name: "Sam", teamID: UUID())
        let d = router([w]).route(forWorker: w.id, at: Self.monday10)
        #expect(d.destination == .unroutable && d.reason.contains("no hunt group number"))
    }

    @Test func voicemailOnlyWhileSomeoneWillPickItUpWithin24Hours() {
        let from = Self.monday10
        let short = worker(absences: [.init(kind: .leave, from: from, until: from.addingTimeInterval(20 * 3600))])
        let long = worker(absences: [.init(kind: .leave, from: from, until: from.addingTimeInterval(72 * 3600))])
        let unknown = worker(absences: [.init(kind: .unexpected, from: from, until: nil)])
        #expect(short.voicemailAllowed(at: from, pickupHours: 24))
        #expect(!long.voicemailAllowed(at: from, pickupHours: 24))
        #expect(
            long.voicemailAllowed(at: from.addingTimeInterval(50 * 3600), pickupHours: 24),
            "back within a day by then"
        )
        #expect(!unknown.voicemailAllowed(at: from, pickupHours: 24))
        #expect(worker().voicemailAllowed(at: from, pickupHours: 24))
    }

    /// The simulated week: a team of eight, Monday 21 to Sunday 27 December 2026 (Christmas Day a
    /// bank holiday), one on leave, one unexpectedly absent from Tuesday, people moving between desk,
    /// paired mobile and neither, diverts good and bad, and calls round the clock. Every call goes
    /// somewhere allowed.
    @Test func aSimulatedWeekRoutesEveryCallToAnAllowedDestination() {
        var rng = SeededRandom(seed: 2026)
        let start = Date(timeIntervalSince1970: 1_797_811_200)  // Monday 21 December 2026 00:00 GMT
        let day = 86_400.0
        let forbidden: Set<String> = [Self.officer, Self.reception]
        let diverts: [String?] = [
            nil, nil, Self.team.huntGroupNumber, Self.businessSupportHunt.huntGroupNumber, Self.officer, Self.reception,
            nil, nil,
        ]
        let absences: [[PhoneDirectory.Absence]] = [
            [], [.init(kind: .leave, from: start, until: start.addingTimeInterval(3 * day))],
            [.init(kind: .unexpected, from: start.addingTimeInterval(day + 10 * 3600), until: nil)], [], [], [],
            [
                .init(
                    kind: .leave,
                    from: start.addingTimeInterval(3 * day + 12 * 3600),
                    until: start.addingTimeInterval(4 * day)
                )
            ], [],
        ]
        let ids = (0..<8).map { _ in UUID() }
        var counts: [String: Int] = [:]
        for _ in 0..<2_400 {
            let at = start.addingTimeInterval(Double(rng.next() % UInt64(7 * day)))
            // Each worker's state at this moment: at the desk, out and paired, or neither.
            let workers = (0..<8).map { i in
                let s = rng.next() % 3
                return PhoneDirectory.Worker(
                    id: ids[i],
                    name: "Worker \(i)",
                    teamID: Self.team.id,
                    deskNumber: "+44163296011\(i)",
                    mobileNumber: "+44770090011\(i)",
                    deskLoggedIn: s == 0,
                    deskPairedToMobile: s == 1,
                    voicemailEnabled: true,
                    divertTo: diverts[i],
                    absences: absences[i]
                )
            }
            let keyWorker = rng.next() % 10 == 0 ? nil : ids[Int(rng.next() % 8)]
            let d = router(workers).route(forWorker: keyWorker, team: Self.team.id, at: at)

            #expect(d.destination != .unroutable, "\(d.reason)")
            #expect(!forbidden.contains(d.number ?? ""), "LIN-12: \(d.reason)")
            if Self.settings.officeHours.isOutOfHours(at) {
                #expect(d.destination == .emergencyDutyTeam)
            }
            switch d.destination {
            case .worker(let id), .divert(let id):
                let w = workers.first { $0.id == id }!
                #expect(w.absence(at: at) == nil, "never to the phone (or voicemail) of someone away")
                if case .worker = d.destination { #expect(w.deskLoggedIn || w.deskPairedToMobile) }
                if case .divert = d.destination {
                    #expect(
                        d.number == w.divertTo
                            && PhoneDirectory(workers: [], teams: [Self.team, Self.businessSupportHunt]).divertProblem(
                                d.number!
                            ) == nil
                    )
                }
            case .huntGroup(let team):
                #expect(team == Self.team.id && d.number == Self.team.huntGroupNumber)
            case .emergencyDutyTeam:
                #expect(Self.settings.officeHours.isOutOfHours(at) && d.number == Self.settings.emergencyDutyTeamNumber)
            case .unroutable:
                break
            }
            counts["\(d.destination)".split(separator: "(").first.map(String.init) ?? "", default: 0] += 1
            if d.clauses.first == "LIN-12" { counts["refused divert", default: 0] += 1 }
        }
        // Every path was taken, so the checks above were not vacuous.
        for kind in ["worker", "divert", "huntGroup", "emergencyDutyTeam", "refused divert"] {
            #expect(counts[kind, default: 0] > 20, "\(kind): \(counts)")
        }
    }
}
