import Foundation
import Synchronization
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// Every API route × every role × own and other organisation. The table must name every route the
/// application registers, so a new route cannot ship without its access rules being tested.
@Suite struct AccessMatrixTests {
    struct RouteCase: Sendable {
        let method: HTTPMethod
        let path: String
        let body: @Sendable (World.Org) -> String?
        /// Expected status per role in the caller's own organisation, against case A (team A, key worker `practitioner`).
        let expect: [String: UInt]
        /// For case routes: another organisation's staff get 404 whatever their role.
        let caseScoped: Bool
    }

    static let everyone = Dictionary(uniqueKeysWithValues: World.roles.map { ($0.0, UInt(200)) })

    static func only(_ allowed: [String: UInt], otherwise: UInt = 403) -> [String: UInt] {
        Dictionary(uniqueKeysWithValues: World.roles.map { ($0.0, allowed[$0.0] ?? otherwise) })
    }

    /// Read a case: its key worker, their team's manager, the DSL and auditors; 404 for anyone else.
    static let caseRead = only(["practitioner": 200, "manager": 200, "dsl": 200, "auditor": 200], otherwise: 404)
    /// Change a case: the same minus the auditor, who gets 403.
    static let caseWrite = only(["practitioner": 201, "manager": 201, "dsl": 201, "auditor": 403], otherwise: 404)

    static func comm(_ o: World.Org) -> String? {
        #"{"channel":"sms","direction":"outgoing","occurred_at":"2026-11-02T10:00:00Z","transcript":"See you at 4pm","person_id":"\#(o.personA)"}"#
    }

    static let dryRunImport =
        #"{"format":"sms-backup","dry_run":true,"file":{"filename":"sms.xml","data":"\#(Data(#"<smses count="1"><sms address="+447700900001" date="1710234900000" type="2" body="Thursday at 4pm?" /></smses>"#.utf8).base64EncodedString())"}}"#
    static let bill =
        #"{"file":{"filename":"bill.csv","data":"\#(Data("Date,Time,Number\n02/11/2026,10:10:00,07700 900001\n".utf8).base64EncodedString())"}}"#

    static func incident(_ o: World.Org) -> String? {
        #"{"kind":"abusive_contact","case_id":"\#(o.caseA)","occurred_at":"2026-11-20T10:00:00Z","summary":"Shouting and threats on the phone"}"#
    }

