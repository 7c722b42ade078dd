import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// Message slips (LIN-9) and follow-ups (COV-5, COV-7) are sealed into the audit chain as they are
/// taken and again as they are answered or closed: one changed or deleted behind the application's
/// back is named by `audit verify`, and many written at once still verify.
@Suite struct SealedPhoneRecordsTests {
    func id(_ res: TestingHTTPResponse) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [String: Any]
        return json?["id"] as? String ?? ""
    }

    @Test(arguments: Backend.available)
    func changedOrDeletedMessagesAndFollowUpsAreNamed(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let officer = north.id("practitioner"), worker = north.token("practitioner"),
                support = north.token("business_support")
            let iso = Date.ISO8601FormatStyle()
            let slip =
                #"{"taken_at":"\#(Date().addingTimeInterval(-600).formatted(iso))","caller_name":"Jo Price","caller_from":"Oakdale Primary School","return_number":"01202 123456","reason":"Attendance","call_back_by":"\#(Date().addingTimeInterval(3600).formatted(iso))"}"#
            let voicemail =
                #"{"received_at":"\#(Date().addingTimeInterval(-600).formatted(iso))","caller_name":"Ms Rahman","caller_number":"07700 900123","summary":"About Friday"}"#

            // Twelve of each at once, half of them then answered or closed at once.
            let (slips, followUps) = try await withThrowingTaskGroup(of: (String?, String?).self) { group in
                for i in 0..<24 {
                    group.addTask {
                        if i % 2 == 0 {
                            let r = try await app.send(
                                .POST,
                                "/api/v1/staff/\(officer)/messages",
                                token: support,
                                json: slip
                            )
                            #expect(r.status == .created)
                            return (try id(r), nil)
                        }
                        let r = try await app.send(
                            .POST,
                            "/api/v1/staff/\(officer)/voicemails",
                            token: support,
                            json: voicemail
                        )
                        #expect(r.status == .created)
                        return (nil, try id(r))
                    }
                }
                var s: [String] = [], f: [String] = []
                for try await (a, b) in group {
                    if let a { s.append(a) }
                    if let b { f.append(b) }
                }
                return (s.sorted(), f.sorted())
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for m in slips.prefix(6) {
                    group.addTask {
                        let r = try await app.send(
                            .POST,
                            "/api/v1/messages/\(m)/response",
                            token: worker,
                            json: #"{"response":"Rang Jo back"}"#
                        )
                        #expect(r.status == .ok)
                    }
                }
                for f in followUps.prefix(6) {
                    group.addTask {
                        let r = try await app.send(
                            .POST,
                            "/api/v1/follow-ups/\(f)/close",
                            token: worker,
                            json: #"{"outcome":"responded","note":"Rang back"}"#
                        )
                        #expect(r.status == .ok)
                    }
                }
                try await group.waitForAll()
            }
            let intact = try await AuditLog.verify(on: app.db, key: app.auditKey)
            #expect(intact.links > 36, "taken, answered and closed, all sealed and intact")

            // Behind the application's back: an answer rewritten, a slip deleted, a closed follow-up reopened.
            let sql = app.db as! any SQLDatabase
            let rewritten = UUID(uuidString: slips[0])!, deleted = UUID(uuidString: slips[9])!,
                reopened = UUID(uuidString: followUps[1])!
            try await sql.raw(
                "UPDATE message_slips SET response = \(bind: DataKeys.seal("Nothing to do")) WHERE id = \(bind: rewritten)"
            ).run()
            try await sql.raw("DELETE FROM message_slips WHERE id = \(bind: deleted)").run()
            try await sql.raw("UPDATE follow_ups SET closed_at = NULL WHERE id = \(bind: reopened)").run()
            do {
                _ = try await AuditLog.verify(on: app.db, key: app.auditKey)
                Issue.record("the changes are found")
            } catch let r as AuditLog.RecordsChanged {
                #expect(
                    Set(r.faults) == [
                        AuditLog.RecordFault(table: "message_slips", id: rewritten, deleted: false),
                        AuditLog.RecordFault(table: "message_slips", id: deleted, deleted: true),
                        AuditLog.RecordFault(table: "follow_ups", id: reopened, deleted: false),
                    ]
                )
            }
        }
    }
}
