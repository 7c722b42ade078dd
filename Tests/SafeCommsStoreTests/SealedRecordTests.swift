import FluentKit
import Foundation
import SQLKit
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// A communication record, or a row of a case's registers (people, consents, number sharing), changed
/// or deleted straight in the database, behind the application's back, is named by `audit verify`:
/// each row's digest is sealed into the event that wrote it.
@Suite struct SealedRecordTests {
    /// Twelve records, written many at once, and a correction of the first.
    func seeded(_ store: StoreDatabase) async throws -> [CommunicationRow] {
        let w = try await StoreWorld.make(on: store.db)
        let rows = (0..<12).map { i in w.record(at: iso("2026-11-02T10:00:00Z").addingTimeInterval(Double(i) * 61.123))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for row in rows {
                group.addTask { try await CommunicationRepository.insert([row], w.context, on: store.db) }
            }
            try await group.waitForAll()
        }
        var correction = w.record(at: iso("2026-11-02T10:00:00Z"))
        correction.correctsID = rows[0].id
        try await CommunicationRepository.insert([correction], action: .communicationCorrected, w.context, on: store.db)
        #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == 13, "an intact store verifies")
        return rows
    }

    func faults(_ store: StoreDatabase) async throws -> [AuditLog.RecordFault] {
        do {
            _ = try await AuditLog.verify(on: store.db, key: StoreWorld.key, pageSize: 5)
            return []
        } catch let r as AuditLog.RecordsChanged {
            return r.faults
        }
    }

    func idText(_ id: UUID, _ backend: TestBackend) -> String {
        backend == .postgres ? "'\(id.uuidString)'" : "'\(id.uuidText)'"
    }

    @Test(arguments: TestBackend.available)
    func changedTranscriptIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let rows = try await seeded(store)
            try await (store.db as! any SQLDatabase).raw(
                "UPDATE communications SET transcript = 'Nothing happened' WHERE id = \(unsafeRaw: idText(rows[3].id, backend))"
            ).run()
            let found = try await faults(store)
            #expect(found == [AuditLog.RecordFault(table: "communications", id: rows[3].id, deleted: false)])
            #expect(found.first?.description == "communications \(rows[3].id.uuidText) was changed")
        }
    }

    @Test(arguments: TestBackend.available)
    func changedTimeOrFlagIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let rows = try await seeded(store)
            let sql = store.db as! any SQLDatabase
            try await sql.raw(
                "UPDATE communications SET significant = \(unsafeRaw: backend == .postgres ? "TRUE" : "1") WHERE id = \(unsafeRaw: idText(rows[5].id, backend))"
            ).run()
            let moved = backend == .postgres ? "occurred_at + INTERVAL '1 minute'" : "occurred_at + 60"
            try await sql.raw(
                "UPDATE communications SET occurred_at = \(unsafeRaw: moved) WHERE id = \(unsafeRaw: idText(rows[7].id, backend))"
            ).run()
            #expect(Set(try await faults(store).map(\.id)) == [rows[5].id, rows[7].id])
        }
    }

    @Test(arguments: TestBackend.available)
    func changedOrDeletedPersonIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            var people: [CasePerson] = []
            for (role, name) in [
                ("child", "Aisha Brennan"), ("parent_carer", "Sam Brennan"), ("professional", "Jo Teacher"),
            ] {
                let person = CasePerson(
                    id: UUID(),
                    organisationID: w.org.id!,
                    caseID: w.caseFile.id!,
                    role: role,
                    name: name,
                    aliases: ["Ash"],
                    dateOfBirth: role == "child" ? "2015-04-01" : nil,
                    address: "1 High Street",
                    postcode: "NB1 1AB"
                )
                try await AuditLog.create(
                    person,
                    AuditEntry(
                        action: .personAdded,
                        entity: "case_person",
                        entityID: person.id?.uuidString,
                        caseID: w.caseFile.id,
                        rowDigest: person.digest
                    ),
                    w.context,
                    on: store.db
                )
                people.append(person)
            }
            #expect(try await AuditLog.verify(on: store.db, key: StoreWorld.key).links == 3, "an intact store verifies")
            let sql = store.db as! any SQLDatabase
            try await sql.raw(
                "UPDATE case_people SET date_of_birth = '2012-04-01' WHERE id = \(unsafeRaw: idText(people[0].id!, backend))"
            ).run()
            try await sql.raw("DELETE FROM case_people WHERE id = \(unsafeRaw: idText(people[2].id!, backend))").run()
            let found = try await faults(store)
            #expect(found.count == 2)
            #expect(found.contains(AuditLog.RecordFault(table: "case_people", id: people[0].id!, deleted: false)))
            #expect(found.contains(AuditLog.RecordFault(table: "case_people", id: people[2].id!, deleted: true)))
        }
    }

    @Test(arguments: TestBackend.available)
    func changedConsentAndNumberSharingAreNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let w = try await StoreWorld.make(on: store.db)
            let consent = Consent(
                id: UUID(),
                organisationID: w.org.id!,
                caseID: w.caseFile.id!,
                personID: nil,
                recordedByID: w.staff.id!,
                kind: .textingAgreed,
                channel: "sms",
                givenBy: "Aisha",
                reason: "Prefers texts",
                givenOn: "2026-01-05"
            )
            try await AuditLog.create(
                consent,
                AuditEntry(
                    action: .consentRecorded,
                    entity: Consent.auditEntity,
                    entityID: consent.id?.uuidString,
                    rowDigest: consent.digest
                ),
                w.context,
                on: store.db
            )
            let sharing = NumberSharing(
                id: UUID(),
                organisationID: w.org.id!,
                caseID: w.caseFile.id!,
                staffID: w.staff.id!,
                personID: nil,
                managerAgreedByID: nil,
                shared: false,
                number: "+447700900123",
                reason: "Work mobile only",
                decidedOn: "2026-01-05"
            )
            try await AuditLog.create(
                sharing,
                AuditEntry(
                    action: .numberNotShared,
                    entity: NumberSharing.auditEntity,
                    entityID: sharing.id?.uuidString,
                    rowDigest: sharing.digest
                ),
                w.context,
                on: store.db
            )
            #expect(try await faults(store) == [], "an intact store verifies")
            let sql = store.db as! any SQLDatabase
            // Consent withdrawn, and a personal number marked shared, without the application.
            try await sql.raw(
                "UPDATE consents SET withdrawn_on = '2026-02-01' WHERE id = \(unsafeRaw: idText(consent.id!, backend))"
            ).run()
            try await sql.raw(
                "UPDATE number_sharing SET shared = \(unsafeRaw: backend == .postgres ? "TRUE" : "1") WHERE id = \(unsafeRaw: idText(sharing.id!, backend))"
            ).run()
            #expect(
                Set(try await faults(store)) == [
                    AuditLog.RecordFault(table: "consents", id: consent.id!, deleted: false),
                    AuditLog.RecordFault(table: "number_sharing", id: sharing.id!, deleted: false),
                ]
            )
        }
    }

    @Test(arguments: TestBackend.available)
    func deletedRecordIsNamed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let rows = try await seeded(store)
            try await (store.db as! any SQLDatabase).raw(
                "DELETE FROM communications WHERE id = \(unsafeRaw: idText(rows[11].id, backend))"
            ).run()
            #expect(
                try await faults(store) == [
                    AuditLog.RecordFault(table: "communications", id: rows[11].id, deleted: true)
                ]
            )
        }
    }
}
