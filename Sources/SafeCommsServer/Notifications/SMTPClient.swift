import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where e-mail goes: a council's relay (`SAFECOMMS_SMTP_HOST`, `_PORT`, `_FROM`), optionally over
/// TLS (`SAFECOMMS_SMTP_TLS=starttls`) and signed in (`SAFECOMMS_SMTP_USERNAME`, `_PASSWORD`).
public struct SMTPSettings: Sendable, Equatable {
    /// How the connection to the relay is protected.
    public enum Security: String, Sendable, Equatable {
        /// Plain SMTP, for a relay inside the council's own network.
        case none
        /// STARTTLS (RFC 3207) before anything else is said: a relay that does not offer it is refused.
        case starttls
    }

    public var host: String
    public var port: Int
    public var from: String
    public var security: Security
    /// AUTH PLAIN (RFC 4954), only ever after STARTTLS.
    public var username: String?
    public var password: String?
    /// PEM certificates to trust for the relay besides the system's (a council's own authority).
    public var caFile: String?

    public init(
        host: String,
        port: Int = 25,
        from: String,
        security: Security = .none,
        username: String? = nil,
        password: String? = nil,
        caFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
    }

    /// What is wrong with these settings, in the words of the variables an administrator sets.
    public var problem: String? {
        if username != nil, security != .starttls {
            return "SAFECOMMS_SMTP_USERNAME needs SAFECOMMS_SMTP_TLS=starttls: a password is never sent unencrypted"
        }
        if (username == nil) != (password == nil) {
            return "SAFECOMMS_SMTP_USERNAME and SAFECOMMS_SMTP_PASSWORD go together"
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            return "SAFECOMMS_SMTP_CA_FILE names a file that cannot be read"
        }
        return nil
    }
}

/// An e-mail ready to send.
struct MailMessage: Sendable, Equatable {
    var to: String
    var subject: String
    var body: String
    /// LIN-10: "an urgent email": marked high priority for mail clients.
    var urgent: Bool
    /// The Message-ID's left part; a new one when nil. A case's e-mail uses its own id, so a copy sent
    /// twice (see `RelayTransport`) is recognisably the same message.
    var messageID: String? = nil
}

/// A small SMTP client (RFC 5321) for the organisation's relay: EHLO, then STARTTLS and EHLO again
/// and AUTH PLAIN when the settings ask, MAIL, RCPT, DATA, QUIT, one message per connection. Plain
/// SMTP to a relay inside the council's network is how many council systems hand mail on; a relay
/// elsewhere, or one that needs signing in to, gets TLS first (the certificate is checked against the
/// host name), and the password never goes unencrypted.
struct SMTPClient: Sendable {
    let settings: SMTPSettings
    let group: any EventLoopGroup
    var timeoutSeconds = 20

