import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// `SQLiteReader` reads the SQLite file outside Fluent's pool. What it reads must be what Fluent's
/// connections read, and it must see every write the moment it is committed.
@Suite struct SQLiteReaderTests {
    @Test func theChronologyPageReadsTheSameThroughTheReaderAsThroughFluent() async throws {
        try await TestBackend.sqlite.withStore { store in
            // setup: 120 records, one of them corrected; a member of staff of another organisation
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let outsider = try await StoreWorld.make(on: db, name: "Other Council")
            var records: [CommunicationRow] = []
            let start = iso("2026-10-01T09:00:00Z")
            for i in 0..<120 {
                let channel: Channel = i % 3 == 0 ? .phoneCall : .whatsapp
                let direction: Direction = i % 2 == 0 ? .outgoing : .incoming
                let at = start.addingTimeInterval(Double(i) * 3600 * 5)
                records.append(w.record(at: at, channel: channel, direction: direction, significant: i % 7 == 0))
            }
            try await CommunicationRepository.insert(records, w.context, on: db)
            let reader = SQLiteReader(path: try #require(store.sqlitePath))
            let p = try await w.staff.principal(on: db)

            // MUT
            var pages: [(through: (CaseFile, ChronologyLines), fluent: (CaseFile, ChronologyLines))] = []
            for page in 1...3 {
                let through = try await CommunicationRepository.chronologyPage(
                    caseID: w.caseFile.id!,
                    for: p,
                    page: page,
                    per: 50,
                    reader: reader,
                    on: db
                )
                let fluent = try await CommunicationRepository.chronologyPage(
                    caseID: w.caseFile.id!,
                    for: p,
                    page: page,
                    per: 50,
                    reader: nil,
                    on: db
                )
                pages.append((through, fluent))
            }
            let outsiders = try await outsider.staff.principal(on: db)
            let refused = await #expect(throws: Refusal.self) {
                try await CommunicationRepository.chronologyPage(
                    caseID: w.caseFile.id!,
                    for: outsiders,
                    page: 1,
                    per: 50,
                    reader: reader,
                    on: db
                )
            }
            try await reader.shutdown()

            // validation
            for (through, fluent) in pages {
                #expect(through.0.reference == fluent.0.reference && through.0.displayName == fluent.0.displayName)
                #expect(through.1.lines == fluent.1.lines)
                #expect(through.1.hasMore == fluent.1.hasMore)
            }
            #expect(pages.map(\.through.1.lines.count) == [50, 50, 20])
            #expect(pages.map(\.through.1.hasMore) == [true, true, false])
            #expect(pages[0].through.1.lines.first?.said == "See you Thursday", "sealed text opened")
            if case .notFound = refused {
            } else {
                Issue.record("another organisation's case must be not found, not \(String(describing: refused))")
            }
        }
    }

