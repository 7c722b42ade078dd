import FluentKit
import Foundation
import Testing
import Vapor

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// No query crosses organisations by construction: rows an organisation owns are read through
/// `OrganisationScope`, and the code is held to it here.
@Suite struct OrganisationScopeTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    static func swiftFiles(_ folder: String) throws -> [(String, String)] {
        let root = sources.appendingPathComponent(folder)
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return try paths.filter { $0.hasSuffix(".swift") }.sorted().map {
            ("\(folder)/\($0)", try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8))
        }
    }

    /// The models that belong to an organisation, as `OrganisationScope.swift` declares them.
    static func ownedModels() throws -> [String] {
        let text = try String(
            contentsOf: sources.appendingPathComponent("SafeCommsStore/OrganisationScope.swift"),
            encoding: .utf8
        )
        return text.matches(of: /extension (\w+): OrganisationOwned/).map { String($0.output.1) }
    }

    @Test func noOrganisationFilterIsWrittenByHand() throws {
        var found: [String] = []
        for folder in ["SafeCommsStore", "SafeCommsServer", "safecomms"] {
            for (path, text) in try Self.swiftFiles(folder) where !path.hasSuffix("OrganisationScope.swift") {
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains("\\.$organisationID") {
                    found.append("\(path):\(n + 1)")
                }
            }
        }
        #expect(found.isEmpty, "filter through db.scoped(to:) instead: \(found)")
    }

    /// What a request runs (the server and the use cases) reads organisation-owned rows only through the
    /// scope. The exceptions are look-ups that are not an organisation's by nature: a member of staff
    /// by e-mail address (unique across the store: sign-in, `users`, the demo), the signed-in member by
    /// their session (and the one half-way through signing in, at the second factor), a case found with
    /// its organisation, the outbox and the message sender, which send every organisation's e-mail and
    /// texts, GOV.UK Notify's receipts, which name a message by its id, and the identity provider's
    /// check, which ends the sessions of the member of staff a refused grant names (its id is theirs).
    @Test func requestsReadOwnedRowsOnlyThroughTheScope() throws {
        let models = try Self.ownedModels()
        #expect(models.count == 30, "\(models)")
        let unscoped = try Regex("\\b(\(models.joined(separator: "|")))\\.(query|find)\\(")
        let allowed = [
            "\\.$email ==", "CaseFile.find(id, organisationID:", "StaffMember.find(id, on: request.db)",
            "StaffMember.find(id, on: req.db)", "OutgoingMessage.find(id, on: db)",
            "StaffMember.find(c.staffID, on: db)",
        ]
        var found: [String] = []
        let files = try Self.swiftFiles("SafeCommsServer") + Self.swiftFiles("SafeCommsStore/UseCases")
        for (path, text) in files
        where !path.hasSuffix("NotificationOutbox.swift") && !path.hasSuffix("MessageSender.swift") {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() where line.contains(unscoped) {
                // A query's filters may follow on the next line.
                let context = line + (n + 1 < lines.count ? lines[n + 1] : "")
                if !allowed.contains(where: { context.contains($0) }) { found.append("\(path):\(n + 1)") }
            }
        }
        #expect(found.isEmpty, "query through db.scoped(to:) instead: \(found)")
    }

    @Test(arguments: Backend.available)
    func aScopeSeesOnlyItsOrganisationsRows(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            for org in [world.north, world.south] {
                let scope = app.db.scoped(to: org.id)
                let cases = try await scope.query(CaseFile.self).all()
                #expect(Set(cases.compactMap(\.id)) == [org.caseA, org.caseB])
                let staff = try await scope.query(StaffMember.self).all()
                #expect(!staff.isEmpty && staff.allSatisfy { $0.organisationID == org.id })
                let other = org.id == world.north.id ? world.south : world.north
                #expect(
                    try await scope.find(CaseFile.self, other.caseA) == nil,
                    "another organisation's case is not there"
                )
                #expect(try await scope.find(CaseFile.self, org.caseA)?.id == org.caseA)
            }
        }
    }
}
