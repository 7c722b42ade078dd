import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// Someone with a copy of the database (the SQLite file, or a `pg_dump`) reads no transcript, no
/// name, no address and no date of birth: those are sealed under the data key, and `keys rotate`
/// moves them to a new key in batches without losing a change made meanwhile.
@Suite struct DataAtRestTests {
    /// What the demo wrote that must not be readable from the store: every such text of eight
    /// characters or more holds a space, `-`, `@` or `+`, so none can occur by chance in base64.
    func secrets(_ app: Application) async throws -> Set<String> {
        var found: Set<String> = []
        for p in try await CasePerson.query(on: app.db).all() {
            found.formUnion([p.name, p.dateOfBirth, p.address, p.phone, p.email].compactMap { $0 })
        }
        for r in try await CommunicationRecord.query(on: app.db).all() {
            found.formUnion([r.transcript, r.summary, r.counterpartName, r.counterpartAddress].compactMap { $0 })
        }
        for c in try await Consent.query(on: app.db).all() { found.formUnion([c.givenBy, c.reason]) }
        for s in try await MessageSlipRecord.query(on: app.db).all() {
            found.formUnion([s.callerName, s.returnNumber, s.reason])
        }
        for f in try await FollowUpRecord.query(on: app.db).all() {
            found.formUnion([f.callerName, f.summary].compactMap { $0 })
        }
        return found.filter { $0.count >= 8 }
    }

    /// The demo's organisation, and a message and a voicemail for its first practitioner.
    func seedDemo(_ app: Application) async throws {
        _ = try await DemoSeeder(app: app).run()
        let org = try await Organisation.query(on: app.db).first()!
        let staff = try await StaffMember.query(on: app.db).filter(\.$organisationID == org.id!).first()!
        try await MessageSlipRecord(
            organisationID: org.id!,
            forStaffID: staff.id!,
            takenByID: staff.id!,
            takenAt: Date(),
            callerName: "Marcia Gallagher",
            callerFrom: "Northbridge Primary School",
            returnNumber: "+447700900777",
            reason: "Worried about Lily's bruising at pick-up",
            callBackBy: Date().addingTimeInterval(3600)
        ).create(on: app.db)
        try await FollowUpRecord(
            organisationID: org.id!,
            staffID: staff.id!,
            loggedByID: staff.id!,
            kind: "voicemail",
            occurredAt: Date(),
            callerName: "Dean Fletcher",
            callerNumber: "+447700900888",
            summary: "Says he will collect the children tonight",
            dueAt: Date()
        ).create(on: app.db)
    }

