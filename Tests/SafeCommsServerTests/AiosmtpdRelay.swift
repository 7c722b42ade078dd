import Foundation

/// aiosmtpd (PyPI), the mail relay a council might run, started on loopback by `Tests/Fixtures/smtp/relay.py`
/// with STARTTLS and AUTH (or, `plain`, with neither). The Python it runs is `SAFECOMMS_TEST_PYTHON`,
/// else the repository's `.venv/bin/python` (`.ci/run` installs aiosmtpd and trustme there).
final class AiosmtpdRelay: @unchecked Sendable {
    static let user = "safecomms"
    static let password = "relay-password"

    /// The Python with aiosmtpd, or nil when this machine has none (the tests that need it are skipped
    /// outside CI; `.ci/run` always has it).
    static var python: String? {
        let env = ProcessInfo.processInfo.environment["SAFECOMMS_TEST_PYTHON"]
        let local = repository + "/.venv/bin/python"
        if let env, !env.isEmpty { return env }
        return FileManager.default.isExecutableFile(atPath: local) ? local : nil
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let directory: String
    let port: Int
    private let process: Process
    private let input: Pipe

    /// The relay's certificate authority (PEM), to trust for its certificate.
    var caFile: String { directory + "/ca.pem" }

    init(plain: Bool = false) throws {
        guard let python = Self.python else { throw RelayError("no Python with aiosmtpd: set SAFECOMMS_TEST_PYTHON") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.repository + "/Tests/Fixtures/smtp/relay.py", directory] + (plain ? ["--plain"] : [])
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // "READY <port>", once it listens.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else { throw RelayError("the relay stopped before it was ready") }
            line.append(more)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "READY", let port = Int(words[1]) else {
            throw RelayError("the relay said \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    struct Message: Decodable {
        var from: String
        var to: [String]
        var data: String
        var tls: Bool
        var authenticated: Bool

        func header(_ name: String) -> String? {
            for line in data.components(separatedBy: "\r\n").prefix(while: { !$0.isEmpty }) {
                guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else {
                    continue
                }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
    }

    struct Auth: Decodable {
        var mechanism: String
        var ok: Bool
        var tls: Bool
    }

    var messages: [Message] { read("messages.jsonl") }
    var authAttempts: [Auth] { read("auth.jsonl") }

    private func read<T: Decodable>(_ name: String) -> [T] {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONDecoder().decode(T.self, from: Data($0.utf8))
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct RelayError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
