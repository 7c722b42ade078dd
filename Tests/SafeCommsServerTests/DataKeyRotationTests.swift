import Foundation
import SQLKit
import Testing
import Vapor

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// `safecomms keys rotate` run beside a running `safecomms serve`, as an operator would: the server
/// goes on reading every value and takes up the new key without a restart, the chain still verifies,
/// and a value changed on disk is named rather than sealed again.
@Suite struct DataKeyRotationTests {
    @Test func rotationBesideARunningServer() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-keys-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data", keyFile = root + "/secrets/data.key"
        let env = ["SAFECOMMS_DATA_KEY_FILE": keyFile]
        let cli = CLITests()
        let add = try cli.run(
            [
                "users", "add", "ida@council.example.gov.uk", "--name", "Ida Admin", "--roles", "admin,dsl",
                "--organisation", "Example Council",
            ],
            data: data,
            environment: env
        )
        #expect(add.status == 0, "\(add.stderr)")
        let token =
            try cli.run(["users", "token", "ida@council.example.gov.uk"], data: data, environment: env).stdout
            .split(separator: "\n").last.map(String.init) ?? ""
        #expect(
            FileManager.default.fileExists(atPath: keyFile)
                && !FileManager.default.fileExists(atPath: data + "/data.key"),
            "the key is made where SAFECOMMS_DATA_KEY_FILE says, not in the data directory"
        )
        let firstKey = try DataKeyFile.load(path: keyFile)[0]

        var config = ServerConfig(dataDirectory: data)
        config.dataKeyFile = keyFile
        let server = try ServeProcess(config: config, keyHex: nil, isolation: "read_committed")
        defer { server.stop() }
        let app = try await Application.make(.testing)
        do {
            try await server.waitUntilReady(app)
            func send(_ method: HTTPMethod, _ path: String, _ json: String? = nil) async throws -> ClientResponse {
                try await app.client.send(
                    method,
                    headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                    to: URI(string: server.base + path)
                ) {
                    if let json { $0.body = ByteBuffer(string: json) }
                }
            }
            let made = try await send(
                .POST,
                "/api/v1/cases",
                #"{"reference":"EX-1","display_name":"Aisha A.","status":"child_in_need"}"#
            )
            #expect(made.status == .created, "\(made.body.map { String(buffer: $0) } ?? "")")
            let caseJSON =
                try JSONSerialization.jsonObject(with: Data(buffer: made.body ?? ByteBuffer())) as? [String: Any]
            let caseID = caseJSON?["id"] as? String ?? ""
            let person =
                #"{"role":"child","name":"Aisha Atkinson","date_of_birth":"2013-04-05","address":"12 Mill Lane, Northbridge"}"#
            #expect(try await send(.POST, "/api/v1/cases/\(caseID)/people", person).status == .created)

            let rotate = try cli.run(["keys", "rotate"], data: data, environment: env)
            #expect(rotate.status == 0, "\(rotate.stderr)")
            let keys = try DataKeyFile.load(path: keyFile)
            #expect(
                keys.count == 2 && keys[1] == firstKey,
                "the new key is first; the old one stays to open what it sealed"
            )
            #expect(
                rotate.stdout.contains("Data key \(keys[0].id): 5 values sealed under it"),
                "the case's name and the person's four fields: \(rotate.stdout)"
            )

            // The running server was not told: it reads the new key from the file when it first meets it.
            let people = try await send(.GET, "/api/v1/cases/\(caseID)/people")
            let body = people.body.map { String(buffer: $0) } ?? ""
            #expect(body.contains("Aisha Atkinson") && body.contains("2013-04-05"), "\(body)")
            let cases = try await send(.GET, "/api/v1/cases")
            #expect(cases.body.map { String(buffer: $0) }?.contains("Aisha A.") == true, "the case list reads too")
            // And seals what it writes from then on under it: nothing is left for a second pass.
            #expect(
                try await send(
                    .POST,
                    "/api/v1/cases/\(caseID)/people",
                    #"{"role":"parent_carer","name":"Dean Atkinson"}"#
                ).status == .created
            )
            let again = try cli.run(["keys", "rotate", "--resume"], data: data, environment: env)
            #expect(
                again.status == 0 && again.stdout.contains(": 0 values sealed under it"),
                "\(again.stdout) \(again.stderr)"
            )
            let verify = try cli.run(["audit", "verify"], data: data, environment: env)
            #expect(verify.status == 0, "the records' digests hold through a rotation: \(verify.stderr)")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        server.stop()

        // A value changed on disk is left as it is and named.
        let store = try StoreDatabase(.sqlite(path: data + "/safecomms.sqlite"))
        let sql = store.db as! any SQLDatabase
        let row = try await sql.raw("SELECT id, name FROM case_people WHERE role = 'child'").first()!
        let id = try row.decode(column: "id", as: String.self), name = try row.decode(column: "name", as: String.self)
        #expect(SealedText.keyID(of: name) != nil && !name.contains("Aisha"), "stored sealed")
        try await sql.raw(
            "UPDATE case_people SET name = \(bind: String(name.dropLast(4)) + "AAA=") WHERE id = \(bind: id)"
        ).run()
        await store.shutdown()
        let damaged = try cli.run(["keys", "rotate"], data: data, environment: env)
        #expect(damaged.status == 2)
        #expect(
            damaged.stderr.contains("case_people \(id.lowercased()) name: changed after it was sealed"),
            "\(damaged.stderr)"
        )
    }
}
