import FluentKit
import Foundation
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// The work device register (WNL-7.1–WNL-7.3): the check takes a device's kind and WhatsApp state
/// from the register (WA-2), only its holder and those authorised use it, hand-overs are kept, and
/// the DSL sees each device's recorded use and personal use.
@Suite struct DeviceRegisterTests {
    static func device(_ app: Application, _ org: World.Org, holder: String) async throws -> String {
        let d = try await app.send(
            .POST,
            "/api/v1/devices",
            token: org.token("admin"),
            json: #"{"kind":"work_mobile","address":"07700 900777","holder_id":"\#(org.id(holder))"}"#
        )
        #expect(d.status == .created, "\(d.text)")
        return try #require(d.json["id"] as? String)
    }

    /// A WhatsApp message to a professional from the device, claiming WhatsApp is on.
    static func check(_ deviceID: String) -> String {
        #"{"device_id":"\#(deviceID)","channel":"whatsapp","device":{"kind":"work_mobile","whatsapp_enabled":true},"recipient":{"role":"professional"},"packs":["whatsapp-2020"],"text":"Meeting moved to 3pm."}"#
    }

    static func clauses(_ r: TestingHTTPResponse) -> Set<String> {
        Set((r.json["findings"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String })
    }

    @Test(arguments: Backend.available)
    func theCheckTakesTheDeviceFromTheRegisterAndOnlyItsUsers(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let id = try await Self.device(app, north, holder: "practitioner")

            // MUT + validation: WA-2 reads the register, not the caller's claim
            let claimed = try await app.send(
                .POST,
                "/api/v1/checks",
                token: north.token("practitioner"),
                json: Self.check(id)
            )
            #expect(claimed.status == .ok, "\(claimed.text)")
            #expect(Self.clauses(claimed).contains("WA-2"), "WA-2: WhatsApp is off for this device in the register")
            let byHolder = try await app.send(
                .PATCH,
                "/api/v1/devices/\(id)",
                token: north.token("practitioner"),
                json: #"{"whatsapp_enabled":true}"#
            )
            #expect(byHolder.status == .forbidden && byHolder.text.contains("WA-2"), "\(byHolder.text)")
            let byManager = try await app.send(
                .PATCH,
                "/api/v1/devices/\(id)",
                token: north.token("manager"),
                json: #"{"whatsapp_enabled":true}"#
            )
            #expect(byManager.status == .ok, "\(byManager.text)")
            let on = try await app.send(
                .POST,
                "/api/v1/checks",
                token: north.token("practitioner"),
                json: Self.check(id)
            )
            #expect(!Self.clauses(on).contains("WA-2"), "switched on by the manager")

            // WNL-7.2: someone else is refused until authorised, and again once revoked.
            let stranger = try await app.send(
                .POST,
                "/api/v1/checks",
                token: north.token("practitionerB"),
                json: Self.check(id)
            )
            #expect(stranger.status == .unprocessableEntity && stranger.text.contains("device_id"), "\(stranger.text)")
            let notByPractitioner = try await app.send(
                .POST,
                "/api/v1/devices/\(id)/authorisations",
                token: north.token("practitioner"),
                json: #"{"staff_id":"\#(north.id("practitionerB"))"}"#
            )
            #expect(notByPractitioner.status == .forbidden)
            let authorised = try await app.send(
                .POST,
                "/api/v1/devices/\(id)/authorisations",
                token: north.token("dsl"),
                json: #"{"staff_id":"\#(north.id("practitionerB"))"}"#
            )
            #expect(authorised.status == .created, "\(authorised.text)")
            let allowed = try await app.send(
                .POST,
                "/api/v1/checks",
                token: north.token("practitionerB"),
                json: Self.check(id)
            )
            #expect(allowed.status == .ok)
            let authorisationID = try #require(authorised.json["id"] as? String)
            let revoked = try await app.send(
                .POST,
                "/api/v1/device-authorisations/\(authorisationID)/revoke",
                token: north.token("dsl")
            )
            #expect(revoked.status == .ok)
            let again = try await app.send(
                .POST,
                "/api/v1/checks",
                token: north.token("practitionerB"),
                json: Self.check(id)
            )
            #expect(again.status == .unprocessableEntity)

            // WNL-7.1: handed over, kept as history; the old holder may no longer use it.
            let handed = try await app.send(
                .POST,
                "/api/v1/devices/\(id)/hand-over",
                token: north.token("admin"),
                json: #"{"holder_id":"\#(north.id("practitionerB"))"}"#
            )
            #expect(handed.status == .ok, "\(handed.text)")
            let history = try await app.send(.GET, "/api/v1/devices/\(id)/history", token: north.token("dsl"))
            #expect(
                (history.json["holdings"] as? [[String: Any]])?.first?["holder_id"] as? String
                    == north.id("practitionerB").uuidString
            )
            #expect((history.json["authorisations"] as? [[String: Any]])?.first?["revoked_at"] != nil)
            let oldHolder = try await app.send(
                .POST,
                "/api/v1/checks",
                token: north.token("practitioner"),
                json: Self.check(id)
            )
            #expect(oldHolder.status == .unprocessableEntity)
            let elsewhere = try await app.send(.GET, "/api/v1/devices/\(id)/history", token: world.south.token("dsl"))
            #expect(elsewhere.status == .notFound, "never across an organisation")
        }
    }

    @Test(arguments: Backend.available)
    func theDSLSeesEachDevicesUseAndPersonalUse(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup
            let world = try await World.make(app), north = world.north
            let id = try await Self.device(app, north, holder: "practitioner")
            let token = north.token("practitioner")

            // MUT
            let unagreed = try await app.send(
                .POST,
                "/api/v1/devices/\(id)/personal-use",
                token: token,
                json: #"{"reason":"Rang home"}"#
            )
            let emergency = try await app.send(
                .POST,
                "/api/v1/devices/\(id)/personal-use",
                token: token,
                json: #"{"reason":"My child's school rang: collected early","emergency":true}"#
            )
            let agreed = try await app.send(
                .POST,
                "/api/v1/devices/\(id)/personal-use",
                token: token,
                json: #"{"reason":"Late visit: told my family","agreed_by_id":"\#(north.id("manager"))"}"#
            )
            let onDevice = try await app.send(
                .POST,
                "/api/v1/cases/\(north.caseA)/communications",
                token: token,
                json:
                    #"{"channel":"phone_call","direction":"outgoing","occurred_at":"2026-11-30T21:30:00Z","summary":"Checked in after the visit","person_id":"\#(north.personA)","device_id":"\#(id)"}"#
            )
            let seen = try await app.send(.GET, "/api/v1/devices/monitoring?days=60", token: north.token("dsl"))

            // validation
            #expect(unagreed.status == .unprocessableEntity && unagreed.text.contains("WNL-7.3"), "\(unagreed.text)")
            #expect(emergency.status == .created && agreed.status == .created, "\(emergency.text) \(agreed.text)")
            #expect(onDevice.status == .created, "\(onDevice.text)")
            #expect(seen.status == .ok, "\(seen.text)")
            let row = try #require(seen.jsonArray.first { ($0["device"] as? [String: Any])?["id"] as? String == id })
            #expect(row["recorded"] as? Int == 1 && row["out_of_hours"] as? Int == 1, "WNL-7.2: \(row)")
            #expect((row["personal_use"] as? [[String: Any]])?.count == 2)
            let notForPractitioners = try await app.send(.GET, "/api/v1/devices/monitoring", token: token)
            #expect(notForPractitioners.status == .forbidden)
            let verified = try await AuditLog.verify(on: app.db, key: app.auditKey)
            #expect(verified.links > 0)
        }
    }
}
