import FluentKit
import Foundation
import SQLKit
import SafeCommsImport
import SafeCommsPolicies
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// The review queue: what the scan of imported and recorded messages finds, who sees it, and each way
/// of resolving it, called directly with a database.
@Suite struct ReviewQueueTests {
    static let library = try! BundledPolicies.library()

    /// A chat between the worker and the child on the case: two messages give away who the child is
    /// (WA-7), one is ordinary, and one from the child is abusive (PD-1.10, WA-13).
    static let chat = """
        20/11/2026, 09:15 - Pat Worker: Hi, it's Pat. Are you free Thursday at 4pm?
        20/11/2026, 09:21 - Jamie Child: yes
        20/11/2026, 09:30 - Pat Worker: I've passed your details to school: Jamie Child, born 04/05/2012, of 12 Acacia Road, BH1 1AA
        20/11/2026, 09:40 - Jamie Child: leave me alone you stupid bitch
        21/11/2026, 10:02 - Pat Worker: Reminder for the review: Jamie's postcode is BH1 1AA
        """

    struct World {
        let t: IncidentsTests.People
        let child: CasePerson

        static func make(on db: any Database) async throws -> World {
            let t = try await IncidentsTests.People.make(on: db)
            let child = CasePerson(
                id: UUID(),
                organisationID: t.w.org.id!,
                caseID: t.w.caseFile.id!,
                role: "child",
                name: "Jamie Child",
                dateOfBirth: "2012-05-04",
                address: "12 Acacia Road",
                postcode: "BH1 1AA"
            )
            try await child.create(on: db)
            return World(t: t, child: child)
        }

        func importChat(_ text: String = ReviewQueueTests.chat, on db: any Database) async throws -> CaseImport.Report {
            try await CaseImport.run(
                .init(
                    format: .whatsapp,
                    reader: LineReader(text),
                    caseReference: t.w.caseFile.reference,
                    asEmail: t.w.staff.email,
                    dryRun: false,
                    mappings: ["Pat Worker": t.w.staff.email, "Jamie Child": "Jamie Child"]
                ),
                on: db,
                key: StoreWorld.key,
                library: ReviewQueueTests.library
            )
        }
    }

