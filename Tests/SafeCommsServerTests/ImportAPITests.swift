import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsStore
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsServer

/// A `multipart/form-data` body, as a browser or `curl -F` sends a file with fields.
struct Multipart {
    let boundary = "----safecomms\(UUID().uuidString.prefix(8))"
    var fields: [(String, String)] = []
    var file: (filename: String, bytes: [UInt8])?

    var body: ByteBuffer {
        var out = ByteBuffer()
        for (name, value) in fields {
            out.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            out.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            out.writeBytes(file.bytes)
            out.writeString("\r\n")
        }
        out.writeString("--\(boundary)--\r\n")
        return out
    }

    /// - Parameter cookies: a `Cookie` header's value, as a browser would send it.
    func headers(token: String? = nil, cookies: String? = nil) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        if let token { h.bearerAuthorization = BearerAuthorization(token: token) }
        if let cookies { h.add(name: .cookie, value: cookies) }
        return h
    }

    static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: PhoneImportTests.fixtures.appendingPathComponent(path)))
    }
}

/// Imports through the API: `POST /api/v1/cases/{id}/imports` and `POST /api/v1/reconciliation`.
@Suite struct ImportAPITests {
    func upload(
        _ app: Application,
        _ path: String,
        token: String,
        _ form: Multipart
    ) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: form.headers(token: token), body: form.body)
    }

    @Test(arguments: Backend.available)
    func importAFileThroughTheAPI(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let path = "/api/v1/cases/\(world.north.caseA)/imports"
            let token = world.north.token("practitioner")
            let chat = try Multipart.fixture("whatsapp/android-uk-24h.txt")

            let unmatched = try await upload(
                app,
                path,
                token: token,
                Multipart(fields: [("format", "whatsapp")], file: ("chat.txt", chat))
            )
            let dry = try await upload(
                app,
                path,
                token: token,
                Multipart(
                    fields: [
                        ("format", "whatsapp"), ("dry_run", "true"),
                        ("map", "Jo Bloggs=\(world.north.staff["practitioner"]!.email)\nsam parent=Child A Full"),
                    ],
                    file: ("chat.txt", chat)
                )
            )
            let countAfterDry = try await CommunicationRecord.query(on: app.db).count()
            let done = try await upload(
                app,
                path,
                token: token,
                Multipart(
                    fields: [
                        ("format", "whatsapp"),
                        ("map", "Jo Bloggs=\(world.north.staff["practitioner"]!.email)\nsam parent=Child A Full"),
                    ],
                    file: ("chat.txt", chat)
                )
            )
            let zip = try await upload(
                app,
                path,
                token: token,
                Multipart(
                    fields: [
                        ("format", "whatsapp"),
                        ("map", "Jo Bloggs=\(world.north.staff["practitioner"]!.email)\nSam Parent=Child A Full"),
                    ],
                    file: ("export.zip", try Multipart.fixture("whatsapp/iphone-media.zip"))
                )
            )

            #expect(
                unmatched.status == .unprocessableEntity
                    && unmatched.json["unmatched"] as? [String] == ["Jo Bloggs", "Sam Parent"],
                "\(unmatched.text)"
            )
            #expect(
                dry.status == .ok && dry.json["messages"] as? Int == 5 && dry.json["imported"] == nil
                    && countAfterDry == 0,
                "\(dry.text)"
            )
            #expect(done.status == .ok && done.json["imported"] as? Int == 5, "\(done.text)")
            #expect(zip.status == .ok && zip.json["imported"] as? Int == 5, "a .zip export is read too: \(zip.text)")
            let records = try await CommunicationRecord.query(on: app.db).filter(\.$source == "import:whatsapp").count()
            #expect(records == 10)
        }
    }

    /// Forms built to break the server: an empty multipart body (only the closing boundary), and a
    /// bill with a line over a megabyte. Each gets a 4xx naming what is wrong, and nothing is written.
    @Test func hostileFormsAreRefusedByName() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let token = world.north.token("manager")
            let empty = Multipart(fields: [])
            for path in ["/api/v1/cases/\(world.north.caseA)/imports", "/api/v1/reconciliation"] {
                let res = try await app.testing().sendRequest(
                    .POST,
                    path,
                    headers: empty.headers(token: token),
                    body: ByteBuffer(string: "--\(empty.boundary)--\r\n")
                )
                #expect(res.status == .unprocessableEntity, "\(path): \(res.status) \(res.body.string.prefix(400))")
                let fields = (res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields.contains("file"), "\(path): \(res.body.string)")
            }
            var bill = Array(
                "Date,Time,Number,Direction,Duration\n02/11/2026,10:10,01632960001,Outgoing,00:01:00\n".utf8
            )
            bill +=
                Array("02/11/2026,10:11,".utf8) + Array(repeating: UInt8(ascii: "9"), count: 1_100_000)
                + Array(",Outgoing,00:01:00\n".utf8)
            let long = try await upload(
                app,
                "/api/v1/reconciliation",
                token: token,
                Multipart(fields: [("format", "calls")], file: ("bill.csv", bill))
            )
            #expect(long.status == .unprocessableEntity, "\(long.status) \(long.body.string.prefix(300))")
            #expect(
                long.json["field"] as? String == "file"
                    && (long.json["reason"] as? String) == "line 3: a line is longer than 1024 KB",
                "the long line is named: \(long.body.string.prefix(300))"
            )
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func badFormsNameTheirFields() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let path = "/api/v1/cases/\(world.north.caseA)/imports"
            let token = world.north.token("practitioner")

            let nothing = try await upload(app, path, token: token, Multipart(fields: [("format", "fax")]))
            let badMap = try await upload(
                app,
                path,
                token: token,
                Multipart(fields: [("format", "whatsapp"), ("map", "Mum")], file: ("c.txt", Array("x".utf8)))
            )
            let badColumns = try await upload(
                app,
                path,
                token: token,
                Multipart(
                    fields: [("format", "calls"), ("columns", "date: Call date\nnumbr: Other")],
                    file: ("bill.csv", Array("x".utf8))
                )
            )
            let notAZip = try await upload(
                app,
                path,
                token: token,
                Multipart(
                    fields: [("format", "whatsapp")],
                    file: ("export.zip", try Multipart.fixture("whatsapp/not-an-export.zip"))
                )
            )
            let broken = try await upload(
                app,
                path,
                token: token,
                Multipart(fields: [("format", "calls")], file: ("bill.csv", try Multipart.fixture("calls/bill.csv")))
            )

            let fields = (nothing.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(nothing.status == .unprocessableEntity && fields == ["format", "file"], "\(nothing.text)")
            #expect(
                badMap.status == .unprocessableEntity && badMap.json["field"] as? String == "map"
                    && (badMap.json["reason"] as? String)?.contains("line 1") == true
            )
            #expect(
                badColumns.json["field"] as? String == "columns"
                    && (badColumns.json["reason"] as? String)?.contains("numbr") == true,
                "\(badColumns.text)"
            )
            #expect(
                notAZip.json["field"] as? String == "file"
                    && (notAZip.json["reason"] as? String)?.contains("_chat.txt") == true,
                "\(notAZip.text)"
            )
            let lines = (broken.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
            #expect(
                broken.status == .unprocessableEntity && lines == [6],
                "a bad row is named by its line: \(broken.text)"
            )
            #expect(try await CommunicationRecord.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: Backend.available)
    func theUnrecordedContactReport(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            // One of the bill's calls with the case's person was recorded, ten minutes out.
            let recorded = try await app.send(
                .POST,
                "/api/v1/cases/\(world.north.caseA)/communications",
                token: world.north.token("practitioner"),
                json:
                    #"{"channel":"phone_call","direction":"outgoing","occurred_at":"2026-11-02T09:15:00Z","summary":"Arranged Thursday","person_id":"\#(world.north.personA)"}"#
            )
            #expect(recorded.status == .created, "\(recorded.text)")
            let bill = Multipart(
                fields: [("window", "30m")],
                file: ("week.csv", try Multipart.fixture("calls/week.csv"))
            )

            let manager = try await upload(app, "/api/v1/reconciliation", token: world.north.token("manager"), bill)
            let practitioner = try await upload(
                app,
                "/api/v1/reconciliation",
                token: world.north.token("practitioner"),
                bill
            )
            let south = try await upload(app, "/api/v1/reconciliation", token: world.south.token("dsl"), bill)
            let badWindow = try await upload(
                app,
                "/api/v1/reconciliation",
                token: world.north.token("dsl"),
                Multipart(fields: [("window", "soon")], file: bill.file)
            )

            #expect(manager.status == .ok, "\(manager.text)")
            let unrecorded = manager.json["unrecorded"] as? [[String: Any]] ?? []
            #expect(
                manager.json["rows"] as? Int == 6 && manager.json["case_contacts"] as? Int == 4
                    && manager.json["recorded"] as? Int == 1,
                "\(manager.text)"
            )
            #expect(
                unrecorded.compactMap { $0["line"] as? Int } == [4, 5, 6],
                "the evening call and both texts: \(manager.text)"
            )
            #expect(
                unrecorded.first?["out_of_hours"] as? Bool == true
                    && unrecorded.first?["case_references"] as? [String] == ["North-A"]
            )
            #expect(practitioner.status == .forbidden)
            // The other organisation has a person with the same number: its own case, never this one.
            let southCases = (south.json["unrecorded"] as? [[String: Any]] ?? []).flatMap {
                $0["case_references"] as? [String] ?? []
            }
            #expect(
                south.status == .ok && !southCases.isEmpty && southCases.allSatisfy { $0 == "South-A" }
                    && !south.text.contains("North"),
                "\(south.text)"
            )
            #expect(badWindow.status == .unprocessableEntity && badWindow.json["field"] as? String == "window")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "reconciliation.run").count()
            #expect(
                audited == 2,
                "each report shown is in the audit trail (the manager's and the other organisation's DSL's)"
            )

            // Each organisation's overseers' homes say when its own bill was last checked, and by whom.
            let north = PageSession(app)
            try await north.signIn(world.north.staff["dsl"]!.email)
            let northHome = try await north.get("/").body.string
            #expect(northHome.contains("The carrier's bill was last checked on "))
            #expect(northHome.contains(" by North manager: "))
            let southDSL = PageSession(app)
            try await southDSL.signIn(world.south.staff["dsl"]!.email)
            let southHome = try await southDSL.get("/").body.string
            #expect(southHome.contains(" by South dsl: "))
            #expect(!southHome.contains("North manager"))
        }
    }
}

