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

    func run(_ args: [String], data: String, stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["SAFECOMMS_DATA"] = data
        env["SAFECOMMS_BCRYPT_COST"] = "4"
        env.removeValue(forKey: "DATABASE_URL")
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        // Written from another thread so a large input cannot dead-lock against a full output pipe.
        let writer = Thread {
            input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func firstAdministratorTokenAndAuditVerify() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("safecomms-cli-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the package first: \(Self.binary.path)")

        #expect(try run(["migrate"], data: data).status == 0)
        let add = try run(["users", "add", "ict@council.example.gov.uk", "--name", "Ida Admin", "--roles", "admin", "--organisation", "Example Council"], data: data)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("Password (shown once): "))
        let badRole = try run(["users", "add", "x@council.example.gov.uk", "--name", "X", "--roles", "wizard", "--organisation", "Example Council"], data: data)
        #expect(badRole.status != 0 && badRole.stderr.contains("roles[0]"))

        let token = try run(["users", "token", "ict@council.example.gov.uk"], data: data)
        #expect(token.status == 0)
        #expect(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("sc_"), "stdout is only the token: \(token.stdout)")
        #expect(token.stdout.split(separator: "\n").count == 1)
        #expect(try run(["users", "token", "nobody@council.example.gov.uk"], data: data).status != 0)

        let ok = try run(["audit", "verify"], data: data)
        #expect(ok.status == 0 && ok.stdout.contains("Audit chain intact: 3 links"))

        // Someone edits the trail directly in the database file.
        let store = try StoreDatabase(.sqlite(path: data + "/safecomms.sqlite"))
        try await (store.db as! any SQLDatabase).raw("UPDATE audit_events SET action = 'staff.delete' WHERE seq = 2").run()
        await store.shutdown()
        let broken = try run(["audit", "verify"], data: data)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("link 2 was altered"))
    }
}
