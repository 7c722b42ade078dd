import FluentKit
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// `/devices/new`: those who keep the directory add a work device through a page.
@Suite struct DeviceAddPageTests {
    @Test(arguments: Backend.available)
    func keepersAddADeviceOnceEvenTwoAtATimeAndOthersMayNot(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup: an administrator and business support, each with the form open; a practitioner
            let world = try await World.make(app)
            let admin = PageSession(app)
            try await admin.signIn(world.north.staff["admin"]!.email)
            let desk = PageSession(app)
            try await desk.signIn(world.north.staff["business_support"]!.email)
            let worker = PageSession(app)
            try await worker.signIn(world.north.staff["practitioner"]!.email)
            let adminForm = try await admin.get("/devices/new")
            let deskForm = try await desk.get("/devices/new")
            let adminCSRF = try #require(admin.csrf(from: adminForm))
            let deskCSRF = try #require(desk.csrf(from: deskForm))
            let holder = world.north.staff["practitioner"]!.id.uuidString

            // MUT
            let bad = try await admin.post(
                "/devices",
                form: ["csrf": adminCSRF, "kind": "work_mobile", "address": "call me", "holder_id": holder]
            )
            let device = ["kind": "work_mobile", "address": "07700 900123", "holder_id": holder, "voicemail": "on"]
            async let first = admin.post("/devices", form: device.merging(["csrf": adminCSRF]) { $1 })
            async let second = desk.post("/devices", form: device.merging(["csrf": deskCSRF]) { $1 })
            let both = try await [first, second]
            let workerList = try await worker.get("/devices")
            let workerForm = try await worker.get("/devices/new")
            let workerPost = try await worker.post("/devices", form: device.merging(["csrf": "x"]) { $1 })

            // validation
            #expect(
                adminForm.status == .ok && adminForm.text.contains("<h1 class=\"heading-l\">Add a work device</h1>")
            )
            #expect(try await admin.get("/devices").text.contains("href=\"/devices/new\""))
            #expect(!workerList.text.contains("href=\"/devices/new\""))
            #expect(
                bad.status == .unprocessableEntity && bad.text.contains("href=\"#address\"")
                    && bad.text.contains("id=\"address-error\""),
                "\(bad.text)"
            )
            // Two keepers adding one number at once: one adds it, the other is told it is there.
            let statuses = both.map(\.status)
            #expect(statuses.contains(.seeOther) && statuses.contains(.unprocessableEntity), "\(statuses)")
            let refused = try #require(both.first { $0.status == .unprocessableEntity })
            #expect(refused.text.contains("already registered"), "\(refused.text)")
            let stored = try await Device.query(on: app.db).filter(\.$address == "+447700900123").all()
            #expect(stored.count == 1 && stored.first?.holderID == world.north.id("practitioner"))
            #expect(stored.first?.voicemailEnabled == true && stored.first?.whatsappEnabled == false)
            let added = try #require(both.first { $0.status == .seeOther })
            let location = try #require(added.headers.first(name: .location))
            #expect(location == "/devices/\(stored.first!.id!.uuidString)?done=added")
            #expect(try await admin.get(location).text.contains("The device was added to the directory."))
            #expect(workerForm.status == .forbidden && workerPost.status == .forbidden)
        }
    }
}
