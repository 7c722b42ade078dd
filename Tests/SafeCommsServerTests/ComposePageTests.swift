import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// "May I?" on the case's compose page: the Check button's answer and the answer the script fetches
/// as the worker types are the same; a block offers no way on, anything else links to the record form
/// filled in; and a contact recorded that falls foul of a clause says so at once.
@Suite struct ComposePageTests {
    @Test(arguments: Backend.available)
    func theCheckAnswersOnTheCaseAndTheRecordSaysWhatItFound(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            let browser = PageSession(app)
            try await browser.signIn(north.staff["practitioner"]!.email)
            let page = try await browser.get("/cases/\(north.caseA)/compose")
            #expect(page.status == .ok)
            #expect(page.text.contains("Child A Full (child)"), "the case's people to choose from")
            #expect(page.text.contains("<script src=\"/assets/compose.js\" defer></script>"))
            let csrf = try #require(browser.csrf(from: page))
            let naming = [
                "csrf": csrf, "person_id": north.personA.uuidString, "channel": "whatsapp",
                "text": "Hi, Child A Full's review is on Monday at 10",
            ]
            // The Check button: the page again with the answer, and no way on for a block.
            let blocked = try await browser.post("/cases/\(north.caseA)/compose", form: naming)
            #expect(blocked.status == .ok)
            #expect(blocked.text.contains("Do not send this") && blocked.text.contains("WA-7"))
            #expect(blocked.text.contains("<mark>Child A Full</mark>"), "what was found is marked")
            #expect(!blocked.text.contains("Record it on the case"))
            // The script's answer: the same panel, alone.
            let typed = try await browser.post("/cases/\(north.caseA)/check", form: naming)
            #expect(typed.status == .ok && typed.headers.contentType == .html)
            #expect(typed.text.hasPrefix("<div class=\"check-panel check-block\">"))
            #expect(blocked.text.contains(typed.text), "the same bytes either way")
            // A text to the child with no texting agreement on file: refused by PD-1.6, as the policy says.
            var text = naming
            text["channel"] = "sms"
            text["text"] = "See you on Thursday at 4pm"
            let noAgreement = try await browser.post("/cases/\(north.caseA)/check", form: text)
            #expect(noAgreement.text.contains("Do not send this") && noAgreement.text.contains("PD-1.6"))
            // The clause's id links to the clause on its policy's page.
            #expect(noAgreement.text.contains("<a href=\"/policies/pan-dorset-4.4#PD-1.6\">PD-1.6</a>"))
            // A call to the child: a warning (PD-12.b), with the record form filled in one step away.
            var call = text
            call["channel"] = "phone_call"
            call["text"] = "Ring about Thursday at 4pm"
            let warned = try await browser.post("/cases/\(north.caseA)/check", form: call)
            #expect(warned.text.contains("Check this before you send it") && warned.text.contains("PD-12.b"))
            let link = try #require(warned.text.firstMatch(of: /href="(\/cases\/[^"]+\/record\?[^"]+)"/)?.1)
            let filled = try await browser.get(String(link).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(filled.status == .ok)
            #expect(
                filled.text.contains("Ring about Thursday at 4pm") && filled.text.contains("value=\"Child A Full\"")
            )
            #expect(filled.text.contains("<option value=\"phone_call\" selected>"))
            // Nobody chosen and nothing the policies look for: allowed.
            var nobody = text
            nobody["person_id"] = ""
            let allowed = try await browser.post("/cases/\(north.caseA)/check", form: nobody)
            #expect(allowed.text.contains("You may send this"), "\(allowed.text)")
            // Someone not on the case is named as the problem.
            var stranger = text
            stranger["person_id"] = world.south.personA.uuidString
            let refused = try await browser.post("/cases/\(north.caseA)/compose", form: stranger)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("href=\"#person_id\""))
            // Every check is audited, without the words.
            let checks = try await AuditEvent.query(on: app.db).filter(\.$action == "check").all()
            #expect(checks.count == 5)
            #expect(
                checks.allSatisfy { !($0.detail ?? "").contains("Monday") && !($0.detail ?? "").contains("Thursday") }
            )

            // Recorded anyway: saved (a record is never refused for what it says), and the worker told.
            let recorded = try await browser.post(
                "/cases/\(north.caseA)/record",
                form: [
                    "csrf": csrf, "channel": "whatsapp", "direction": "outgoing", "occurred_at": "2026-11-02T10:00",
                    "transcript": "Hi, Child A Full's review is on Monday at 10",
                ]
            )
            #expect(recorded.status == .seeOther)
            let location = try #require(recorded.headers.first(name: .location))
            #expect(location.hasSuffix("?recorded=1&flagged=WA-7"), "\(location)")
            let chronology = try await browser.get(location)
            #expect(chronology.text.contains("The check found that it falls foul of WA-7"))
        }
    }
}