    func send(_ message: MailMessage, now: Date = Date()) async throws {
        let seconds = timeoutSeconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.converse(message, now: now) }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw SMTPError.timedOut(seconds: seconds)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func converse(_ message: MailMessage, now: Date) async throws {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var lines = SMTPLineReader(inbound)
            func expect(_ codes: Set<Int>, after command: String) async throws {
                let reply = try await Self.reply(&lines)
                guard codes.contains(reply.code) else {
                    throw SMTPError.rejected(command: command, code: reply.code, reply: reply.text)
                }
            }
            func say(_ line: String, expecting codes: Set<Int>) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                try await expect(codes, after: String(line.prefix { $0 != " " && $0 != ":" }))
            }
            try await expect([220], after: "the greeting")
            let helo = "EHLO \(Self.heloName(settings.from))"
            var offered = try await ask(helo, &lines, outbound, expecting: [250])
            if settings.security == .starttls {
                guard offered.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPError.protocolError("the mail server does not offer STARTTLS, which the settings require")
                }
                try await say("STARTTLS", expecting: [220])
                // Anything already sent after the 220 came before TLS, where anyone on the path could
                // have written it; read as the server's answers it would be trusted (CVE-2011-0411).
                guard lines.isEmpty else {
                    throw SMTPError.protocolError("the mail server sent more after agreeing to STARTTLS")
                }
                let context = try tlsContext(), name = Self.sniName(settings.host), raw = channel.channel
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: name),
                        position: .first
                    )
                }.get()
                offered = try await ask(helo, &lines, outbound, expecting: [250])
            }
            if let username = settings.username, let password = settings.password {
                guard offered.contains(where: { Self.offersPlain($0) }) else {
                    throw SMTPError.protocolError("the mail server does not offer AUTH PLAIN")
                }
                let credentials = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try await outbound.write(ByteBuffer(string: "AUTH PLAIN \(credentials)\r\n"))
                // The command holds the password: the error names AUTH only.
                try await expect([235], after: "AUTH")
            }
            try await say("MAIL FROM:<\(settings.from)>", expecting: [250])
            try await say("RCPT TO:<\(message.to)>", expecting: [250, 251])
            try await say("DATA", expecting: [354])
            try await outbound.write(ByteBuffer(string: Self.data(message, from: settings.from, now: now)))
            try await expect([250], after: "the message")
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    /// Says `command` and returns the reply's lines (EHLO's are what the server offers).
    private func ask(
        _ command: String,
        _ lines: inout SMTPLineReader,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        expecting codes: Set<Int>
    ) async throws -> [String] {
        try await outbound.write(ByteBuffer(string: command + "\r\n"))
        let reply = try await Self.reply(&lines)
        guard codes.contains(reply.code) else {
            throw SMTPError.rejected(command: "EHLO", code: reply.code, reply: reply.text)
        }
        return reply.lines
    }

    /// TLS as a client: the system's roots and the configured authority, the host name checked.
    private func tlsContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile = settings.caFile {
            tls.additionalTrustRoots = [.file(caFile)]
        }
        return try NIOSSLContext(configuration: tls)
    }

    /// SNI carries a name, never an address (RFC 6066 3); the certificate is checked against either.
    static func sniName(_ host: String) -> String? {
        host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
    }

    /// An EHLO line such as "AUTH LOGIN PLAIN" or "AUTH=PLAIN".
    static func offersPlain(_ line: String) -> Bool {
        let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" })
        return words.first == "AUTH" && words.dropFirst().contains("PLAIN")
    }

    /// One reply, which may run over several lines ("250-…" then "250 …").
    static func reply(_ lines: inout SMTPLineReader) async throws -> (code: Int, text: String, lines: [String]) {
        var text: [String] = []
        while let line = try await lines.next() {
            guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPError.protocolError("an unreadable reply")
            }
            text.append(String(line.dropFirst(4)))
            if line.utf8.count == 3 || line.dropFirst(3).first == " " {
                return (code, text.joined(separator: " "), text)
            }
        }
        throw SMTPError.protocolError("the server closed the connection")
    }

    static func heloName(_ from: String) -> String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        return domain.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" } ? domain : "localhost"
    }

    /// The DATA section: headers, a blank line, the body with lines starting "." doubled (RFC 5321
    /// 4.5.2), CRLF line ends, and the closing ".". Header values are single lines: a CR or LF in a
    /// subject could otherwise add headers.
    static func data(_ m: MailMessage, from: String, now: Date) -> String {
        func header(_ value: String) -> String {
            value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        }
        func encodedWord(_ value: String) -> String {
            let v = header(value)
            return v.unicodeScalars.allSatisfy({ $0.isASCII }) ? v : "=?UTF-8?B?\(Data(v.utf8).base64EncodedString())?="
        }
        var lines = [
            "From: SafeComms <\(from)>",
            "To: <\(header(m.to))>",
            "Subject: \(encodedWord(m.subject))",
            "Date: \(rfc5322Date(now))",
            "Message-ID: <\(m.messageID ?? UUID().uuidString.lowercased())@\(heloName(from))>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        if m.urgent { lines += ["Importance: high", "X-Priority: 1 (Highest)"] }
        lines.append("")
        for line in m.body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n",
            omittingEmptySubsequences: false
        ) {
            lines.append(line.hasPrefix(".") ? "." + line : String(line))
        }
        return lines.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    static func rfc5322Date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: d)
    }
}
