import FluentKit
import Foundation
import SQLKit
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// Tampering straight in the database, as someone with database access might, must be detected: what
/// is recorded of communication with children stays open to scrutiny (PD-12.1).
@Suite struct AuditTamperTests {
    func seeded(_ store: StoreDatabase) async throws -> StoreWorld {
        let w = try await StoreWorld.make(on: store.db)
        for i in 0..<20 {
            try await AuditLog.record(
                [AuditEntry(action: .caseRead, entity: "case", entityID: "\(i)", caseID: w.caseFile.id)],
                w.context,
                on: store.db
            )
        }
        #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == 20)
        return w
    }

    func brokenAt(_ store: StoreDatabase) async throws -> AuditChainVerifier.Break? {
        do {
            _ = try await AuditLog.verify(on: store.db, key: StoreWorld.key, pageSize: 7)
            return nil
        } catch let b as AuditChainVerifier.Break {
            return b
        }
    }

    @Test(arguments: TestBackend.available)
    func editedRowIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await seeded(store)
            let sql = store.db as! any SQLDatabase
            try await sql.raw("UPDATE audit_events SET action = 'case.update' WHERE seq = 9").run()
            #expect(try await brokenAt(store) == .alteredLink(sequence: 9))
        }
    }

    @Test(arguments: TestBackend.available)
    func deletedRowIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await seeded(store)
            let sql = store.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_events WHERE seq = 12").run()
            #expect(try await brokenAt(store) == .sequenceGap(after: 11, found: 13))
        }
    }

    @Test(arguments: TestBackend.available)
    func deletedAndRenumberedRowIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await seeded(store)
            let sql = store.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_events WHERE seq = 12").run()
            for seq in 13...20 {
                try await sql.raw("UPDATE audit_events SET seq = \(literal: seq - 1) WHERE seq = \(literal: seq)").run()
            }
            let b = try #require(try await brokenAt(store))
            // Link 12 is now the old 13: it still points at the deleted link's hash.
            guard case .brokenPointer(let s, _, _) = b else {
                Issue.record("expected a broken pointer, got \(b)")
                return
            }
            #expect(s == 12)
        }
    }

    @Test(arguments: TestBackend.available)
    func reorderedRowsAreNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await seeded(store)
            let sql = store.db as! any SQLDatabase
            // Swap links 5 and 6 by renumbering them through a free sequence number.
            try await sql.raw("UPDATE audit_events SET seq = 1000 WHERE seq = 5").run()
            try await sql.raw("UPDATE audit_events SET seq = 5 WHERE seq = 6").run()
            try await sql.raw("UPDATE audit_events SET seq = 6 WHERE seq = 1000").run()
            let b = try #require(try await brokenAt(store))
            guard case .brokenPointer(let s, _, _) = b else {
                Issue.record("expected a broken pointer, got \(b)")
                return
            }
            #expect(s == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentAppendsKeepOneChain(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await AuditLog.record(
                            [AuditEntry(action: .caseRead, entity: "case", entityID: "\(i)")],
                            w.context,
                            on: store.db
                        )
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == 40)
        }
    }
}
