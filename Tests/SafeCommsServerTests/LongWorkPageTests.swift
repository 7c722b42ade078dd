import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer
@testable import SafeCommsStore

/// Imports and reports started from a page run in the background: the form is answered with the
/// work's own page (`/work/{id}`), which only its starter sees, and which shows the result when done.
@Suite struct LongWorkPageTests {
    static let fileName = "WhatsApp Chat with Sam Parent.txt"

    @Test(arguments: Backend.available)
    func importsStartedAtOnceEachEndOnTheirOwnPageAndNothingIsImportedTwice(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let chat = try Multipart.fixture("whatsapp/android-uk-24h.txt")
            // setup: four people's sessions, each with the import form of their case open
            struct Start: Sendable {
                var who: String
                var org: World.Org
                var dryRun: Bool
            }
            let starts = [
                Start(who: "practitioner", org: world.north, dryRun: false),
                Start(who: "manager", org: world.north, dryRun: false),
                Start(who: "practitioner", org: world.north, dryRun: true),
                Start(who: "practitioner", org: world.south, dryRun: false),
            ]
            var sessions: [PageSession] = []
            var forms: [Multipart] = []
            for s in starts {
                let session = PageSession(app)
                try await session.signIn(s.org.staff[s.who]!.email)
                let csrf = try #require(session.csrf(from: try await session.get("/cases/\(s.org.caseA)/import")))
                var fields = [
                    ("csrf", csrf), ("format", "whatsapp"),
                    ("map", "Jo Bloggs=\(s.org.staff[s.who]!.email)\r\nSam Parent=Child A Full"),
                ]
                if s.dryRun { fields.append(("dry_run", "on")) }
                sessions.append(session)
                forms.append(Multipart(fields: fields, file: (Self.fileName, chat)))
            }

            // MUT: all four sent at once; each answered with its work's page
            let sent = try await withThrowingTaskGroup(of: (Int, TestingHTTPResponse).self) { group in
                for i in starts.indices {
                    let (session, form, caseID) = (sessions[i], forms[i], starts[i].org.caseA)
                    group.addTask { (i, try await session.post("/cases/\(caseID)/import", multipart: form)) }
                }
                var out: [Int: TestingHTTPResponse] = [:]
                for try await (i, res) in group { out[i] = res }
                return starts.indices.map { out[$0]! }
            }
            let works = sent.map { $0.headers.first(name: .location) ?? "" }
            var pages: [TestingHTTPResponse] = []
            for (i, work) in works.enumerated() {
                var page = try await sessions[i].get(work)
                for _ in 0..<3000 where page.text.contains("id=\"work-progress\"") {
                    try await Task.sleep(for: .milliseconds(20))
                    page = try await sessions[i].get(work)
                }
                pages.append(page)
            }

            // validation
            #expect(sent.allSatisfy { $0.status == .seeOther }, "\(sent.map(\.status))")
            #expect(works.allSatisfy { $0.hasPrefix("/work/") } && Set(works).count == 4, "\(works)")
            #expect(pages.map(\.status) == [.ok, .ok, .ok, .ok], "\(pages.map { $0.text.prefix(400) })")
            #expect(pages[0].text.contains("Imported") && pages[1].text.contains("Imported"))
            #expect(pages[2].text.contains("Ready to import: nothing was written yet"), "\(pages[2].text.prefix(600))")
            #expect(pages[3].text.contains("Imported 5"))
            // The two imports into North's case overlap: between them the chat is there once.
            let northRecords = try await CommunicationRecord.query(on: app.db).filter(\.$caseID == world.north.caseA)
                .count()
            let southRecords = try await CommunicationRecord.query(on: app.db).filter(\.$caseID == world.south.caseA)
                .count()
            #expect(northRecords == 5 && southRecords == 5, "\(northRecords) \(southRecords)")
            // Progress at the end: the whole file read.
            let progress = try await sessions[0].get(works[0] + "/progress")
            #expect(
                progress.text.contains("\"status\":\"done\"")
                    && progress.text.contains("\"done_bytes\":\(chat.count)")
                    && progress.text.contains("\"total_bytes\":\(chat.count)"),
                "\(progress.text)"
            )
            // Only its starter sees a piece of work, or hears how far it has got.
            for path in [works[0], works[0] + "/progress"] {
                #expect(try await sessions[1].get(path).status == .notFound, "another member of staff: \(path)")
                #expect(try await sessions[3].get(path).status == .notFound, "another organisation: \(path)")
            }
            let list = try await sessions[0].get("/work").text
            #expect(list.contains("href=\"\(works[0])\"") && list.contains("href=\"\(works[2])\""))
            #expect(!list.contains(works[1]) && !list.contains(works[3]))
            // The file's name holds a person's: it is stored sealed.
            let stored = try await (app.db as! any SQLDatabase).raw("SELECT file_name FROM long_work").all()
                .map { try $0.decode(column: "file_name", as: String.self) }
            #expect(stored.count == 4 && stored.allSatisfy { !$0.contains("Sam Parent") })
        }
    }

    @Test(arguments: Backend.available)
    func workItsServerStoppedSaysSoAndHowToFinish(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup: an import left running two minutes ago, silent since
            let world = try await World.make(app)
            let practitioner = try await StaffMember.find(world.north.id("practitioner"), on: app.db)!
            let record = LongWorkRecord(
                organisationID: practitioner.organisationID,
                staffID: practitioner.id!,
                caseID: world.north.caseA,
                kind: LongWork.Kind.caseImport.rawValue,
                fileName: "chat.txt",
                totalBytes: 1000,
                at: Date().addingTimeInterval(-120)
            )
            try await record.create(on: app.db)
            let session = PageSession(app)
            try await session.signIn(practitioner.email)

            // MUT
            let page = try await session.get("/work/\(record.id!)")
            let list = try await session.get("/work")

            // validation
            #expect(page.status == .ok && page.text.contains("It stopped when the server stopped."), "\(page.text)")
            #expect(page.text.contains("href=\"/cases/\(world.north.caseA.uuidString)/import\""))
            #expect(!page.text.contains("id=\"work-progress\""))
            #expect(list.text.contains("Stopped"))
        }
    }
}
