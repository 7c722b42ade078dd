import Foundation
import NIOCore
import NIOPosix

/// Where e-mail goes: a council's internal relay (`SAFECOMMS_SMTP_HOST`, `_PORT`, `_FROM`).
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var from: String

    public init(host: String, port: Int = 25, from: String) {
        self.host = host
        self.port = port
        self.from = from
    }
}

/// An e-mail ready to send.
struct MailMessage: Sendable, Equatable {
    var to: String
    var subject: String
    var body: String
    /// LIN-10: "an urgent email": marked high priority for mail clients.
    var urgent: Bool
}

/// A small SMTP client (RFC 5321) for the organisation's relay: EHLO, MAIL, RCPT, DATA, QUIT, one
/// message per connection. Plain SMTP to an internal relay is how council systems hand mail on; the
/// notices it carries hold no personal data (see `MessageNotice`), so TLS to the relay is left to a
/// later issue.
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
                guard codes.contains(reply.code) else { throw SMTPError.rejected(command: command, reply: reply.text) }
            }
            func say(_ line: String, expecting codes: Set<Int>) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                try await expect(codes, after: String(line.prefix { $0 != " " && $0 != ":" }))
            }
            try await expect([220], after: "the greeting")
            try await say("EHLO \(Self.heloName(settings.from))", expecting: [250])
            try await say("MAIL FROM:<\(settings.from)>", expecting: [250])
            try await say("RCPT TO:<\(message.to)>", expecting: [250, 251])
            try await say("DATA", expecting: [354])
            try await outbound.write(ByteBuffer(string: Self.data(message, from: settings.from, now: now)))
            try await expect([250], after: "the message")
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    /// One reply, which may run over several lines ("250-…" then "250 …").
    static func reply(_ lines: inout SMTPLineReader) async throws -> (code: Int, text: String) {
        var text: [String] = []
        while let line = try await lines.next() {
            guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPError.protocolError("an unreadable reply")
            }
            text.append(String(line.dropFirst(4)))
            if line.utf8.count == 3 || line.dropFirst(3).first == " " { return (code, text.joined(separator: " ")) }
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
            "Message-ID: <\(UUID().uuidString.lowercased())@\(heloName(from))>",
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
