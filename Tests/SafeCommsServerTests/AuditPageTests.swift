import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// `/audit`: searching, checking and exporting the trail through the pages.
@Suite struct AuditPageTests {
    /// The events' rows of the page: (who, what, case).
    static func rows(_ html: String) -> [(String, String, String)] {
        html.matches(of: /<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/).map {
            (String($0.1), String($0.2), String($0.3))
        }
    }

    @Test(arguments: Backend.available)
    func anAuditorSearchesByCaseAndPersonAndOnlyTheirOrganisation(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let north = world.north
            // The practitioner reads case A's chronology; South's practitioner reads theirs.
            for (org, who) in [(north, "practitioner"), (world.south, "practitioner")] {
                let reader = PageSession(app)
                try await reader.signIn(org.staff[who]!.email)
                #expect(try await reader.get("/cases/\(org.caseA)").status == .ok)
            }
            let auditor = PageSession(app)
            try await auditor.signIn(north.staff["auditor"]!.email)
            let all = try await auditor.get("/audit")
            #expect(all.status == .ok)
            #expect(!all.body.string.contains("South"), "another organisation's events are not shown")

            let byCase = try await auditor.get("/audit?case=North-A&action=chronology.read")
            let rows = Self.rows(byCase.body.string)
            #expect(
                rows.count == 1 && rows.allSatisfy { $0 == ("North practitioner", "read a chronology", "North-A") },
                "\(rows)"
            )

            let byPerson = try await auditor.get("/audit?who=\(north.id("practitioner"))")
            #expect(!Self.rows(byPerson.body.string).isEmpty)
            #expect(Self.rows(byPerson.body.string).allSatisfy { $0.0 == "North practitioner" })

            // Nothing in the future.
            let later = try await auditor.get("/audit?from=2099-01-01")
            #expect(later.body.string.contains("No events match."))
        }
    }

    @Test(arguments: Backend.available)
    func badSearchesNameTheirFieldAndOthersMayNotLook(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let dsl = PageSession(app)
            try await dsl.signIn(world.north.staff["dsl"]!.email)
            let bad = try await dsl.get("/audit?case=NOPE&from=2026-02-30&to=2026-01-01&action=x")
            #expect(bad.status == .unprocessableEntity)
            for (field, message) in [
                ("case", "No case has the reference NOPE"), ("from", "Enter the from date as a real date"),
                ("action", "Choose what was done from the list"),
            ] {
                #expect(bad.body.string.contains("<a href=\"#\(field)\">\(message)"), "\(field)")
                #expect(bad.body.string.contains("id=\"\(field)-error\""), "\(field) shows its own message")
            }
            #expect(
                try await dsl.get("/audit?from=2026-03-02&to=2026-03-01").body.string.contains("The to date must be")
            )
            // South's case is no reference in North.
            #expect(try await dsl.get("/audit?case=South-A").status == .unprocessableEntity)

            for role in ["practitioner", "manager", "business_support", "admin"] {
                let other = PageSession(app)
                try await other.signIn(world.north.staff[role]!.email)
                for path in ["/audit", "/audit/verify", "/audit/export.csv", "/audit/export.jsonl"] {
                    #expect(try await other.get(path).status == .forbidden, "\(role) \(path)")
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func theTrailIsCheckedAndItsExportsVerify(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let reader = PageSession(app)
            try await reader.signIn(world.north.staff["practitioner"]!.email)
            #expect(try await reader.get("/cases/\(world.north.caseA)").status == .ok)
            let auditor = PageSession(app)
            try await auditor.signIn(world.north.staff["auditor"]!.email)
            let check = try await auditor.get("/audit/verify")
            #expect(check.status == .ok && check.body.string.contains("The audit trail is intact"))

            let jsonl = try await auditor.get("/audit/export.jsonl")
            #expect(jsonl.headers.first(name: .contentType)?.hasPrefix("application/jsonl") == true)
            let csv = try await auditor.get("/audit/export.csv?case=North-A")
            let all = try AuditExport.read(jsonl.body.string)
            let some = try AuditExport.read(csv.body.string)
            #expect(!all.isEmpty && all.allSatisfy { $0.organisationID == world.north.id })
            #expect(!some.isEmpty && some.allSatisfy { $0.caseID == world.north.caseA })
            let whole = try AuditExport.verify(all, key: app.auditKey)
            #expect(whole.events == all.count)
            _ = try AuditExport.verify(some, key: app.auditKey)

            // The command a council's IT team runs on the file, with the installation's key.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("trail.jsonl")
            try jsonl.body.string.write(to: file, atomically: true, encoding: .utf8)
            let env = ["SAFECOMMS_AUDIT_KEY": app.auditKey.hex]
            let ok = try CLITests().run(["audit", "verify-export", file.path], data: dir.path, environment: env)
            #expect(ok.status == 0 && ok.stdout.contains("Export intact: \(all.count) events"), "\(ok.stderr)")
            // One word changed in the file is found.
            let edited = jsonl.body.string.replacingOccurrences(of: "\"auth.signed_in\"", with: "\"auth.failed\"")
            #expect(edited != jsonl.body.string)
            try edited.write(to: file, atomically: true, encoding: .utf8)
            let broken = try CLITests().run(["audit", "verify-export", file.path], data: dir.path, environment: env)
            #expect(broken.status == 2 && broken.stderr.contains("was altered"), "\(broken.stdout) \(broken.stderr)")
        }
    }
}
