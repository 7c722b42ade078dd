import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

@Suite struct DemoTests {
    /// The demo's abusive call must wait overdue on the manager whenever it is seeded: every hour of two
    /// years, weekends and bank holidays included (a demo seeded on a Monday afternoon once found it not yet due).
    @Test func theDemosOverdueStepIsOverdueOnAnyDay() throws {
        let start = try #require(ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z"))
        let ladder = IncidentLadder.steps(for: .abusiveContact)
        let managers = try #require(ladder.first { $0.id == "PD-1.10b" })
        for hour in 0..<(2 * 366 * 24) {
            let now = start.addingTimeInterval(Double(hour) * 3_600)
            let opened = now.addingTimeInterval(-DemoSeeder.overdueIncidentAge + 1_800)
            let due = try #require(managers.deadline.due(opened: opened, hours: .standard))
            #expect(due < now, "seeded at \(now)")
        }
    }

    @Test(arguments: Backend.available)
    func demoOrganisationIsCompleteAndUsable(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // MUT
            let signIns = try await DemoSeeder(app: app).run()

            // validation: staff in every role, each printed with a working password
            #expect(Set(signIns.map(\.role)) == Set(Role.allCases.map(\.rawValue)))
            let table = DemoSeeder.table(signIns, url: "http://127.0.0.1:8080")
            for s in signIns { #expect(table.contains(s.email) && table.contains(s.password)) }
            let cases = try await CaseFile.query(on: app.db).all()
            #expect(cases.count == 50)
            #expect(
                Set(cases.map(\.status)) == [
                    CaseStatus.lookedAfter, .childProtection, .childInNeed, .earlyHelp, .other,
                ]
            )
            #expect(try await Team.query(on: app.db).all().allSatisfy { $0.huntGroupNumber != nil })
            let kinds = Set(try await Device.query(on: app.db).all().map(\.kind))
            #expect(kinds == [DeviceKind.workMobile, .deskPhone])
            #expect(try await CasePerson.query(on: app.db).count() == 150)
            #expect(try await Consent.query(on: app.db).count() >= 50)
            let records = try await CommunicationRecord.query(on: app.db).all()
            #expect(records.count >= 1000)
            let span = records.map(\.occurredAt).max()!.timeIntervalSince(records.map(\.occurredAt).min()!)
            #expect(span > 90 * 86_400, "several months of contact")
            #expect(records.contains { $0.outOfHours } && records.contains { !$0.outOfHours })
            #expect(try await AuditLog.verify(on: app.db, key: app.auditKey).links > records.count)
            // Incidents at different stages: one overdue with the manager, one closed, restricted ones hidden.
            let incidents = try await Incident.query(on: app.db).all()
            #expect(incidents.count == 4 && incidents.filter { $0.closedAt != nil }.count == 1)
            let overdue = try await IncidentStep.query(on: app.db).filter(\.$doneAt == nil).all()
                .filter { ($0.dueAt ?? .distantFuture) < Date() }
            #expect(overdue.contains { $0.step == "PD-1.10b" }, "the abusive call waits on the manager")

            // An imported chat with breaches: on the review queue of the worker's manager, not the worker's.
            let items = try await ReviewItem.query(on: app.db).all()
            #expect(items.map(\.clause).sorted() == ["PD-1.10", "WA-13", "WA-7", "WA-7"], "\(items.map(\.clause))")
            #expect(items.allSatisfy { $0.origin == .imported && $0.resolvedAt == nil })

            // The printed practitioner sees only their team's cases; the auditor reads but cannot write.
            let practitioner = signIns.first { $0.role == "practitioner" }!
            let browser = PageSession(app)
            try await browser.signIn(practitioner.email, practitioner.password)
            let page = try await browser.get("/cases")
            let myIncidents = try await browser.get("/incidents")
            #expect(myIncidents.text.contains("Indecent image received") && myIncidents.text.contains("Overdue"))
            let staff = try #require(
                try await StaffMember.query(on: app.db).filter(\.$email == practitioner.email).first()
            )
            for c in cases {
                let visible = page.text.contains(c.reference)
                #expect(visible == (c.teamID == staff.teamID || c.keyWorkerID == staff.id), "\(c.reference)")
            }
            #expect(try await browser.get("/review").text.contains("There is nothing for you to review"))
            let manager = signIns.first { $0.role == "manager" }!
            let managerBrowser = PageSession(app)
            try await managerBrowser.signIn(manager.email, manager.password)
            let queue = try await managerBrowser.get("/review")
            #expect(queue.text.contains("WA-7") && queue.text.contains("PD-1.10") && queue.text.contains(staff.name))
            let auditor = signIns.first { $0.role == "auditor" }!
            let auditorBrowser = PageSession(app)
            try await auditorBrowser.signIn(auditor.email, auditor.password)
            // Every case, 25 to a page.
            let all = try await auditorBrowser.get("/cases").text + auditorBrowser.get("/cases?page=2").text
            #expect(cases.allSatisfy { all.contains($0.reference) })
            #expect(try await auditorBrowser.get("/cases/\(cases[0].id!)/record").status == .forbidden)

            // Running it again adds nothing and issues new passwords.
            let again = try await DemoSeeder(app: app).run()
            #expect(try await CaseFile.query(on: app.db).count() == 50)
            #expect(again.map(\.email) == signIns.map(\.email))
            #expect(again.map(\.password) != signIns.map(\.password))
        }
    }

    @Test func demoRefusesAStoreWithARealOrganisation() async throws {
        try await withTestApp(.sqlite) { app in
            try await Organisation(name: "Real Council").create(on: app.db)
            await #expect(throws: RunnerError.self) { try await DemoSeeder(app: app).run() }
            #expect(try await CaseFile.query(on: app.db).count() == 0)
        }
    }
}