/// The import and report pages, through a signed-in session, as a browser sends them.
@Suite struct ImportPageTests {
    @Test(arguments: Backend.available)
    func importThroughThePage(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["practitioner"]!.email)
            let page = try await browser.get("/cases/\(world.north.caseA)/import")
            let csrf = try #require(browser.csrf(from: page))
            let chat = try Multipart.fixture("whatsapp/android-uk-24h.txt")

            let check = try await browser.post(
                "/cases/\(world.north.caseA)/import",
                multipart: Multipart(
                    fields: [("csrf", csrf), ("format", "whatsapp"), ("dry_run", "on")],
                    file: ("chat.txt", chat)
                ),
                waitingForWork: true
            )
            let mapped = try await browser.post(
                "/cases/\(world.north.caseA)/import",
                multipart: Multipart(
                    fields: [
                        ("csrf", csrf), ("format", "whatsapp"),
                        ("map", "Jo Bloggs=\(world.north.staff["practitioner"]!.email)\r\nSam Parent=Child A Full"),
                    ],
                    file: ("chat.txt", chat)
                ),
                waitingForWork: true
            )
            let noFile = try await browser.post(
                "/cases/\(world.north.caseA)/import",
                multipart: Multipart(fields: [("csrf", csrf), ("format", "whatsapp")])
            )
            let forged = try await browser.post(
                "/cases/\(world.north.caseA)/import",
                multipart: Multipart(fields: [("format", "whatsapp")], file: ("chat.txt", chat))
            )
            let wrongToken = try await browser.post(
                "/cases/\(world.north.caseA)/import",
                multipart: Multipart(
                    fields: [("csrf", String(repeating: "0", count: 64)), ("format", "whatsapp")],
                    file: ("chat.txt", chat)
                )
            )
            // The token after the file: the file would have been kept before the form was known to be
            // genuine, so the form is refused.
            let late = Multipart(fields: [])
            var lateBody = ByteBuffer()
            lateBody.writeString(
                "--\(late.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chat.txt\"\r\n\r\n"
            )
            lateBody.writeBytes(chat)
            lateBody.writeString(
                "\r\n--\(late.boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n--\(late.boundary)--\r\n"
            )
            let tokenAfterFile = try await app.testing().sendRequest(
                .POST,
                "/cases/\(world.north.caseA)/import",
                headers: late.headers(cookies: browser.jar.header),
                body: lateBody
            )
            let chronology = try await browser.get("/cases/\(world.north.caseA)")