    /// A fresh review item on the north's case A: the practitioner's WhatsApp message naming the child,
    /// found when it is recorded.
    static func reviewItem(_ app: Application, _ world: World) async throws -> String {
        let record = try await app.send(
            .POST,
            "/api/v1/cases/\(world.north.caseA)/communications",
            token: world.north.token("practitioner"),
            json:
                #"{"channel":"whatsapp","direction":"outgoing","occurred_at":"2026-11-02T10:00:00Z","transcript":"Child A Full's review is on Monday","counterpart_role":"professional"}"#
        )
        #expect(record.status == .created, "\(record.text)")
        let id = try #require(record.json["id"] as? String).lowercased()
        let items = try await app.send(.GET, "/api/v1/review-items", token: world.north.token("dsl")).jsonArray
        return try #require(
            items.first { ($0["communication_id"] as? String)?.lowercased() == id }?["id"] as? String
        )
    }

    /// A text queued from the north's case A to a parent on it, as `POST …/messages` queues one.
    static func sentMessage(_ app: Application, _ world: World) async throws -> String {
        let parent = CasePerson(
            id: UUID(),
            organisationID: world.north.id,
            caseID: world.north.caseA,
            role: "parent_carer",
            name: "Sam Parent",
            phone: "+447700900123"
        )
        try await parent.create(on: app.db)
        let staff = try #require(try await StaffMember.find(world.north.id("practitioner"), on: app.db))
        let c = try #require(try await CaseFile.find(world.north.caseA, on: app.db))
        let (message, _) = try await SendMessage.queue(
            .init(personID: parent.id, channel: "sms", subject: nil, text: "See you at 4pm", proceedReason: "Agreed"),
            on: c,
            by: try await staff.principal(on: app.db),
            library: app.policyLibrary,
            audit: app.auditContext(organisationID: world.north.id, source: "test"),
            on: app.db
        )
        return message.id!.uuidString
    }

    /// A task the north's practitioner owes on case A.
    static func task(_ app: Application, _ world: World) async throws -> String {
        let t = CaseTask(
            organisationID: world.north.id,
            caseID: world.north.caseA,
            staffID: world.north.id("practitioner"),
            clause: "PD-1.8",
            action: "Transcribe this message into the case file with the time and date.",
            dueAt: Date().addingTimeInterval(3600),
            recordID: nil,
            now: Date()
        )
        try await t.create(on: app.db)
        return t.id!.uuidString
    }

    static let outOfHoursCall =
        #"{"answered_at":"2026-11-20T21:15:00Z","expected":false,"summary":"Worried about Saturday's contact"}"#

    static let table: [RouteCase] = [
        .init(method: .GET, path: "/api/v1/me", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(method: .GET, path: "/api/v1/organisation", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .PATCH,
            path: "/api/v1/organisation",
            body: { _ in
                #"{"office_hours":{"opens_at_minute":540,"closes_at_minute":1020,"working_days":[1,2,3,4,5],"time_zone":"Europe/London","exclude_bank_holidays":true},"work_email_domains":["north.example.org"],"voicemail_pickup_hours":24}"#
            },
            expect: only(["admin": 200]),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/teams", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .POST,
            path: "/api/v1/teams",
            body: { _ in #"{"name":"Team \#(UUID().uuidString.prefix(6))","hunt_group_number":"01632 960200"}"# },
            expect: only(["admin": 201, "business_support": 201]),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/staff", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .POST,
            path: "/api/v1/staff",
            body: { _ in
                #"{"name":"New Worker","email":"new.\#(UUID().uuidString.prefix(6))@example.org","password":"a long enough secret","roles":["practitioner"]}"#
            },
            expect: only(["admin": 201]),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/devices", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .POST,
            path: "/api/v1/devices",
            body: { _ in
                #"{"kind":"work_mobile","address":"\#(DeviceNumbers.fresh("07700 9"))"}"#
            },
            expect: only(["admin": 201, "business_support": 201]),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/cases", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .POST,
            path: "/api/v1/cases",
            body: { o in
                #"{"reference":"R-\#(UUID().uuidString.prefix(8))","display_name":"New child","status":"child_in_need","team_id":"\#(o.teamA)"}"#
            },
            expect: only(["manager": 201, "dsl": 201]),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/cases/{caseA}", body: { _ in nil }, expect: caseRead, caseScoped: true),
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/people",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/people",
            body: { _ in #"{"role":"parent_carer","name":"Sam Parent","phone":"07700 900555"}"# },
            expect: caseWrite,
            caseScoped: true
        ),
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/consents",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/consents",
            body: { o in
                #"{"kind":"texting_agreed","channel":"sms","person_id":"\#(o.personA)","given_by":"Child A","reason":"Prefers texts","given_on":"2026-11-01"}"#
            },
            expect: caseWrite,
            caseScoped: true
        ),
        // Withdrawing a consent, and changing a case's status or crisis flag: those who may change it.
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/consents/{consentA}/withdraw",
            body: { _ in #"{"reason":"The child asked for calls only"}"# },
            expect: only(["practitioner": 200, "manager": 200, "dsl": 200, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/facts",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/facts",
            body: { _ in #"{"in_crisis":true,"reason":"Placement breakdown"}"# },
            expect: only(["practitioner": 200, "manager": 200, "dsl": 200, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/number-sharing",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        // A young person's phone (WNL-1.4, WNL-6.3.x): read by the case's readers, kept by those who change it.
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/phone-register",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/phone-agreements",
            body: { _ in #"{"setting":"workplace","personal_use":"Breaks only","agreed_on":"2026-11-02"}"# },
            expect: caseWrite,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/phone-hand-ins",
            body: { _ in #"{"kept_where":"Office safe"}"# },
            // Handed in once: the first writer's lands; the rest are told it is already in.
            expect: only(["practitioner": 201, "manager": 409, "dsl": 409, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/phone-hand-ins/{handInA}/return",
            body: { _ in nil },
            expect: only(["practitioner": 200, "manager": 200, "dsl": 200, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        // The work device register (WNL-7.1–WNL-7.3): the DSL and auditors monitor; the directory's
        // keepers and the DSL hand over and authorise; the holder records personal use.
        .init(
            method: .GET,
            path: "/api/v1/devices/monitoring",
            body: { _ in nil },
            expect: only(["dsl": 200, "auditor": 200]),
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/devices/{deviceA}/history",
            body: { _ in nil },
            expect: only(["practitioner": 200, "dsl": 200, "auditor": 200, "admin": 200, "business_support": 200]),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/devices/{deviceA}/hand-over",
            body: { o in #"{"holder_id":"\#(o.id("practitionerB"))"}"# },
            expect: only(["dsl": 200, "admin": 200, "business_support": 200]),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/devices/{deviceA}/authorisations",
            body: { o in #"{"staff_id":"\#(o.id("practitionerB"))"}"# },
            expect: only(["dsl": 201, "admin": 201, "business_support": 201]),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/device-authorisations/{authorisationA}/revoke",
            body: { _ in nil },
            expect: only(["dsl": 200, "admin": 200, "business_support": 200]),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/devices/{deviceA}/personal-use",
            body: { _ in #"{"reason":"Rang home: child unwell","emergency":true}"# },
            expect: only(["practitioner": 201]),
            caseScoped: true
        ),
        // PD-1.3: a number the practitioner shared is acknowledged by their line manager or the DSL.
        .init(
            method: .GET,
            path: "/api/v1/number-sharing/to-acknowledge",
            body: { _ in nil },
            expect: everyone,
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/number-sharing/{sharingA}/acknowledge",
            body: { _ in nil },
            expect: only(["manager": 200, "dsl": 200]),
            caseScoped: true
        ),
        // The policy: everyone reads and acknowledges it; managers, the DSL and auditors see who has not.
        .init(method: .GET, path: "/api/v1/policies", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .POST,
            path: "/api/v1/policies/{packA}/acknowledge",
            body: { _ in #"{"version":"1"}"# },
            expect: everyone,
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/policies/outstanding",
            body: { _ in nil },
            expect: only(["manager": 200, "dsl": 200, "auditor": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/number-sharing",
            body: { _ in
                #"{"shared":false,"number":"07700 900100","reason":"Family conflict: manager agreed not to share","decided_on":"2026-11-01"}"#
            },
            expect: caseWrite,
            caseScoped: true
        ),
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/communications",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/communications",
            body: comm,
            expect: caseWrite,
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/communications/{recordA}/corrections",
            body: comm,
            expect: caseWrite,
            caseScoped: true
        ),
        // Any member of staff may ask "may I?"; with a case id it takes the case's access rules (CheckAPITests).
        .init(
            method: .POST,
            path: "/api/v1/checks",
            body: { _ in
                #"{"channel":"sms","at":"2026-11-23T10:00:00Z","device":{"kind":"work_mobile"},"recipient":{"role":"parent_carer"},"text":"See you at 4pm"}"#
            },
            expect: everyone,
            caseScoped: false
        ),
        // Phones: anyone may ask where a call goes; a member of staff's phone settings and leave
        // are theirs, their managers' and business support's (PhoneAPITests has the rest).
        .init(
            method: .GET,
            path: "/api/v1/route?staff={practitionerID}&at=2026-11-23T10:00:00Z",
            body: { _ in nil },
            expect: everyone,
            caseScoped: false
        ),
        .init(
            method: .PUT,
            path: "/api/v1/staff/{practitionerID}/phone",
            body: { _ in #"{"desk_number":"01632 960111","desk_logged_in":true}"# },
            expect: only(["practitioner": 200, "manager": 200, "business_support": 200, "admin": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/staff/{practitionerID}/absences",
            body: { _ in #"{"kind":"leave","starts_at":"2026-12-01T09:00:00Z","ends_at":"2026-12-05T09:00:00Z"}"# },
            expect: only(["practitioner": 201, "manager": 201, "business_support": 201, "admin": 201]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/staff/{practitionerID}/messages",
            body: { _ in PhoneAPITests.slip },
            expect: only(["auditor": 403], otherwise: 201),
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/staff/{practitionerID}/messages",
            body: { _ in nil },
            expect: only(["practitioner": 200, "manager": 200, "business_support": 200, "admin": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/messages/{messageA}/response",
            body: { _ in #"{"response":"Rang back, resolved"}"# },
            expect: only(["practitioner": 200, "manager": 200]),
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/absences/{absenceA}/checklist",
            body: { _ in nil },
            expect: only(["practitioner": 200, "manager": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/absences/{absenceA}/checklist/{step}",
            body: { _ in #"{"note":"Diverted to the hunt group"}"# },
            expect: only(["manager": 201]),
            caseScoped: false
        ),
        // The test organisation has no emergency duty team number, so those allowed get 422 naming it
        // (PhoneAPITests has the greeting itself).
        .init(
            method: .GET,
            path: "/api/v1/staff/{practitionerID}/greeting",
            body: { _ in nil },
            expect: only(["practitioner": 422, "manager": 422, "business_support": 422, "admin": 422]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/staff/{practitionerID}/greeting/check",
            body: { _ in #"{"greeting":"Hi, leave a message."}"# },
            expect: only(["practitioner": 200, "manager": 200, "business_support": 200, "admin": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/staff/{practitionerID}/confirm",
            body: { _ in nil },
            expect: only(["practitioner": 200]),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/directory/stale", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .GET,
            path: "/api/v1/devices/compliance",
            body: { _ in nil },
            expect: everyone,
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/messages/overdue",
            body: { _ in nil },
            expect: only(["manager": 200, "dsl": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/staff/{practitionerID}/voicemails",
            body: { _ in #"{"received_at":"2026-11-20T09:00:00Z","caller_number":"07700 900123"}"# },
            expect: only(["practitioner": 201, "manager": 201, "business_support": 201, "admin": 201]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/staff/{practitionerID}/out-of-hours-calls",
            body: { _ in Self.outOfHoursCall },
            expect: only(["practitioner": 201, "manager": 201]),
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/staff/{practitionerID}/follow-ups",
            body: { _ in nil },
            expect: only(["practitioner": 200, "manager": 200, "business_support": 200, "admin": 200]),
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/follow-ups/{followUpA}/close",
            body: { _ in #"{"outcome":"responded","note":"Rang back"}"# },
            expect: only(["practitioner": 200, "manager": 200]),
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/follow-ups/overdue",
            body: { _ in nil },
            expect: only(["manager": 200, "dsl": 200]),
            caseScoped: false
        ),
        .init(
            method: .PATCH,
            path: "/api/v1/devices/{deviceA}",
            body: { _ in #"{"voicemail_enabled":false}"# },
            expect: only(["practitioner": 200, "manager": 200, "business_support": 200, "admin": 200]),
            caseScoped: false
        ),
        // Imports: a dry-run import (JSON, the file in base64) and the unrecorded-contact report.
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/imports",
            body: { _ in Self.dryRunImport },
            expect: only(["practitioner": 200, "manager": 200, "dsl": 200, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/reconciliation",
            body: { _ in Self.bill },
            expect: only(["manager": 200, "dsl": 200, "auditor": 200]),
            caseScoped: false
        ),
        // Incidents: raised on case A by whoever may see it (the other organisation raises on its own
        // case A); an abusive call is seen with its case.
        .init(
            method: .POST,
            path: "/api/v1/incidents",
            body: { o in Self.incident(o) },
            expect: only(["practitioner": 201, "manager": 201, "dsl": 201, "auditor": 403], otherwise: 404),
            caseScoped: false
        ),
        .init(method: .GET, path: "/api/v1/incidents", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .GET,
            path: "/api/v1/incidents/{incidentA}",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        // Its first step is the reporter's: they, their managers and the DSL; never an auditor.
        .init(
            method: .POST,
            path: "/api/v1/incidents/{incidentA}/steps/{stepA}/complete",
            body: { _ in #"{"note":"Recorded with the call"}"# },
            expect: only(["practitioner": 200, "manager": 200, "dsl": 200, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .POST,
            path: "/api/v1/incidents/{incidentA}/amendments",
            body: { _ in #"{"reason":"The caller was the father","summary":"Father shouting on the phone"}"# },
            expect: only(["practitioner": 201, "manager": 201, "dsl": 201, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        // Sending from the case: those who may change it (here GOV.UK Notify is not set up, so the
        // request is refused by its channel, after the access check); reading a sent message: the case's readers.
        .init(
            method: .POST,
            path: "/api/v1/cases/{caseA}/messages",
            body: { o in #"{"person_id":"\#(o.personA)","channel":"sms","text":"See you at 4pm"}"# },
            expect: only(["practitioner": 422, "manager": 422, "dsl": 422, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .GET,
            path: "/api/v1/cases/{caseA}/messages/{sentA}",
            body: { _ in nil },
            expect: caseRead,
            caseScoped: true
        ),
        // Tasks: everyone has a list; a task is done by its worker, their managers or the DSL.
        .init(method: .GET, path: "/api/v1/tasks", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .POST,
            path: "/api/v1/tasks/{taskA}/done",
            body: { _ in #"{"note":"Noted on the case record"}"# },
            expect: only(["practitioner": 200, "manager": 200, "dsl": 200], otherwise: 404),
            caseScoped: true
        ),
        // The review queue: the practitioner's WhatsApp message naming the child is on their manager's
        // and the DSL's queue, read by auditors, and never shown to the worker or their colleagues.
        .init(method: .GET, path: "/api/v1/review-items", body: { _ in nil }, expect: everyone, caseScoped: false),
        .init(
            method: .GET,
            path: "/api/v1/review-items/summary",
            body: { _ in nil },
            expect: everyone,
            caseScoped: false
        ),
        .init(
            method: .POST,
            path: "/api/v1/review-items/{reviewA}/resolve",
            body: { _ in #"{"outcome":"false_positive","reason":"Sent to the school's DSL by secure e-mail instead"}"#
            },
            expect: only(["manager": 200, "dsl": 200, "auditor": 403], otherwise: 404),
            caseScoped: true
        ),
        .init(
            method: .GET,
            path: "/api/v1/audit/events",
            body: { _ in nil },
            expect: only(["auditor": 200, "dsl": 200]),
            caseScoped: false
        ),
        .init(
            method: .GET,
            path: "/api/v1/audit/verify",
            body: { _ in nil },
            expect: only(["auditor": 200, "dsl": 200]),
            caseScoped: false
        ),
    ]

    static func routeKey(_ method: HTTPMethod, _ path: String) -> String {
        let normalised = path.prefix { $0 != "?" }.split(separator: "/").map {
            $0.hasPrefix(":") || $0.hasPrefix("{") ? "*" : String($0)
        }.joined(separator: "/")
        return "\(method.rawValue) /\(normalised)"
    }

    @Test func tableCoversEveryAPIRoute() async throws {
        try await withTestApp(.sqlite) { app in
            let registered = Set(
                app.routes.all.filter { $0.path.first?.description == "api" }.map { r in
                    Self.routeKey(r.method, "/" + r.path.map(\.description).joined(separator: "/"))
                }
            )
            let tested = Set(Self.table.map { Self.routeKey($0.method, $0.path) })
            #expect(
                registered == tested,
                "untested: \(registered.subtracting(tested)); stale: \(tested.subtracting(registered))"
            )
        }
    }

    @Test(arguments: Backend.available)
    func everyRoleOnEveryRouteInBothOrganisations(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app)
            // Only the latest version of a record can be corrected, so each correction gets a fresh record.
            func freshRecord() async throws -> String {
                let record = try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/communications",
                    token: world.north.token("practitioner"),
                    json: Self.comm(world.north)
                )
                #expect(record.status == .created)
                return try #require(record.json["id"] as? String)
            }

            // A message can be answered once, so each response gets a fresh message.
            func freshMessage() async throws -> String {
                let m = try await app.send(
                    .POST,
                    "/api/v1/staff/\(world.north.id("practitioner"))/messages",
                    token: world.north.token("business_support"),
                    json: PhoneAPITests.slip
                )
                #expect(m.status == .created, "\(m.text)")
                return try #require(m.json["id"] as? String)
            }

            // A step is done once, so each gets a fresh unexpected absence (recorded by the manager).
            func freshAbsence() async throws -> String {
                let a = try await app.send(
                    .POST,
                    "/api/v1/staff/\(world.north.id("practitioner"))/absences",
                    token: world.north.token("manager"),
                    json: #"{"kind":"unexpected","starts_at":"2026-11-23T09:00:00Z"}"#
                )
                #expect(a.status == .created, "\(a.text)")
                return try #require(a.json["id"] as? String)
            }

            // A follow-up is closed once, so each gets a fresh one (logged by the worker).
            func freshFollowUp() async throws -> String {
                let f = try await app.send(
                    .POST,
                    "/api/v1/staff/\(world.north.id("practitioner"))/out-of-hours-calls",
                    token: world.north.token("practitioner"),
                    json: Self.outOfHoursCall
                )
                #expect(f.status == .created, "\(f.text)")
                return try #require(f.json["id"] as? String)
            }

            // A device the practitioner holds.
            func freshDevice() async throws -> String {
                let d = try await app.send(
                    .POST,
                    "/api/v1/devices",
                    token: world.north.token("admin"),
                    json:
                        #"{"kind":"work_mobile","address":"\#(DeviceNumbers.fresh("07700 8"))","holder_id":"\#(world.north.id("practitioner"))"}"#
                )
                #expect(d.status == .created, "\(d.text)")
                return try #require(d.json["id"] as? String)
            }

            // An incident raised by the practitioner on case A; its first step goes with it.
            let firstStep = StepBox()
            func freshIncident() async throws -> String {
                let i = try await app.send(
                    .POST,
                    "/api/v1/incidents",
                    token: world.north.token("practitioner"),
                    json: Self.incident(world.north)
                )
                #expect(i.status == .created, "\(i.text)")
                firstStep.id = try #require((i.json["steps"] as? [[String: Any]])?.first?["id"] as? String)
                return try #require(i.json["id"] as? String)
            }

            // A review item is resolved once, so each gets a fresh one.
            func freshReviewItem() async throws -> String { try await Self.reviewItem(app, world) }

            // A message sent from case A, queued as the practitioner would send it.
            let sent = try await Self.sentMessage(app, world)
            // A task is done once, so each gets a fresh one, owed by the practitioner.
            func freshTask() async throws -> String { try await Self.task(app, world) }
            // A consent is withdrawn once, so each gets a fresh one, recorded by the practitioner.
            func freshConsent() async throws -> String {
                let c = try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/consents",
                    token: world.north.token("practitioner"),
                    json:
                        #"{"kind":"texting_agreed","given_by":"Child A","reason":"Prefers texts","given_on":"2026-11-01"}"#
                )
                #expect(c.status == .created, "\(c.text)")
                return try #require(c.json["id"] as? String)
            }
            // An authorisation is revoked once, so each gets a fresh one on a fresh device.
            func freshAuthorisation() async throws -> String {
                let a = try await app.send(
                    .POST,
                    "/api/v1/devices/\(try await freshDevice())/authorisations",
                    token: world.north.token("dsl"),
                    json: #"{"staff_id":"\#(world.north.id("practitionerB"))"}"#
                )
                #expect(a.status == .created, "\(a.text)")
                return try #require(a.json["id"] as? String)
            }
            // A phone is returned once, so each gets a fresh one, handed in through the practitioner.
            func freshHandIn() async throws -> String {
                let table = try await app.send(
                    .GET,
                    "/api/v1/cases/\(world.north.caseA)/phone-register",
                    token: world.north.token("practitioner")
                )
                // The phone the matrix handed in earlier is returned first, so it can be handed in again.
                for h in table.json["hand_ins"] as? [[String: Any]] ?? [] where h["returned_at"] == nil {
                    _ = try await app.send(
                        .POST,
                        "/api/v1/cases/\(world.north.caseA)/phone-hand-ins/\(h["id"] as! String)/return",
                        token: world.north.token("practitioner")
                    )
                }
                let h = try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/phone-hand-ins",
                    token: world.north.token("practitioner"),
                    json: #"{"kept_where":"Office safe"}"#
                )
                #expect(h.status == .created, "\(h.text)")
                return try #require(h.json["id"] as? String)
            }
            // A number shared is acknowledged once, so each gets a fresh one, shared by the practitioner.
            func freshSharing() async throws -> String {
                let s = try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/number-sharing",
                    token: world.north.token("practitioner"),
                    json: #"{"shared":true,"number":"07700 900100","reason":"For visits","decided_on":"2026-11-01"}"#
                )
                #expect(s.status == .created, "\(s.text)")
                return try #require(s.json["id"] as? String)
            }
            let fresh: [(String, () async throws -> String)] = [
                ("{recordA}", freshRecord), ("{messageA}", freshMessage), ("{absenceA}", freshAbsence),
                ("{followUpA}", freshFollowUp), ("{deviceA}", freshDevice), ("{incidentA}", freshIncident),
                ("{stepA}", { firstStep.id }), ("{reviewA}", freshReviewItem), ("{sentA}", { sent }),
                ("{taskA}", freshTask), ("{consentA}", freshConsent), ("{sharingA}", freshSharing),
                ("{packA}", { "whatsapp-2020" }), ("{handInA}", freshHandIn),
                ("{authorisationA}", freshAuthorisation),
            ]
            func fill(_ template: String) async throws -> String {
                var path = template
                for (placeholder, make) in fresh where path.contains(placeholder) {
                    path = path.replacingOccurrences(of: placeholder, with: try await make())
                }
                return path
            }

            for route in Self.table {
                let template = route.path.replacingOccurrences(of: "{caseA}", with: world.north.caseA.uuidString)
                    .replacingOccurrences(
                        of: "{practitionerID}",
                        with: world.north.staff["practitioner"]!.id.uuidString
                    )
                    .replacingOccurrences(of: "{step}", with: "LIN-13a")
                let path = try await fill(template)
                // No token: always 401.
                let anonymous = try await app.send(route.method, path, token: nil, json: route.body(world.north))
                #expect(anonymous.status == .unauthorized, "\(route.method) \(route.path) without a token")
                #expect(anonymous.json["reason"] != nil)
                for (role, _, _) in World.roles {
                    let path = try await fill(template)
                    // MUT: own organisation
                    let own = try await app.send(
                        route.method,
                        path,
                        token: world.north.token(role),
                        json: route.body(world.north)
                    )
                    #expect(
                        own.status.code == route.expect[role]!,
                        "\(role) \(route.method) \(route.path): \(own.text)"
                    )
                    // MUT: the same request from the other organisation's member of staff with the same role
                    let other = try await app.send(
                        route.method,
                        path,
                        token: world.south.token(role),
                        json: route.body(world.south)
                    )
                    if route.caseScoped {
                        #expect(other.status == .notFound, "south \(role) \(route.method) \(route.path): \(other.text)")
                    } else {
                        #expect(
                            !other.text.contains(world.north.id.uuidString)
                                && !other.text.contains(world.north.caseA.uuidString),
                            "south \(role) \(route.method) \(route.path) leaked north data"
                        )
                    }
                }
            }

            // validation: lists show only what each role may see
            func references(_ token: String) async throws -> Set<String> {
                Set(
                    try await app.send(.GET, "/api/v1/cases", token: token).jsonArray.compactMap {
                        $0["reference"] as? String
                    }
                )
            }
            #expect(try await references(world.north.token("practitioner")).isSuperset(of: ["North-A"]))
            #expect(try await !references(world.north.token("practitioner")).contains("North-B"))
            #expect(try await references(world.north.token("practitionerB")) == ["North-B"])
            #expect(try await !references(world.north.token("manager")).contains("North-B"))
            #expect(try await references(world.north.token("auditor")).isSuperset(of: ["North-A", "North-B"]))
            #expect(try await references(world.north.token("admin")).isEmpty)
            #expect(try await references(world.north.token("business_support")).isEmpty)
            #expect(try await references(world.south.token("dsl")).allSatisfy { !$0.hasPrefix("North") })
        }
    }
}

/// The first step of the incident made last, for the route that completes it.
/// Distinct numbers for the devices the table registers. Random ones collided now and then: a few
/// hundred draws from 100,000 numbers meet the birthday bound, and a repeated number is refused.
enum DeviceNumbers {
    private static let last = Mutex(0)
    static func fresh(_ prefix: String) -> String {
        let n = last.withLock { n in
            n += 1
            return n
        }
        return prefix + String(format: "%05d", n)
    }
}

final class StepBox: @unchecked Sendable {
    var id = ""
}