    @Test(arguments: TestBackend.available)
    func anImportedChatIsScannedAndAWA7ItemBecomesABreachLinkedToItsMessage(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await World.make(on: db)
            let report = try await w.importChat(on: db)
            #expect(report.imported == 5)
            let t = w.t
            let items = try await ReviewQueue.visible(.init(), to: t.line, on: db)
            let byClause = Dictionary(grouping: items, by: \.item.clause)
            // The two messages that name the child, one item each however much each names.
            #expect(byClause["WA-7"]?.count == 2)
            let found = Set(byClause["WA-7"]?.flatMap(\.item.types) ?? [])
            #expect(found.isSuperset(of: ["POSTCODE", "CASE_PERSON"]))
            #expect(byClause["PD-1.10"]?.count == 1)
            #expect(byClause["WA-13"]?.count == 1)
            #expect(items.allSatisfy { $0.item.staffID == t.w.staff.id && $0.item.origin == .imported })
            #expect(report.flagged == items.count)

            // Resolved as an incident: a policy breach of WA-7, linked to the message, with the worker on it.
            let wa7 = byClause["WA-7"]![0]
            let resolved = try await ReviewQueue.resolve(
                wa7.item.id!,
                .init(outcome: .incident, reason: "Second time this month"),
                by: t.line,
                link: "https://safecomms.test",
                audit: t.w.context,
                on: db
            )
            #expect(resolved.item.outcome == .incident)
            let incident = try await Incidents.one(try #require(resolved.item.incidentID), for: t.line, on: db)
            #expect(incident.incident.kind == .policyBreach)
            #expect(incident.incident.clause == "WA-7")
            #expect(incident.incident.sourceType == "communication")
            #expect(incident.incident.sourceID == wa7.item.communicationID)
            #expect(incident.people.map(\.staffID) == [t.w.staff.id])
            #expect(incident.people.map(\.role) == [.staffMember])
            // Importing the same chat again adds no record and no item.
            let again = try await w.importChat(on: db)
            #expect(again.imported == 0)
            #expect(again.flagged == 0)
            #expect(try await ReviewItem.query(on: db).count() == items.count)
            // The scan of stored messages finds the same, and adds nothing already there.
            let scanned = try await ReviewQueue.scan(
                caseReference: t.w.caseFile.reference,
                library: ReviewQueueTests.library,
                key: StoreWorld.key,
                on: db
            )
            #expect(scanned.messages == 5)
            #expect(scanned.flagged == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func theStoredScanFindsWhatAnImportWithoutOneLeftAndNothingTwice(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await World.make(on: db)
            // Imported before the queue existed: nothing flagged.
            _ = try await CaseImport.run(
                .init(
                    format: .whatsapp,
                    reader: LineReader(ReviewQueueTests.chat),
                    caseReference: w.t.w.caseFile.reference,
                    asEmail: w.t.w.staff.email,
                    dryRun: false,
                    mappings: ["Pat Worker": w.t.w.staff.email, "Jamie Child": "Jamie Child"]
                ),
                on: db,
                key: StoreWorld.key
            )
            #expect(try await ReviewItem.query(on: db).count() == 0)
            // Two scans at once: every item once.
            let reports = try await withThrowingTaskGroup(of: ReviewQueue.ScanReport.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await ReviewQueue.scan(
                            caseReference: nil,
                            library: ReviewQueueTests.library,
                            key: StoreWorld.key,
                            on: db
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let total = try await ReviewItem.query(on: db).count()
            #expect(total == 4)
            #expect(reports.map(\.flagged).reduce(0, +) == total)
            let third = try await ReviewQueue.scan(
                caseReference: nil,
                library: ReviewQueueTests.library,
                key: StoreWorld.key,
                on: db
            )
            #expect(third.flagged == 0)
            #expect(try await ReviewItem.query(on: db).all().allSatisfy { $0.origin == .scan })
        }
    }

    @Test(arguments: TestBackend.available)
    func aRecordedMessageIsScannedWithItsCase(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await World.make(on: db)
            let t = w.t
            let draft = CommunicationDraft(
                channel: .whatsapp,
                direction: .outgoing,
                occurredAt: Date().addingTimeInterval(-60),
                counterpartRole: .professional,
                transcript: "Jamie Child's date of birth is 04/05/2012"
            )
            _ = try await RecordContact.record(
                draft,
                personID: nil,
                deviceID: nil,
                on: t.w.caseFile,
                by: t.reporter,
                source: "api",
                library: ReviewQueueTests.library,
                audit: t.w.context,
                on: db
            )
            let items = try await ReviewQueue.visible(.init(), to: t.dsl, on: db)
            #expect(items.map(\.item.clause) == ["WA-7"])
            #expect(items.first?.item.origin == .recorded)
            // An ordinary message adds nothing.
            var plain = draft
            plain.transcript = "See you on Thursday"
            _ = try await RecordContact.record(
                plain,
                personID: nil,
                deviceID: nil,
                on: t.w.caseFile,
                by: t.reporter,
                source: "api",
                library: ReviewQueueTests.library,
                audit: t.w.context,
                on: db
            )
            #expect(try await ReviewItem.query(on: db).count() == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func theQueueIsTheWorkersManagersAndTheDSLsAndEachOutcomeIsKept(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await World.make(on: db)
            let t = w.t
            _ = try await w.importChat(on: db)
            let all = try await ReviewQueue.visible(.init(), to: t.dsl, on: db)
            #expect(all.count == 4)
            #expect(try await ReviewQueue.visible(.init(), to: t.line, on: db).count == 4)
            #expect(try await ReviewQueue.visible(.init(), to: t.auditor, on: db).count == 4)
            // The worker themselves and a colleague see none of it.
            #expect(try await ReviewQueue.visible(.init(), to: t.reporter, on: db).isEmpty)
            #expect(try await ReviewQueue.visible(.init(), to: t.other, on: db).isEmpty)
            await #expect(throws: Refusal.self) {
                try await ReviewQueue.one(all[0].item.id!, for: t.other, on: db)
            }
            // An auditor reads but does not resolve.
            await #expect(throws: Refusal.self) {
                try await ReviewQueue.resolve(
                    all[0].item.id!,
                    .init(outcome: .falsePositive, reason: "x"),
                    by: t.auditor,
                    link: "",
                    audit: t.w.context,
                    on: db
                )
            }
            // No action needs a reason.
            await #expect(throws: ValidationError(field: "reason", reason: "is required: say why no action is needed"))
            {
                try await ReviewQueue.resolve(
                    all[0].item.id!,
                    .init(outcome: .noAction, reason: "  "),
                    by: t.line,
                    link: "",
                    audit: t.w.context,
                    on: db
                )
            }
            // Two managers resolving one item at once: one resolution, the other told.
            let id = all[0].item.id!
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for who in [t.line, t.dsl] {
                    group.addTask {
                        (try? await ReviewQueue.resolve(
                            id,
                            .init(outcome: .falsePositive, reason: "The analyser was wrong"),
                            by: who,
                            link: "",
                            audit: t.w.context,
                            on: db
                        )) != nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let done = try await ReviewQueue.one(id, for: t.dsl, on: db)
            #expect(done.item.outcome == .falsePositive)
            #expect(done.item.reason == "The analyser was wrong")
            // Telling the worker queues one e-mail to them naming the clause and the day, never the words.
            let pd110 = all.first { $0.item.clause == "PD-1.10" }!
            _ = try await ReviewQueue.resolve(
                pd110.item.id!,
                .init(outcome: .notifyWorker, reason: nil),
                by: t.line,
                link: "https://safecomms.test",
                audit: t.w.context,
                on: db
            )
            let mail = try #require(try await Notification.query(on: db).filter(\.$staffID == t.w.staff.id!).first())
            #expect(mail.subject.contains("PD-1.10"))
            #expect(mail.body.contains("20 Nov 2026"))
            #expect(!mail.body.contains("bitch") && !mail.body.contains("Jamie"))
            // What is left open is counted per clause and per worker.
            let summary = try await ReviewQueue.summary(for: t.line, on: db)
            #expect(summary.open == 2)
            #expect(summary.byWorker.map(\.name) == ["Pat Worker"])
            #expect(summary.byWorker.first?.open == 2)
            #expect(Set(summary.byClause.map(\.name)).count == summary.byClause.count)
        }
    }
}