            #expect(page.status == .ok && page.text.contains("enctype=\"multipart/form-data\""))
            #expect(
                check.status == .unprocessableEntity && check.text.contains("Say who 2 names are: nothing was written")
                    && check.text.contains("Jo Bloggs=who"),
                "\(check.text)"
            )
            #expect(mapped.status == .ok && mapped.text.contains("Imported 5"), "\(mapped.text)")
            #expect(
                noFile.status == .unprocessableEntity && noFile.text.contains("href=\"#file\"")
                    && noFile.text.contains("The file is required")
            )
            #expect(forged.status == .forbidden, "a form without the CSRF token is refused, file or not")
            #expect(
                wrongToken.status == .forbidden && tokenAfterFile.status == .forbidden,
                "\(wrongToken.status) \(tokenAfterFile.status)"
            )
            #expect(chronology.text.contains("see you then"), "the messages are in the chronology")
        }
    }

    @Test func theReportPage() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let browser = PageSession(app)
            try await browser.signIn(world.north.staff["dsl"]!.email)
            let cases = try await browser.get("/cases")
            let csrf = try #require(browser.csrf(from: cases))
            let report = try await browser.post(
                "/reconciliation",
                multipart: Multipart(
                    fields: [("csrf", csrf), ("window", "30m")],
                    file: ("week.csv", try Multipart.fixture("calls/week.csv"))
                ),
                waitingForWork: true
            )
            let badWindow = try await browser.post(
                "/reconciliation",
                multipart: Multipart(
                    fields: [("csrf", csrf), ("window", "later")],
                    file: ("week.csv", try Multipart.fixture("calls/week.csv"))
                )
            )

            #expect(cases.text.contains("href=\"/reconciliation\""), "the DSL is shown the way to the report")
            #expect(
                report.status == .ok && report.text.contains("4 contacts were not recorded")
                    && report.text.contains("Out of hours (PD-1.2)"),
                "\(report.text)"
            )
            #expect(
                badWindow.status == .unprocessableEntity
                    && badWindow.text.contains("The window &#39;later&#39; is not a duration")
                    || badWindow.text.contains("The window 'later' is not a duration"),
                "\(badWindow.text)"
            )
        }
    }
}
