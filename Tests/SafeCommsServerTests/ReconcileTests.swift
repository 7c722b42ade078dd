import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport
import SafeCommsStore
import Testing
import Vapor

@testable import SafeCommsServer

/// The unrecorded-contact report (PD-1.1, PD-1.8, PD-1.2) on SQLite and PostgreSQL.
@Suite struct ReconcileTests {
    static let bill = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/imports/calls/bill.csv")

    @Test(arguments: Backend.available)
    func callsAndTextsNobodyRecordedAreListed(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            // setup: one call to the case's child recorded at 10:00, half an hour later.
            let world = try await World.make(app)
            let call =
                #"{"channel":"phone_call","direction":"outgoing","occurred_at":"2026-11-02T10:00:00Z","summary":"Checked in before school","person_id":"\#(world.north.personA)"}"#
            #expect(
                try await app.send(
                    .POST,
                    "/api/v1/cases/\(world.north.caseA)/communications",
                    token: world.north.token("practitioner"),
                    json: call
                ).status == .created
            )

            // MUT
            let report = try await Reconcile.run(
                .init(reader: LineReader(path: Self.bill.path), map: nil, organisationID: world.north.id),
                on: app.db
            )
            let south = try await Reconcile.run(
                .init(reader: LineReader(path: Self.bill.path), map: nil, organisationID: world.south.id),
                on: app.db
            )
            let narrow = try await Reconcile.run(
                .init(
                    reader: LineReader(path: Self.bill.path),
                    map: nil,
                    organisationID: world.north.id,
                    window: 5 * 60
                ),
                on: app.db
            )

            // validation
            #expect(report.rows == 5 && report.caseContacts == 4 && report.recorded == 1, "\(report)")
            #expect(report.unrecorded.map(\.line) == [3, 4, 7], "PD-1.1, PD-1.8: \(report.unrecorded)")
            #expect(report.unrecorded.map(\.outOfHours) == [true, false, false], "PD-1.2: 19:30 is out of hours")
            #expect(
                report.unrecorded[1].kind == "text" && report.unrecorded[0].caseReferences == ["North-A"]
                    && report.unrecorded[0].direction == "incoming"
            )
            #expect(report.errors.map(\.line) == [6])
            // The call of 2 November was recorded today, weeks later: lateness says so.
            let weeks = Int(Date().timeIntervalSince(try Date("2026-11-02T10:00:00Z", strategy: .iso8601)) / 60)
            #expect(
                report.lateness?.recorded == 1 && report.lateness?.overADay == 1
                    && abs((report.lateness?.maxMinutes ?? 0) - weeks) <= 2,
                "\(String(describing: report.lateness))"
            )
            // The other organisation has a child with the same number, and no records: North's record is
            // not South's, and South's report names only South's case.
            #expect(
                south.caseContacts == 4 && south.recorded == 0
                    && south.unrecorded.allSatisfy { $0.caseReferences == ["South-A"] }
            )
            #expect(narrow.recorded == 0 && narrow.unrecorded.count == 4, "10:10 is not within 5 minutes of 10:00")
        }
    }

    /// A large table is read in two halves at once, on two connections (SQLite): the report is the one
    /// a single scan gives, with a case's records found in both halves.
    @Test func aScanInTwoHalvesGivesTheSameReport() async throws {
        try await withTestApp(.sqlite) { app in
            // setup: three records on one case, in rowid order: two calls, then a text.
            let world = try await World.make(app)
            for (channel, at, words) in [
                ("phone_call", "2026-11-02T10:00:00Z", "summary"), ("phone_call", "2026-11-02T19:25:00Z", "summary"),
                ("sms", "2026-11-02T10:01:00Z", "transcript"),
            ] {
                let json =
                    #"{"channel":"\#(channel)","direction":"outgoing","occurred_at":"\#(at)","\#(words)":"About school","person_id":"\#(world.north.personA)"}"#
                #expect(
                    try await app.send(
                        .POST,
                        "/api/v1/cases/\(world.north.caseA)/communications",
                        token: world.north.token("practitioner"),
                        json: json
                    ).status == .created
                )
            }
            let request = Reconcile.Request(
                reader: LineReader(path: Self.bill.path),
                map: nil,
                organisationID: world.north.id
            )

            // MUT
            let whole = try await Reconcile.run(request, on: app.db)
            let halves = try await Reconcile.run(request, on: app.db, splitScanAt: 1)

            // validation
            #expect(halves == whole)
            #expect(halves.recorded == 3 && halves.unrecorded.map(\.line) == [7], "\(halves)")
        }
    }

    /// `safecomms reconcile --calls FILE --window 30m --json`, with and without a column map.
    @Test func theCommand() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-reconcile-\(UUID().uuidString.prefix(8))"
        ).path
        try await withTestApp(.sqlite, config: { $0.dataDirectory = data }) { app in
            let world = try await World.make(app)
            let cli = CLITests()
            let manager = world.north.staff["manager"]!.email
            let r = try cli.run(
                ["reconcile", "--calls", Self.bill.path, "--window", "30m", "--as", manager, "--json"],
                data: data
            )
            #expect(r.status == 1, "unrecorded contact: \(r.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                "\(r.stdout)"
            )
            #expect(
                json["rows"] as? Int == 5 && json["case_contacts"] as? Int == 4
                    && (json["unrecorded"] as? [Any])?.count == 4
            )
            let first = try #require((json["unrecorded"] as? [[String: Any]])?.first)
            #expect(
                first["at"] as? String == "2026-11-02T10:10:00" && first["out_of_hours"] as? Bool == false
                    && first["case_references"] as? [String] == ["North-A"]
            )
            let practitioner = try cli.run(
                ["reconcile", "--calls", Self.bill.path, "--as", world.north.staff["practitioner"]!.email],
                data: data
            )
            #expect(practitioner.status == 2 && practitioner.stderr.contains("managers, the DSL and auditors"))
            let nobody = try cli.run(["reconcile", "--calls", Self.bill.path], data: data)
            #expect(nobody.status == 2 && nobody.stderr.contains("--as is needed"), "two organisations in the store")
            let badWindow = try cli.run(
                ["reconcile", "--calls", Self.bill.path, "--window", "soon", "--as", manager],
                data: data
            )
            #expect(badWindow.status == 2 && badWindow.stderr.contains("--window"))
            let mapped = try cli.run(
                [
                    "reconcile", "--calls",
                    Self.bill.deletingLastPathComponent().appendingPathComponent("mapped.csv").path, "--columns",
                    Self.bill.deletingLastPathComponent().appendingPathComponent("columns.yaml").path, "--as", manager,
                ],
                data: data
            )
            #expect(
                mapped.status == 1
                    && mapped.stdout.contains("1 rows; 1 with case contacts; 0 recorded; 1 not recorded"),
                "\(mapped.stdout) \(mapped.stderr)"
            )
        }
    }
}