    func dump(_ app: Application, _ backend: Backend) async throws -> Data {
        let config = app.safeCommsConfig
        switch backend {
        case .sqlite:
            // The database file and its write-ahead log and index: everything a copy of the directory holds but the keys.
            let dir = config.dataDirectory
            var all = Data()
            for name in try FileManager.default.contentsOfDirectory(atPath: dir)
            where name.hasPrefix("safecomms.sqlite") {
                all.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            }
            #expect(all.count > 100_000, "the demo's store was read")
            return all
        case .postgres:
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["pg_dump", "--data-only", "--schema=\(config.postgresSchema!)", config.databaseURL!]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "pg_dump ran")
            return data
        }
    }

    @Test(arguments: Backend.available)
    func demoDataIsNotInClearOnDisk(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            try await seedDemo(app)
            let secrets = try await secrets(app)
            #expect(
                secrets.count > 300,
                "names, dates of birth, addresses, transcripts and summaries were found to look for"
            )
            #expect(secrets.contains("Worried about Lily's bruising at pick-up"))
            let bytes = try await dump(app, backend)
            // Staff names are not sealed (they sign in by them); the check must see one in clear, or it reads nothing.
            #expect(bytes.range(of: Data(DemoSeeder.staffSpecs[0].name.utf8)) != nil)
            let inClear = secrets.filter { bytes.range(of: Data($0.utf8)) != nil }
            #expect(inClear.isEmpty, "found in clear: \(inClear.sorted().prefix(5))")
        }
    }

    /// Every sealed value in the store, as stored: table, id, column, value.
    func stored(_ app: Application) async throws -> [(String, String, String, String)] {
        let sql = app.db as! any SQLDatabase
        var out: [(String, String, String, String)] = []
        for (table, columns) in DataResealing.tables {
            for row in try await sql.raw("SELECT * FROM \(ident: table)").all() {
                let id = try row.decode(column: "id", as: UUID.self).uuidString
                for c in columns {
                    if let v = try row.decode(column: c, as: String?.self) { out.append((table, id, c, v)) }
                }
            }
        }
        return out
    }

    @Test(arguments: Backend.available)
    func rotationMovesEveryValueToTheNewKeyAndCanBeRunAgain(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            try await seedDemo(app)
            // One value written before sealing existed, in clear.
            let person = try await CasePerson.query(on: app.db).first()!
            try await (app.db as! any SQLDatabase).raw(
                "UPDATE case_people SET address = 'Flat 2, 9 Old Clear Road' WHERE id = \(bind: person.id!)"
            ).run()
            let before = try await secrets(app)
            #expect(before.contains("Flat 2, 9 Old Clear Road"))

            let key = DataKey.random()
            let report = try await DataResealing.run(on: app.db, to: key, batchSize: 97)
            let values = try await stored(app)
            #expect(report.resealed == values.count, "every value was sealed again")
            #expect(report.unreadable.isEmpty)
            #expect(
                values.allSatisfy { SealedText.keyID(of: $0.3) == Substring(key.id) },
                "every value is under the new key"
            )
            #expect(try await secrets(app) == before, "and reads as it did")
            // The clear text did not change, so the chain's record digests still hold (apart from the row changed above).
            do {
                _ = try await AuditLog.verify(on: app.db, key: app.auditKey)
                Issue.record("the case person changed in clear behind the application's back is named")
            } catch let r as AuditLog.RecordsChanged {
                #expect(r.faults.map(\.id) == [person.id!])
            }

            // Run again (as after a stop): nothing is left to do.
            #expect(try await DataResealing.run(on: app.db, to: key).resealed == 0)
        }
    }

    /// The application changes rows while a rotation runs: no change it makes is overwritten.
    @Test(arguments: Backend.available)
    func rotationNeverOverwritesAChangeMadeMeanwhile(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let org = world.north
            var ids: [UUID] = []
            for i in 0..<300 {
                let f = FollowUpRecord(
                    organisationID: org.id,
                    staffID: org.id("practitioner"),
                    loggedByID: org.id("practitioner"),
                    kind: "voicemail",
                    occurredAt: Date(),
                    callerName: "Caller \(i)",
                    callerNumber: nil,
                    summary: "First message \(i)",
                    dueAt: Date()
                )
                try await f.create(on: app.db)
                ids.append(f.id!)
            }
            let key = DataKey.random()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await DataResealing.run(on: app.db, to: key, batchSize: 20) }
                for chunk in stride(from: 0, to: ids.count, by: 30) {
                    let mine = Array(ids[chunk..<min(chunk + 30, ids.count)])
                    group.addTask {
                        for id in mine {
                            try await WriteTransaction.run(on: app.db) { tx in
                                let f = try await FollowUpRecord.find(id, on: tx)!
                                f.note = "Called back: " + f.summary!
                                f.summary = "Changed " + f.summary!
                                try await f.update(on: tx)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let all = try await FollowUpRecord.query(on: app.db).all()
            #expect(all.count == 300)
            for f in all {
                let n = f.callerName!.dropFirst("Caller ".count)
                #expect(f.summary == "Changed First message \(n)", "the application's change survived")
                #expect(f.note == "Called back: First message \(n)")
            }
        }
    }
}
