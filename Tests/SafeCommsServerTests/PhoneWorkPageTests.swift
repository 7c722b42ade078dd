import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// Leave, unexpected absence, the voicemail greeting and logging a voicemail through the pages.
@Suite struct PhoneWorkPageTests {
    static func signedIn(_ app: Application, _ email: String) async throws -> (PageSession, String) {
        let browser = PageSession(app)
        try await browser.signIn(email)
        return (browser, try #require(browser.csrf(from: try await browser.get("/phones"))))
    }

    static func local(_ d: Date) -> String { PageController.localInput(d, TimeZone(identifier: "Europe/London")!) }

    @Test(arguments: Backend.available)
    func leaveGivesTheGreetingAndReplyAndTurnsLongSilenceOff(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let me = north.id("practitioner")
            try await Device(
                organisationID: north.id,
                holderID: me,
                kind: .workMobile,
                address: "+447700900201",
                voicemailEnabled: true
            )
            .create(on: app.db)
            let (worker, csrf) = try await Self.signedIn(app, north.staff["practitioner"]!.email)
            // Leave without a return date is refused, naming the field and the clause.
            let missing = try await worker.post(
                "/phones/absences",
                form: ["csrf": csrf, "staff_id": me.uuidString, "kind": "leave", "starts_at": Self.local(Date())]
            )
            #expect(missing.status == .unprocessableEntity)
            #expect(
                missing.body.string.contains(
                    "<a href=\"#ends_at\">Enter when they are back: leave needs a return date (LIN-8)"
                )
            )
            let res = try await worker.post(
                "/phones/absences",
                form: [
                    "csrf": csrf, "staff_id": me.uuidString, "kind": "leave", "starts_at": Self.local(Date()),
                    "ends_at": Self.local(Date().addingTimeInterval(7 * 86_400)),
                    "colleague_id": north.id("practitionerB").uuidString,
                ]
            )
            #expect(res.status == .ok, "\(res.body.string.prefix(1500))")
            let html = res.body.string
            #expect(html.contains("id=\"leave-recorded\"") && html.contains("id=\"out-of-office\""))
            #expect(html.contains("North practitionerB"), "the colleague to contact is named")
            #expect(html.contains("Voicemail was turned off on +447700900201"))
            let device = try #require(try await Device.query(on: app.db).filter(\.$address == "+447700900201").first())
            #expect(!device.voicemailEnabled)
            // Someone else's leave is not a practitioner's to record; South's people are not found.
            let other = try await worker.post(
                "/phones/absences",
                form: [
                    "csrf": csrf, "staff_id": north.id("practitionerB").uuidString, "kind": "leave",
                    "starts_at": Self.local(Date()), "ends_at": Self.local(Date().addingTimeInterval(86_400)),
                ]
            )
            #expect(other.status == .forbidden)
            let south = try await worker.post(
                "/phones/absences",
                form: [
                    "csrf": csrf, "staff_id": world.south.id("practitioner").uuidString, "kind": "leave",
                    "starts_at": Self.local(Date()), "ends_at": Self.local(Date().addingTimeInterval(86_400)),
                ]
            )
            #expect(south.status == .notFound)
        }
    }

    @Test(arguments: Backend.available)
    func aManagerWorksThroughAnUnexpectedAbsencesChecklist(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let (worker, workerCSRF) = try await Self.signedIn(app, north.staff["practitioner"]!.email)
            let refused = try await worker.post(
                "/phones/absences",
                form: [
                    "csrf": workerCSRF, "staff_id": north.id("practitioner").uuidString, "kind": "unexpected",
                    "starts_at": Self.local(Date()),
                ]
            )
            #expect(refused.status == .forbidden, "an unexpected absence is the line manager's to start (LIN-13)")
            let (manager, csrf) = try await Self.signedIn(app, north.staff["manager"]!.email)
            let res = try await manager.post(
                "/phones/absences",
                form: [
                    "csrf": csrf, "staff_id": north.id("practitioner").uuidString, "kind": "unexpected",
                    "starts_at": Self.local(Date()),
                ]
            )
            #expect(res.status == .seeOther)
            let checklistPath = try #require(
                res.headers.first(name: .location)?.split(separator: "?").first.map(String.init)
            )
            let page = try await manager.get(checklistPath)
            #expect(page.body.string.contains("LIN-13a") && page.body.string.contains("Mark LIN-13b done"))
            // Two managers' clicks at once: the step is done once.
            async let a = manager.post(
                checklistPath + "/steps/LIN-13b",
                form: ["csrf": csrf, "note": "Desk voicemail off"]
            )
            async let b = manager.post(checklistPath + "/steps/LIN-13b", form: ["csrf": csrf])
            let codes = [try await a.status.code, try await b.status.code].sorted()
            #expect(codes == [303, 409], "\(codes)")
            let after = try await manager.get(checklistPath).body.string
            #expect(after.contains("Desk voicemail off") || after.contains("By North manager"))
            #expect(!after.contains("Mark LIN-13b done"))
            // The person sees their own checklist but cannot tick it; another team's practitioner cannot see it.
            let own = try await worker.get(checklistPath)
            #expect(own.status == .ok && !own.body.string.contains("Mark LIN-13a done"))
            let (stranger, _) = try await Self.signedIn(app, north.staff["practitionerB"]!.email)
            #expect(try await stranger.get(checklistPath).status == .forbidden)
            #expect(
                try await worker.post(checklistPath + "/steps/LIN-13a", form: ["csrf": workerCSRF]).status == .forbidden
            )
        }
    }

    @Test(arguments: Backend.available)
    func theGreetingIsSuggestedAndCheckedAndAVoicemailIsLoggedForFollowUp(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let (worker, csrf) = try await Self.signedIn(app, north.staff["practitioner"]!.email)
            #expect(try await worker.get("/phones/greeting").status == .ok)
            let checked = try await worker.post(
                "/phones/greeting",
                form: ["csrf": csrf, "greeting": "Hi, leave a message."]
            )
            #expect(checked.body.string.contains("id=\"greeting-result\""))
            #expect(checked.body.string.contains("Change your greeting"), "\(checked.body.string.prefix(3000))")
            let empty = try await worker.post("/phones/greeting", form: ["csrf": csrf, "greeting": "  "])
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("<a href=\"#greeting\">"))

            let (support, supportCSRF) = try await Self.signedIn(app, north.staff["business_support"]!.email)
            let received = Self.local(Date().addingTimeInterval(-3600))
            let logged = try await support.post(
                "/phones/voicemail",
                form: [
                    "csrf": supportCSRF, "staff_id": north.id("practitioner").uuidString, "received_at": received,
                    "caller_name": "Kerry Price", "caller_number": "07700 900555",
                    "summary": "Please call back about Friday",
                ]
            )
            #expect(logged.status == .seeOther && logged.headers.first(name: .location) == "/phones?done=logged")
            let followUp = try #require(
                try await FollowUpRecord.query(on: app.db).filter(\.$staffID == north.id("practitioner")).first()
            )
            #expect(
                followUp.kind == "voicemail" && followUp.callerName == "Kerry Price"
                    && followUp.dueAt > followUp.occurredAt
            )
            #expect(
                try await worker.get("/phones").body.string.contains("Kerry Price"),
                "the officer sees it to follow up"
            )
            let future = try await support.post(
                "/phones/voicemail",
                form: [
                    "csrf": supportCSRF, "staff_id": north.id("practitioner").uuidString,
                    "received_at": Self.local(Date().addingTimeInterval(86_400)), "caller_name": "X",
                ]
            )
            #expect(future.status == .unprocessableEntity && future.body.string.contains("<a href=\"#received_at\">"))
            let (auditor, auditorCSRF) = try await Self.signedIn(app, north.staff["auditor"]!.email)
            #expect(
                try await auditor.post(
                    "/phones/voicemail",
                    form: [
                        "csrf": auditorCSRF, "staff_id": north.id("practitioner").uuidString, "received_at": received,
                    ]
                ).status == .forbidden
            )
        }
    }
}
