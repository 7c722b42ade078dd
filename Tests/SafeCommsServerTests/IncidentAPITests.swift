import FluentKit
import Foundation
import SQLKit
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// Incidents through the API, on SQLite and PostgreSQL.
@Suite struct IncidentAPITests {
    static func raise(_ kind: String, on caseID: UUID, extra: String = "") -> String {
        #"{"kind":"\#(kind)","case_id":"\#(caseID)","occurred_at":"2026-11-20T10:00:00Z","summary":"What happened"\#(extra)}"#
    }

    @Test(arguments: Backend.available)
    func noIncidentRouteTakesAFile(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let token = world.north.token("practitioner")
            let raised = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: token,
                json: Self.raise("image_received", on: world.north.caseA)
            )
            #expect(raised.status == .created, "\(raised.text)")
            let id = try #require(raised.json["id"] as? String)
            let step = try #require((raised.json["steps"] as? [[String: Any]])?.first?["id"] as? String)
            // Resolving a review item may open an incident: its routes take no file either.
            let item = try await AccessMatrixTests.reviewItem(app, world)
            let routes: [(HTTPMethod, String)] = [
                (.POST, "/api/v1/incidents"), (.POST, "/api/v1/incidents/\(id)/steps/\(step)/complete"),
                (.POST, "/api/v1/incidents/\(id)/amendments"), (.GET, "/api/v1/incidents"),
                (.GET, "/api/v1/incidents/\(id)"), (.POST, "/api/v1/review-items/\(item)/resolve"),
                (.GET, "/api/v1/review-items"), (.GET, "/api/v1/review-items/summary"),
            ]
            let boundary = "----safecomms-test"
            let multipart =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"summary\"\r\n\r\nAn image\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"IMG_0042.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n\u{FF}\u{D8}\u{FF}\u{E0}not really a picture\r\n--\(boundary)--\r\n"
            for (method, path) in routes {
                var headers = HTTPHeaders.bearer(token)
                headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                let r = try await app.testing().sendRequest(
                    method,
                    path,
                    headers: headers,
                    body: ByteBuffer(string: multipart)
                )
                #expect(r.status == .unprocessableEntity, "\(method) \(path): \(r.text)")
                #expect(r.json["field"] as? String == "evidence", "\(method) \(path) names the file's field: \(r.text)")
                #expect((r.json["reason"] as? String)?.contains("never takes a file") == true)
                var octets = HTTPHeaders.bearer(token)
                octets.replaceOrAdd(name: .contentType, value: "application/octet-stream")
                let raw = try await app.testing().sendRequest(
                    method,
                    path,
                    headers: octets,
                    body: ByteBuffer(bytes: [0xFF, 0xD8])
                )
                #expect(raw.status.code >= 400 && raw.status.code < 500, "\(method) \(path) with bytes: \(raw.status)")
            }
            // A file in JSON is a field no incident has.
            let inJSON = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: token,
                json: Self.raise(
                    "image_received",
                    on: world.north.caseA,
                    extra: #","file":{"filename":"a.jpg","data":"/9j/4AAQ"}"#
                )
            )
            #expect(
                inJSON.status.code >= 400 && inJSON.status.code < 500 && inJSON.text.contains("file"),
                "\(inJSON.text)"
            )
            // No incident table has a column that could hold bytes, and nothing written holds the file's name.
            for table in [
                Incident.schema, IncidentStep.schema, IncidentAmendment.schema, IncidentPerson.schema,
                ReviewItem.schema,
            ] {
                let rows = try await (app.db as! any SQLDatabase).raw("SELECT * FROM \(unsafeRaw: table)").all()
                for row in rows {
                    for column in row.allColumns {
                        let text = (try? row.decode(column: column, as: String?.self)) ?? nil
                        #expect(!(text ?? "").contains("IMG_0042") && !(text ?? "").contains("not really a picture"))
                    }
                }
            }
            #expect(try await Incident.query(on: app.db).count() == 1)
        }
    }

    /// The organisation's own deadline for a step, set through its settings by an administrator.
    @Test(arguments: Backend.available)
    func anOrganisationSetsItsOwnStepDeadlines(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let admin = world.north.token("admin")
            let current = try await app.send(.GET, "/api/v1/organisation", token: admin)
            var s = try #require(current.json["settings"] as? [String: Any])
            s["incident_step_minutes"] = ["image_received:a": 30, "unknown_kind:a": 5]
            func patch() async throws -> TestingHTTPResponse {
                try await app.send(
                    .PATCH,
                    "/api/v1/organisation",
                    token: admin,
                    json: String(decoding: try JSONSerialization.data(withJSONObject: s), as: UTF8.self)
                )
            }
            let refused = try await patch()
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.json["field"] as? String == "incident_step_minutes.unknown_kind:a", "\(refused.text)")
            s["incident_step_minutes"] = ["image_received:a": 30]
            let patched = try await patch()
            #expect(patched.status == .ok, "\(patched.text)")
            let saved = (patched.json["settings"] as? [String: Any])?["incident_step_minutes"] as? [String: Int]
            #expect(saved == ["image_received:a": 30])
            let raised = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: world.north.token("practitioner"),
                json: Self.raise("image_received", on: world.north.caseA)
            )
            let step = try #require((raised.json["steps"] as? [[String: Any]])?.first)
            let opened = try #require((step["opened_at"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            let due = try #require((step["due"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            #expect(due.timeIntervalSince(opened) == 30 * 60)
        }
    }

    /// Raised from where it happened: a contact on the case, or a message taken for the caller; never
    /// from a record the caller cannot see, or a record of another case.
    @Test(arguments: Backend.available)
    func anIncidentIsRaisedFromTheRecordItCameFrom(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let record = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/communications",
                token: north.token("practitioner"),
                json: AccessMatrixTests.comm(north)
            )
            let recordID = try #require(record.json["id"] as? String)
            func raise(
                _ token: String,
                _ source: String,
                _ id: String,
                on caseID: UUID? = nil
            ) async throws -> TestingHTTPResponse {
                try await app.send(
                    .POST,
                    "/api/v1/incidents",
                    token: token,
                    json:
                        #"{"kind":"abusive_contact",\#(caseID.map { #""case_id":"\#($0)","# } ?? "")"source":{"type":"\#(source)","id":"\#(id)"},"occurred_at":"2026-11-02T10:00:00Z","summary":"Threats in the reply"}"#
                )
            }
            let fromRecord = try await raise(north.token("practitioner"), "communication", recordID, on: north.caseA)
            #expect(fromRecord.status == .created, "\(fromRecord.text)")
            #expect((fromRecord.json["source"] as? [String: Any])?["id"] as? String == recordID)
            // The practitioner on case B cannot see case A's record.
            let unseen = try await raise(north.token("practitionerB"), "communication", recordID)
            #expect(
                unseen.status == .unprocessableEntity && unseen.json["field"] as? String == "source.id",
                "\(unseen.text)"
            )
            // A message taken for the practitioner: theirs and their manager's to raise from, not a colleague's.
            let slip = try await app.send(
                .POST,
                "/api/v1/staff/\(north.id("practitioner"))/messages",
                token: north.token("business_support"),
                json: PhoneAPITests.slip
            )
            let slipID = try #require(slip.json["id"] as? String)
            #expect(try await raise(north.token("practitioner"), "message_slip", slipID).status == .created)
            #expect(try await raise(north.token("manager"), "message_slip", slipID).status == .created)
            let colleague = try await raise(north.token("practitionerB"), "message_slip", slipID)
            #expect(colleague.status == .unprocessableEntity && colleague.json["field"] as? String == "source.id")
            // Another organisation's staff: as if it did not exist.
            let south = try await raise(world.south.token("dsl"), "communication", recordID)
            #expect(south.status == .unprocessableEntity && !south.text.contains(north.caseA.uuidString))
        }
    }

    @Test(arguments: Backend.available)
    func anIncidentIsWalkedThroughTheAPIAndRestrictedKindsStayWithTheirPeople(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let image = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: north.token("practitioner"),
                json: Self.raise("image_received", on: north.caseA)
            )
            let abuse = try await app.send(
                .POST,
                "/api/v1/incidents",
                token: north.token("practitioner"),
                json: Self.raise("abusive_contact", on: north.caseA)
            )
            #expect(image.status == .created && abuse.status == .created)
            #expect(image.json["clauses"] as? [String] == ["PD-2.3"] && image.json["status"] as? String == "open")
            let steps = try #require(image.json["steps"] as? [[String: Any]])
            #expect(steps.map { $0["owner_role"] as? String } == ["line_manager", "line_manager", "reporter"])
            let imageID = try #require(image.json["id"] as? String)

            // The team's manager manages the practitioner; the DSL may always act.
            func complete(_ index: Int, as role: String, _ body: String) async throws -> TestingHTTPResponse {
                let current = try await app.send(.GET, "/api/v1/incidents/\(imageID)", token: north.token("dsl"))
                let step = try #require((current.json["steps"] as? [[String: Any]])?[index]["id"] as? String)
                return try await app.send(
                    .POST,
                    "/api/v1/incidents/\(imageID)/steps/\(step)/complete",
                    token: north.token(role),
                    json: body
                )
            }
            #expect(try await complete(0, as: "practitioner", #"{"note":"x"}"#).status == .forbidden)
            #expect(try await complete(0, as: "manager", #"{"note":"I know"}"#).status == .ok)
            let noReference = try await complete(1, as: "manager", #"{"note":"Rang them"}"#)
            #expect(noReference.status == .unprocessableEntity && noReference.json["field"] as? String == "reference")
            #expect(try await complete(1, as: "manager", #"{"reference":"PC Jones, 4471"}"#).status == .ok)
            let unconfirmed = try await complete(2, as: "practitioner", #"{}"#)
            #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.json["field"] as? String == "confirmed")
            let closed = try await complete(2, as: "practitioner", #"{"confirmed":true,"note":"Deleted"}"#)
            #expect(closed.status == .ok && closed.json["status"] as? String == "closed", "\(closed.text)")

            // Lists follow visibility (a restricted kind hidden from the team is tested in the store): the other
            // team sees neither; status narrows.
            func listed(_ role: String, _ query: String = "") async throws -> Set<String> {
                Set(
                    try await app.send(.GET, "/api/v1/incidents\(query)", token: north.token(role)).jsonArray
                        .compactMap { $0["kind"] as? String }
                )
            }
            #expect(try await listed("practitioner") == ["image_received", "abusive_contact"])
            #expect(try await listed("practitionerB").isEmpty)
            #expect(try await listed("auditor", "?status=open") == ["abusive_contact"])
            #expect(try await listed("dsl", "?status=closed") == ["image_received"])
            #expect(
                try await app.send(.GET, "/api/v1/incidents?status=shut", token: north.token("dsl")).json["field"]
                    as? String == "status"
            )
            #expect(
                try await app.send(.GET, "/api/v1/incidents/\(imageID)", token: world.south.token("dsl")).status
                    == .notFound
            )
            let reads = try await AuditEvent.query(on: app.db).filter(\.$action == "incident.read").count()
            #expect(reads > 0)
        }
    }
}
