import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

@Suite struct AuditBatcherTests {
    @Test(arguments: TestBackend.available)
    func concurrentEventsAreEachCommittedOnceAndTheChainStaysWhole(backend: TestBackend) async throws {
        try await backend.withStore { store in
            // setup
            let w = try await StoreWorld.make(on: store.db)
            let batcher = AuditBatcher(db: store.db)
            let before = try await AuditEvent.query(on: store.db).count()

            // MUT: a burst of reads, then a change through the ordinary path (the batcher's remembered
            // head goes stale), then more reads
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await batcher.record(
                            AuditEntry(action: .checked, entity: "check", detail: "n\(i)"),
                            w.context
                        )
                    }
                }
                try await group.waitForAll()
            }
            try await AuditLog.record([AuditEntry(action: .caseRead, entity: "case")], w.context, on: store.db)
            for i in 0..<3 {
                try await batcher.record(AuditEntry(action: .checked, entity: "check", detail: "after \(i)"), w.context)
            }

            // validation
            let events = try await AuditEvent.query(on: store.db).sort(\.$id).all()
            #expect(events.count == before + 54)
            #expect(Set(events.compactMap(\.detail).filter { $0.hasPrefix("n") }).count == 50)
            #expect(events.suffix(3).map(\.detail) == ["after 0", "after 1", "after 2"])
            let verified = try await AuditLog.verify(on: store.db, key: StoreWorld.key)
            #expect(verified.links == events.count)
        }
    }
}
