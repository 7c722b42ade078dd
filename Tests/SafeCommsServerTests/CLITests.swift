import Foundation
import SQLKit
import Testing

@testable import SafeCommsServer
@testable import SafeCommsStore

/// The `safecomms` executable itself, run as a user would, against a SQLite data directory.
@Suite struct CLITests {
    static var binary: URL {
        // The test bundle sits in the products directory beside the executable.
        var dir = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("safecomms").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("safecomms")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(
        _ args: [String],
        data: String,
        stdin: String? = nil,
        stdinBytes: [UInt8]? = nil,
        environment extra: [String: String] = [:],
        executable: URL? = nil
    ) throws -> Result {
        let p = Process()
        p.executableURL = executable ?? Self.binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["SAFECOMMS_DATA"] = data
        env["SAFECOMMS_BCRYPT_COST"] = "4"
        env.removeValue(forKey: "DATABASE_URL")
        // The data key the test process seals with, so the command opens what the tests wrote.
        env["SAFECOMMS_DATA_KEY_FILE"] = sharedDataKeyFile
        env.merge(extra) { _, new in new }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        // Written from another thread so a large input cannot dead-lock against a full output pipe.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdinBytes ?? Array((stdin ?? "").utf8)))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus,
            stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self)
        )
    }

    @Test func firstAdministratorTokenAndAuditVerify() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-cli-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.binary.path),
            "build the package first: \(Self.binary.path)"
        )

        #expect(try run(["migrate"], data: data).status == 0)
        let add = try run(
            [
                "users", "add", "ict@council.example.gov.uk", "--name", "Ida Admin", "--roles", "admin",
                "--organisation", "Example Council",
            ],
            data: data
        )
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("Password (shown once): "))
        let badRole = try run(
            [
                "users", "add", "x@council.example.gov.uk", "--name", "X", "--roles", "wizard", "--organisation",
                "Example Council",
            ],
            data: data
        )
        #expect(badRole.status != 0 && badRole.stderr.contains("roles[0]"))

        let token = try run(["users", "token", "ict@council.example.gov.uk"], data: data)
        #expect(token.status == 0)
        #expect(
            token.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("sc_"),
            "stdout is only the token: \(token.stdout)"
        )
        #expect(token.stdout.split(separator: "\n").count == 1)
        #expect(try run(["users", "token", "nobody@council.example.gov.uk"], data: data).status != 0)

        let ok = try run(["audit", "verify"], data: data)
        #expect(ok.status == 0 && ok.stdout.contains("Audit chain intact: 3 links"))

        // Someone edits the trail directly in the database file.
        let store = try StoreDatabase(.sqlite(path: data + "/safecomms.sqlite"))
        try await (store.db as! any SQLDatabase).raw("UPDATE audit_events SET action = 'staff.delete' WHERE seq = 2")
            .run()
        await store.shutdown()
        let broken = try run(["audit", "verify"], data: data)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("link 2 was altered"))
    }

    /// The key kept apart from the data, and the newest events deleted behind the server's back: the
    /// chain that remains is whole, but the witness log names what was cut off, and so does a copy of
    /// it kept elsewhere.
    @Test func witnessLogNamesDeletedNewestEvents() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-witness-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data", keyFile = root + "/secrets/audit.key"
        let env = ["SAFECOMMS_AUDIT_KEY_FILE": keyFile]
        #expect(try run(["migrate"], data: data, environment: env).status == 0)
        for i in 1...3 {
            let add = try run(
                [
                    "users", "add", "w\(i)@council.example.gov.uk", "--name", "Worker \(i)", "--roles", "practitioner",
                    "--organisation", "Example Council",
                ],
                data: data,
                environment: env
            )
            #expect(add.status == 0, "\(add.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: keyFile), "the key is made where SAFECOMMS_AUDIT_KEY_FILE says")
        #expect(!FileManager.default.fileExists(atPath: data + "/audit.key"), "and not in the data directory")
        let witness = data + "/audit-witness.log"
        func permissions(_ path: String) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        }
        #expect(try permissions(data) == 0o700, "the data directory is the server account's alone")
        for file in [
            witness, keyFile, data + "/safecomms.sqlite", data + "/safecomms.sqlite-wal",
            data + "/safecomms.sqlite-shm",
        ]
        where FileManager.default.fileExists(atPath: file) {
            #expect(try permissions(file) == 0o600, "\(file)")
        }
        #expect(FileManager.default.fileExists(atPath: data + "/safecomms.sqlite"))

        let ok = try run(["audit", "verify"], data: data, environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Audit chain intact: 4 links"), "\(ok.stdout)")
        #expect(ok.stdout.contains("Witness \(witness): "))
        let copy = root + "/elsewhere.log"
        try FileManager.default.copyItem(atPath: witness, toPath: copy)

        let store = try StoreDatabase(.sqlite(path: data + "/safecomms.sqlite"))
        try await (store.db as! any SQLDatabase).raw("DELETE FROM audit_events WHERE seq > 2").run()
        await store.shutdown()
        let cut = try run(["audit", "verify"], data: data, environment: env)
        #expect(cut.status == 2)
        #expect(
            cut.stderr.contains("records link 4 but the chain ends at link 2: the newest 2 events are missing"),
            "\(cut.stderr)"
        )

        // The local witness deleted too: the copy kept elsewhere still names the cut.
        try FileManager.default.removeItem(atPath: witness)
        let noWitness = try run(["audit", "verify"], data: data, environment: env)
        #expect(noWitness.status == 0 && noWitness.stdout.contains("No witness log"))
        let elsewhere = try run(["audit", "verify", "--witness", copy], data: data, environment: env)
        #expect(elsewhere.status == 2)
        #expect(elsewhere.stderr.contains("the witness \(copy) records link 4"), "\(elsewhere.stderr)")
    }

    @Test func auditKeyInsideTheDataDirectoryIsWarnedOf() {
        var c = ServerConfig(dataDirectory: "/srv/safecomms/data")
        #expect(c.auditKeyWarning?.contains("/srv/safecomms/data/audit.key is inside the data directory") == true)
        c.auditKeyFile = "/srv/safecomms/data/../secrets/audit.key"
        #expect(c.auditKeyWarning == nil)
        c.auditKeyFile = nil
        c.auditKeyHex = String(repeating: "ab", count: 32)
        #expect(c.auditKeyWarning == nil)
    }

    /// `safecomms clauses` lists every clause once, each with code and tests, and succeeds only then.
    @Test func clausesListsEveryClauseWithItsBacking() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safecomms-clauses-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["clauses", "--jsonl"], data: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(rows.count == 110 && Set(rows.compactMap { $0["id"] as? String }).count == 110)
        #expect(
            rows.allSatisfy {
                !(($0["code"] as? [String]) ?? []).isEmpty && !(($0["tests"] as? [String]) ?? []).isEmpty
            }
        )
        let kinds = Dictionary(grouping: rows, by: { $0["kind"] as? String ?? "" }).mapValues(\.count)
        #expect(kinds == ["enforced": 27, "recorded": 16, "run": 35, "guidance": 32], "\(kinds)")
    }
}