    /// A statement is prepared once per connection and kept; run again with other values it must not
    /// be compiled again (SQLite would, for `col = ?` with an ORDER BY, without the planner's
    /// stability guarantee), or keeping it saves nothing.
    @Test func keptStatementsAreNotCompiledAgainWhenRunWithOtherValues() async throws {
        try await TestBackend.sqlite.withStore { store in
            // setup: two cases with records, each read once so that every statement is kept
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let other = try await StoreWorld.make(on: db, name: "Other Council")
            let start = iso("2026-10-01T09:00:00Z")
            try await CommunicationRepository.insert(
                (0..<30).map { w.record(at: start.addingTimeInterval(Double($0) * 3600)) },
                w.context,
                on: db
            )
            try await CommunicationRepository.insert(
                (0..<30).map { other.record(at: start.addingTimeInterval(Double($0) * 3600)) },
                other.context,
                on: db
            )
            let reader = SQLiteReader(path: try #require(store.sqlitePath), threads: 1)
            let readers = [
                (w.caseFile.id!, try await w.staff.principal(on: db)),
                (other.caseFile.id!, try await other.staff.principal(on: db)),
            ]

            // MUT: each case's first page, in turn, five times (the same statements, other values)
            var counts: [Int] = []
            for _ in 0..<5 {
                for (caseID, p) in readers {
                    let page = try await CommunicationRepository.chronologyPage(
                        caseID: caseID,
                        for: p,
                        page: 1,
                        per: 50,
                        reader: reader,
                        on: db
                    )
                    counts.append(page.1.lines.count)
                }
            }
            let plannedAgain = try await reader.read { $0.timesPlannedAgain }
            try await reader.shutdown()

            // validation
            #expect(counts == Array(repeating: 30, count: 10))
            #expect(plannedAgain == 0)
        }
    }

    @Test func everyCommittedWriteIsReadAtOnceWhileOthersWrite() async throws {
        try await TestBackend.sqlite.withStore { store in
            // setup
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let reader = SQLiteReader(path: try #require(store.sqlitePath))
            let p = try await w.staff.principal(on: db)
            let firstPage = { @Sendable in
                try await CommunicationRepository.chronologyPage(
                    caseID: w.caseFile.id!,
                    for: p,
                    page: 1,
                    per: 200,
                    reader: reader,
                    on: db
                )
            }

            // MUT: 8 writers record 10 contacts each; after each acknowledged write, the writer reads
            // the first page through the reader and looks for its record, while the others write
            let seen = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var found = 0
                        for i in 0..<10 {
                            // All 80 fit on the first page of 200.
                            let at = Date().addingTimeInterval(Double(writer * 10 + i) * 86_400 + 1_000_000)
                            let row = w.record(at: at)
                            try await CommunicationRepository.insert([row], w.context, on: db)
                            let (_, page) = try await firstPage()
                            if page.lines.contains(where: { $0.id == row.id }) { found += 1 }
                        }
                        return found
                    }
                }
                return try await group.reduce(0, +)
            }
            let (_, all) = try await firstPage()
            try await reader.shutdown()

            // validation
            #expect(seen == 80, "every writer saw its own record at once")
            #expect(all.lines.count == 80)
        }
    }

    @Test func aRevokedTokenIsRefusedAtOnceThroughTheReader() async throws {
        try await TestBackend.sqlite.withStore { store in
            // setup: two tokens of one member of staff
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let until = Date().addingTimeInterval(86_400)
            let kept = APIToken(
                staffID: w.staff.id!,
                tokenHash: "kept-hash",
                label: "kept",
                scope: .read,
                expiresAt: until
            )
            let revoked = APIToken(
                staffID: w.staff.id!,
                tokenHash: "revoked-hash",
                label: "revoked",
                scope: .readWrite,
                expiresAt: until
            )
            try await kept.create(on: db)
            try await revoked.create(on: db)
            let reader = SQLiteReader(path: try #require(store.sqlitePath))
            let lookup = TokenLookup(db: db, reader: reader)
            let loop = db.eventLoop

            // MUT
            let before = try await lookup.holder(forTokenHash: "revoked-hash", on: loop).get()
            revoked.revokedAt = Date()
            try await revoked.save(on: db)
            async let after = lookup.holder(forTokenHash: "revoked-hash", on: loop).get()
            async let stillKept = lookup.holder(forTokenHash: "kept-hash", on: loop).get()
            async let unknown = lookup.holder(forTokenHash: "nobody's", on: loop).get()
            let (a, k, u) = try await (after, stillKept, unknown)
            try await reader.shutdown()

            // validation
            #expect(before?.member().id == w.staff.id)
            #expect(a == nil, "a revoked token signs nobody in")
            let member = k?.member()
            #expect(member?.id == w.staff.id && member?.organisationID == w.org.id)
            #expect(k?.scope == .read && k?.isCurrent(at: Date()) == true, "the token's scope and expiry come with it")
            #expect(u == nil)
        }
    }
}
