import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

@Suite struct CommunicationRepositoryTests {
    @Test(arguments: TestBackend.available)
    func chronologyIsNewestFirstPagedAndFiltered(backend: TestBackend) async throws {
        try await backend.withStore { store in
            // setup
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            var records: [CommunicationRow] = []
            for i in 0..<120 {
                let at = iso("2026-10-01T09:00:00Z").addingTimeInterval(Double(i) * 3600 * 7)
                records.append(
                    w.record(
                        at: at,
                        channel: i % 3 == 0 ? .phoneCall : .sms,
                        direction: i % 2 == 0 ? .outgoing : .incoming,
                        significant: i % 10 == 0
                    )
                )
            }
            try await CommunicationRepository.insert(records, w.context, on: db)

            // MUT
            let first = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(),
                page: 1,
                per: 50,
                on: db
            )
            let third = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(),
                page: 3,
                per: 50,
                on: db
            )
            let calls = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(channel: .phoneCall),
                page: 1,
                per: 200,
                on: db
            )
            let significantIncoming = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(direction: .incoming, significant: true),
                page: 1,
                per: 200,
                on: db
            )
            let ooh = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(outOfHours: true),
                page: 1,
                per: 200,
                on: db
            )

            // validation
            #expect(first.records.count == 50 && first.hasMore)
            #expect(third.records.count == 20 && !third.hasMore)
            let dates = first.records.map(\.occurredAt)
            #expect(dates == dates.sorted(by: >))
            #expect(first.records.first?.occurredAt == records.last?.occurredAt)
            #expect(calls.records.count == 40 && calls.records.allSatisfy { $0.channel == "phone_call" })
            #expect(significantIncoming.records.isEmpty, "significant ones are all even (outgoing)")
            let expectedOOH = records.filter { OfficeHours.standard.isOutOfHours($0.occurredAt) }.count
            #expect(expectedOOH > 0 && ooh.records.count == expectedOOH)
        }
    }

    @Test(arguments: TestBackend.available)
    func thePagesLinesAgreeWithTheWholeRecords(backend: TestBackend) async throws {
        try await backend.withStore { store in
            // setup: calls and texts, a named counterpart and one known only by role, a correction
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            var records: [CommunicationRow] = []
            for i in 0..<60 {
                var r = w.record(
                    at: iso("2026-10-01T09:00:00Z").addingTimeInterval(Double(i) * 5400),
                    channel: i % 2 == 0 ? .phoneCall : .sms,
                    significant: i % 7 == 0
                )
                if i % 3 == 0 {
                    r.counterpartName = "Jo Bloggs"
                    r.counterpartAddress = "07700 900123"
                } else {
                    r.counterpartRole = "parent"
                }
                records.append(r)
            }
            try await CommunicationRepository.insert(records, w.context, on: db)
            var fix = w.record(at: records[59].occurredAt.addingTimeInterval(60))
            fix.correctsID = records[59].id
            fix.transcript = "See you Friday"
            try await CommunicationRepository.insert([fix], action: .communicationCorrected, w.context, on: db)

            // MUT: both pages of the lines, and the same pages of whole records
            var lines: [ChronologyLine] = [], whole: [CommunicationRow] = []
            var morePages: [Bool] = []
            for page in 1...2 {
                let l = try await CommunicationRepository.chronologyLines(
                    caseID: w.caseFile.id!,
                    organisationID: w.org.id!,
                    filter: .init(),
                    page: page,
                    per: 50,
                    on: db
                )
                let r = try await CommunicationRepository.chronology(
                    caseID: w.caseFile.id!,
                    organisationID: w.org.id!,
                    filter: .init(),
                    page: page,
                    per: 50,
                    on: db
                )
                lines += l.lines
                whole += r.records
                morePages.append(l.hasMore)
            }
            let calls = try await CommunicationRepository.chronologyLines(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(channel: .phoneCall, significant: true),
                page: 1,
                per: 50,
                on: db
            )
            let leaked = try await CommunicationRepository.chronologyLines(
                caseID: w.caseFile.id!,
                organisationID: try await StoreWorld.make(on: db, name: "Other Council").org.id!,
                filter: .init(),
                page: 1,
                per: 50,
                on: db
            )

            // validation: line for line what the whole record says, as the page shows it
            #expect(morePages == [true, false])
            #expect(lines.count == 61 && lines.map(\.id) == whole.map(\.id))
            for (line, record) in zip(lines, whole) {
                #expect(line.occurredAt == record.occurredAt && line.recordedAt == record.recordedAt)
                #expect(line.channel == record.channel && line.direction == record.direction)
                #expect(line.counterpart == (record.counterpartName ?? record.counterpartRole))
                #expect(line.said == (record.transcript ?? record.summary))
                #expect(line.outOfHours == record.outOfHours && line.significant == record.significant)
                #expect(line.isCorrection == (record.correctsID != nil))
                #expect(line.superseded == (record.id == records[59].id))
                #expect(line.recordedBy == w.staff.name)
            }
            #expect(lines.first?.said == "See you Friday" && lines.first?.isCorrection == true)
            #expect(lines.contains { $0.counterpart == "Jo Bloggs" } && lines.contains { $0.counterpart == "parent" })
            let expectedCalls = records.filter { $0.channel == "phone_call" && $0.significant }.map(\.id).reversed()
            #expect(calls.lines.map(\.id) == Array(expectedCalls) && !calls.lines.isEmpty)
            #expect(leaked.lines.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func otherOrganisationNeverSeesTheRecords(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let other = try await StoreWorld.make(on: db, name: "Other Council")
            try await CommunicationRepository.insert([w.record(at: iso("2026-10-01T10:00:00Z"))], w.context, on: db)
            let leaked = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: other.org.id!,
                filter: .init(),
                page: 1,
                per: 50,
                on: db
            )
            #expect(leaked.records.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func correctionSupersedesWithoutDeleting(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let original = w.record(at: iso("2026-10-01T10:00:00Z"))
            try await CommunicationRepository.insert([original], w.context, on: db)
            var fix = w.record(at: iso("2026-10-01T10:05:00Z"))
            fix.correctsID = original.id
            try await CommunicationRepository.insert([fix], action: .communicationCorrected, w.context, on: db)
            let page = try await CommunicationRepository.chronology(
                caseID: w.caseFile.id!,
                organisationID: w.org.id!,
                filter: .init(),
                page: 1,
                per: 50,
                on: db
            )
            #expect(page.records.count == 2)
            #expect(page.superseded == [original.id])
            let events = try await AuditEvent.query(on: db).all().map(\.action)
            #expect(events == ["communication.create", "communication.correct"])
        }
    }

    @Test(arguments: TestBackend.available)
    func aFailedBatchLeavesNothingBehind(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            try await CommunicationRepository.insert(
                [w.record(at: iso("2026-10-01T10:00:00Z"), naturalKey: "wa:1")],
                w.context,
                on: db
            )
            // The second batch repeats a natural key at its end: the whole batch and its audit events must go.
            let batch =
                (0..<1500).map {
                    w.record(at: iso("2026-10-02T10:00:00Z").addingTimeInterval(Double($0)), naturalKey: "wa:b\($0)")
                }
                + [w.record(at: iso("2026-10-03T10:00:00Z"), naturalKey: "wa:1")]
            await #expect(throws: (any Error).self) {
                try await CommunicationRepository.insert(batch, w.context, on: db)
            }
            #expect(try await CommunicationRecord.query(on: db).count() == 1)
            #expect(try await AuditEvent.query(on: db).count() == 1)
            #expect(try await AuditLog.verify(on: db, key: StoreWorld.key).links == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func timesRoundTripExactly(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let at = iso("2026-03-29T00:59:59Z")  // the hour clocks go forward
            let r = w.record(at: at, channel: .phoneCall)
            try await CommunicationRepository.insert([r], w.context, on: db)
            let back = try #require(try await CommunicationRecord.find(r.id, on: db))
            #expect(abs(back.occurredAt.timeIntervalSince(at)) < 0.001)
            #expect(back.outOfHours)
        }
    }
}
