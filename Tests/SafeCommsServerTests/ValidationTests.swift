import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// Bad input gets a 4xx naming the field and what is wrong, and nothing is written.
@Suite struct ValidationTests {
    struct Bad: Sendable, CustomStringConvertible {
        let name: String
        let path: String
        let json: String
        let status: UInt
        let field: String
        let reasonContains: String
        var description: String { name }
    }

    static let now = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
    static let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))

    static let cases: [Bad] = [
        .init(
            name: "unknown channel",
            path: "communications",
            json: #"{"channel":"fax","occurred_at":"\#(now)","summary":"x"}"#,
            status: 422,
            field: "channel",
            reasonContains: "'fax'"
        ),
        .init(
            name: "unknown direction",
            path: "communications",
            json: #"{"channel":"sms","direction":"sideways","occurred_at":"\#(now)","transcript":"x"}"#,
            status: 422,
            field: "direction",
            reasonContains: "outgoing"
        ),
        .init(
            name: "future occurred_at",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(future)","transcript":"hello"}"#,
            status: 422,
            field: "occurred_at",
            reasonContains: "future"
        ),
        .init(
            name: "sms without transcript",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)"}"#,
            status: 422,
            field: "transcript",
            reasonContains: "PD-1.1"
        ),
        .init(
            name: "call without summary",
            path: "communications",
            json: #"{"channel":"phone_call","occurred_at":"\#(now)","duration_seconds":60}"#,
            status: 422,
            field: "summary",
            reasonContains: "summarise"
        ),
        .init(
            name: "negative duration",
            path: "communications",
            json: #"{"channel":"phone_call","occurred_at":"\#(now)","duration_seconds":-5,"summary":"x"}"#,
            status: 422,
            field: "duration_seconds",
            reasonContains: "negative"
        ),
        .init(
            name: "unparseable phone number",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)","transcript":"x","counterpart_address":"ring me maybe"}"#,
            status: 422,
            field: "counterpart_address",
            reasonContains: "not a phone number"
        ),
        .init(
            name: "date without zone",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"2026-11-02 10:00","transcript":"x"}"#,
            status: 400,
            field: "occurred_at",
            reasonContains: "ISO 8601"
        ),
        .init(
            name: "missing channel",
            path: "communications",
            json: #"{"occurred_at":"\#(now)","transcript":"x"}"#,
            status: 400,
            field: "channel",
            reasonContains: "required"
        ),
        .init(
            name: "wrong type",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)","transcript":"x","significant":"very"}"#,
            status: 400,
            field: "significant",
            reasonContains: "true or false"
        ),
        .init(
            name: "not JSON",
            path: "communications",
            json: "channel=sms",
            status: 400,
            field: "body",
            reasonContains: "JSON"
        ),
        // Hostile or careless JSON: a misspelt field is not silently dropped, a repeated one does not
        // silently win, a day that does not exist is not rolled over, a NUL is not stored.
        .init(
            name: "misspelt field",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)","transcript":"x","signficant":true}"#,
            status: 422,
            field: "signficant",
            reasonContains: "significant"
        ),
        .init(
            name: "field given twice",
            path: "communications",
            json: #"{"channel":"sms","channel":"whatsapp","occurred_at":"\#(now)","transcript":"x"}"#,
            status: 422,
            field: "channel",
            reasonContains: "more than once"
        ),
        .init(
            name: "30 February",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"2026-02-30T10:00:00Z","transcript":"x"}"#,
            status: 400,
            field: "occurred_at",
            reasonContains: "month 2 of 2026 has 28 days"
        ),
        .init(
            name: "hour 25",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"2026-02-03T25:00:00Z","transcript":"x"}"#,
            status: 400,
            field: "occurred_at",
            reasonContains: "out of range"
        ),
        .init(
            name: "NUL in a transcript",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)","transcript":"see you\u0000 soon"}"#,
            status: 422,
            field: "transcript",
            reasonContains: "NUL"
        ),
        .init(
            name: "trailing comma",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)","transcript":"x",}"#,
            status: 400,
            field: "body",
            reasonContains: "not valid JSON"
        ),
        .init(
            name: "misspelt field in a person",
            path: "people",
            json: #"{"role":"child","name":"A","date_of_brith":"2015-01-01"}"#,
            status: 422,
            field: "date_of_brith",
            reasonContains: "unknown field"
        ),
        .init(
            name: "misspelt consent field",
            path: "consents",
            json: #"{"kind":"texting_agreed","given_by":"x","reason":"y","given_on":"2026-01-01","extra":1}"#,
            status: 422,
            field: "extra",
            reasonContains: "unknown field"
        ),
        .init(
            name: "bad counterpart e-mail",
            path: "communications",
            json: #"{"channel":"email","occurred_at":"\#(now)","transcript":"x","counterpart_address":"mum@"}"#,
            status: 422,
            field: "counterpart_address",
            reasonContains: "e-mail"
        ),
        .init(
            name: "manager agreement from a practitioner",
            path: "number-sharing",
            json:
                #"{"shared":true,"number":"07700900123","reason":"r","decided_on":"2026-01-01","manager_agreed_by_id":"{practitionerB}"}"#,
            status: 422,
            field: "manager_agreed_by_id",
            reasonContains: "COV-3"
        ),
        .init(
            name: "person of another case",
            path: "communications",
            json: #"{"channel":"sms","occurred_at":"\#(now)","transcript":"x","person_id":"{personB}"}"#,
            status: 422,
            field: "person_id",
            reasonContains: "no person"
        ),
        .init(
            name: "bad person phone",
            path: "people",
            json: #"{"role":"child","name":"Kid","phone":"12345"}"#,
            status: 422,
            field: "phone",
            reasonContains: "area code"
        ),
        .init(
            name: "impossible date of birth",
            path: "people",
            json: #"{"role":"child","name":"Kid","date_of_birth":"2015-02-30"}"#,
            status: 422,
            field: "date_of_birth",
            reasonContains: "calendar date"
        ),
        .init(
            name: "unknown consent",
            path: "consents",
            json: #"{"kind":"vibes","given_by":"x","reason":"y","given_on":"2026-01-01"}"#,
            status: 422,
            field: "kind",
            reasonContains: "texting_agreed"
        ),
        .init(
            name: "empty reason",
            path: "number-sharing",
            json: #"{"shared":true,"number":"07700900123","reason":"  ","decided_on":"2026-01-01"}"#,
            status: 422,
            field: "reason",
            reasonContains: "required"
        ),
    ]

    @Test(arguments: Backend.available, cases)
    func badValueIsNamedAndNothingIsWritten(backend: Backend, bad: Bad) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            try await CasePerson(
                id: UUID(),
                organisationID: world.north.id,
                caseID: world.north.caseB,
                role: "child",
                name: "Other child"
            ).create(on: app.db)
            let otherPerson = try #require(
                try await CasePerson.query(on: app.db).filter(\.$caseID == world.north.caseB).first()
            )
            let before = try await counts(app)

            // MUT
            let res = try await app.send(
                .POST,
                "/api/v1/cases/\(world.north.caseA)/\(bad.path)",
                token: world.north.token("practitioner"),
                json: bad.json.replacingOccurrences(of: "{personB}", with: otherPerson.id!.uuidString)
                    .replacingOccurrences(of: "{practitionerB}", with: world.north.id("practitionerB").uuidString)
            )

            // validation
            #expect(res.status.code == bad.status, "\(res.text)")
            #expect(res.json["field"] as? String == bad.field, "\(res.text)")
            #expect((res.json["reason"] as? String ?? "").contains(bad.reasonContains), "\(res.text)")
            #expect(try await counts(app) == before)
        }
    }

    @Test(arguments: Backend.available)
    func everyProblemIsListed(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let res = try await app.send(
                .POST,
                "/api/v1/staff",
                token: world.north.token("admin"),
                json: #"{"name":"","email":"nope","password":"short","roles":["wizard"]}"#
            )
            #expect(res.status == .unprocessableEntity)
            let fields = (res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields == ["name", "email", "password", "roles[0]"])
        }
    }

    @Test(arguments: Backend.available)
    func caseOfAnotherOrganisationIsNotFound(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let before = try await counts(app)
            let res = try await app.send(
                .POST,
                "/api/v1/cases/\(world.south.caseA)/communications",
                token: world.north.token("dsl"),
                json: #"{"channel":"sms","occurred_at":"2026-11-02T10:00:00Z","transcript":"hi"}"#
            )
            #expect(res.status == .notFound)
            #expect((res.json["reason"] as? String ?? "").contains("no case"))
            #expect(try await counts(app) == before)
            // Allocating a case to another organisation's team is refused by name.
            let alloc = try await app.send(
                .POST,
                "/api/v1/cases",
                token: world.north.token("dsl"),
                json: #"{"reference":"X-1","display_name":"x","status":"other","team_id":"\#(world.south.teamA)"}"#
            )
            #expect(alloc.status == .unprocessableEntity && alloc.json["field"] as? String == "team_id")
        }
    }

    @Test func pagingBeyondTheLimitIsRefused() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let res = try await app.send(
                .GET,
                "/api/v1/cases/\(world.north.caseA)/communications?page=999999999999999999",
                token: world.north.token("practitioner")
            )
            #expect(res.status == .unprocessableEntity && res.json["field"] as? String == "page")
            #expect(try await app.send(.GET, "/healthz", token: nil).status == .ok, "the server is still up")
        }
    }

    @Test(arguments: Backend.available)
    func raceOnAUniqueValueNamesTheField(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            // Ten identical requests at once: one creates the case, the rest are told why not.
            let statuses = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let r = try await app.send(
                            .POST,
                            "/api/v1/cases",
                            token: world.north.token("dsl"),
                            json: #"{"reference":"DUP-1","display_name":"x","status":"other"}"#
                        )
                        return (r.status.code, r.json["field"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 1)
            #expect(statuses.filter { $0.0 == 422 && $0.1 == "reference" }.count == 9, "\(statuses)")
        }
    }

    @Test(arguments: Backend.available)
    func settingsAreValidated(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let res = try await app.send(
                .PATCH,
                "/api/v1/organisation",
                token: world.north.token("admin"),
                json:
                    #"{"office_hours":{"opens_at_minute":510,"closes_at_minute":1020,"working_days":[1,2,3,4,5],"time_zone":"Mars/Base","exclude_bank_holidays":true},"work_email_domains":[],"voicemail_pickup_hours":24}"#
            )
            #expect(res.status == .unprocessableEntity)
            #expect(res.json["field"] as? String == "office_hours.time_zone")
        }
    }

    func counts(_ app: Application) async throws -> [Int] {
        [
            try await CommunicationRecord.query(on: app.db).count(), try await CasePerson.query(on: app.db).count(),
            try await Consent.query(on: app.db).count(), try await NumberSharing.query(on: app.db).count(),
            try await AuditEvent.query(on: app.db).count(),
        ]
    }
}
