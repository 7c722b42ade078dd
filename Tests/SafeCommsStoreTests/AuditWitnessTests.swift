import FluentKit
import Foundation
import SQLKit
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// Cutting the newest events off the chain leaves what remains intact; the witness log outside the
/// database still names the head that was removed.
@Suite struct AuditWitnessTests {
    /// 150 events: 100 audited writes one at a time, 50 through group commit, all many at once.
    func seeded(_ store: StoreDatabase, witnessAt path: String) async throws -> AuditContext {
        let w = try await StoreWorld.make(on: store.db)
        var witnessed = w.context
        witnessed.witness = try AuditWitness(path: path)
        let context = witnessed
        let batcher = AuditBatcher(db: store.db)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<100 {
                group.addTask {
                    try await AuditLog.record(
                        [AuditEntry(action: .caseCreated, entity: "case", entityID: "\(i)")],
                        context,
                        on: store.db
                    )
                }
            }
            for i in 0..<50 {
                group.addTask {
                    try await batcher.record(
                        AuditEntry(action: .caseRead, entity: "case", entityID: "r\(i)"),
                        context
                    )
                }
            }
            try await group.waitForAll()
        }
        return context
    }

    func verdict(_ store: StoreDatabase, _ path: String) async throws -> AuditChainVerifier.Break? {
        do {
            _ = try await AuditLog.verify(
                on: store.db,
                key: StoreWorld.key,
                witnesses: [try AuditWitness.read(path: path)],
                pageSize: 7
            )
            return nil
        } catch let b as AuditChainVerifier.Break {
            return b
        }
    }

    func witnessPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("witness-\(UUID().uuidString).log").path
    }

    @Test(arguments: TestBackend.available)
    func intactChainReachesTheWitness(backend: TestBackend) async throws {
        let path = witnessPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await backend.withStore { store in
            _ = try await seeded(store, witnessAt: path)
            let log = try AuditWitness.read(path: path)
            #expect(log.newest == 150, "the witness names the newest head")
            #expect(log.heads.count >= 101, "one line per commit: 100 writes and at least one group commit")
            #expect(try await verdict(store, path) == nil)
        }
    }

    @Test(arguments: TestBackend.available, [1, 100, 150])
    func deletingTheNewestEventsIsNamed(backend: TestBackend, deleted: Int) async throws {
        let path = witnessPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await backend.withStore { store in
            _ = try await seeded(store, witnessAt: path)
            let sql = store.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_events WHERE seq > \(literal: 150 - deleted)").run()
            // What remains is a whole chain: without the witness it verifies.
            #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == 150 - deleted)
            let b = try #require(try await verdict(store, path))
            #expect(b == .witnessAhead(witnessed: 150, chainEnds: Int64(150 - deleted), witness: path))
            #expect(
                b.description.contains(
                    deleted == 150 ? "every event has been deleted" : "the newest \(deleted) events are missing"
                )
            )
        }
    }

    @Test(arguments: TestBackend.available)
    func cuttingBackAndWritingAgainIsNamed(backend: TestBackend) async throws {
        let path = witnessPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await backend.withStore { store in
            let context = try await seeded(store, witnessAt: path)
            let sql = store.db as! any SQLDatabase
            // The newest head witnessed before the last: a commit's, so at least 100 (a hundred events
            // were committed one at a time; the group commit may have taken the other fifty in one).
            let witnessed = try #require(try AuditWitness.read(path: path).heads.keys.filter { $0 < 150 }.max())
            #expect(witnessed >= 100)
            try await sql.raw("DELETE FROM audit_events WHERE seq >= \(literal: witnessed)").run()
            if backend == .postgres {
                try await sql.raw(
                    "UPDATE audit_head SET seq = 0, hash = \(bind: AuditChainVerifier.genesis) WHERE id = 1"
                ).run()
            }
            // Someone with the key writes new events in their place, past the witness's newest head;
            // these are not witnessed (no witness in this context).
            var unwitnessed = context
            unwitnessed.witness = nil
            for i in 0..<60 {
                try await AuditLog.record(
                    [AuditEntry(action: .caseRead, entity: "case", entityID: "x\(i)")],
                    unwitnessed,
                    on: store.db
                )
            }
            #expect(try await verdict(store, path) == .witnessDiffers(sequence: witnessed, witness: path))
        }
    }

    @Test func unreadableWitnessLineIsNamed() throws {
        let good = String(repeating: "ab", count: 32)
        #expect(throws: AuditWitnessLog.Unreadable.self) {
            try AuditWitnessLog(name: "w.log", text: "1 \(good) 5\n2 nothex 6\n")
        }
        do {
            _ = try AuditWitnessLog(name: "w.log", text: "1 \(good) 5\n\n2 nothex 6\n")
        } catch {
            #expect(error.description == "the witness w.log, line 3, is not a sequence number and a hash")
        }
        let log = try AuditWitnessLog(name: "w.log", text: "2 \(good) 6\n1 \(good) 5\n\n")
        #expect(log.newest == 2 && log.heads.count == 2)
    }
}
