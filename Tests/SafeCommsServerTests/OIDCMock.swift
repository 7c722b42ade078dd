import Foundation

/// oidc-provider-mock (PyPI), a real OpenID Connect provider, started on loopback by
/// `Tests/Fixtures/oidc/provider.py` with the Python `.ci/run` installs it in (`SAFECOMMS_TEST_PYTHON`).
/// Anyone may sign in as any subject, whose `email` claim is the subject itself.
final class OIDCMock: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let input: Pipe

    /// Its issuer: 127.0.0.1 throughout, since the mock names itself after the address it is asked at.
    var issuer: String { "http://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - tokenSeconds: how long its ID tokens last (negative: already expired when issued).
    ///   - forgedKeys: it publishes a key it does not sign with.
    init(tokenSeconds: Int = 300, forgedKeys: Bool = false) throws {
        guard let python = AiosmtpdRelay.python else {
            throw AiosmtpdRelay.RelayError("no Python with oidc-provider-mock: set SAFECOMMS_TEST_PYTHON")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [AiosmtpdRelay.repository + "/Tests/Fixtures/oidc/provider.py", "--token-seconds", String(tokenSeconds)]
            + (forgedKeys ? ["--forged-keys"] : [])
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else {
                throw AiosmtpdRelay.RelayError("the identity provider stopped before it was ready")
            }
            line.append(more)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "READY", let port = Int(words[1]) else {
            throw AiosmtpdRelay.RelayError("the identity provider said \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
