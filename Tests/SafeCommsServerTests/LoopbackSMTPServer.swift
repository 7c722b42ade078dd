import Foundation
import NIOCore
import NIOPosix

@testable import SafeCommsServer

/// A real SMTP server on 127.0.0.1 for tests: it speaks enough of RFC 5321 for a client to deliver
/// (EHLO/HELO, MAIL, RCPT, DATA, QUIT, RSET, NOOP) and keeps what it received.
final class LoopbackSMTPServer: Sendable {
    struct Received: Sendable {
        var from: String
        var to: [String]
        /// The DATA section as sent, dot-stuffing undone, lines joined by CRLF.
        var data: String

        var headers: [String: String] {
            var out: [String: String] = [:]
            for line in data.components(separatedBy: "\r\n").prefix(while: { !$0.isEmpty }) {
                if let colon = line.firstIndex(of: ":") {
                    out[String(line[..<colon]).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                        in: .whitespaces
                    )
                }
            }
            return out
        }
        var body: String { data.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
    }

    actor Mailbox {
        var messages: [Received] = []
        func add(_ m: Received) { messages.append(m) }
    }

    let mailbox = Mailbox()
    let port: Int
    private let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let task: Task<Void, Never>

    /// Binds `port` (0: any free port).
    init(port: Int = 0) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        self.port = channel.channel.localAddress?.port ?? 0
        let mailbox = self.mailbox
        let server = channel
        task = Task {
            try? await server.executeThenClose { clients in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await client in clients { group.addTask { await Self.serve(client, into: mailbox) } }
                    } catch {}
                }
            }
        }
    }

    func stop() async {
        try? await channel.channel.close()
        task.cancel()
        _ = await task.value
    }

    var messages: [Received] { get async { await mailbox.messages } }

    private static func serve(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>, into mailbox: Mailbox) async {
        try? await client.executeThenClose { inbound, outbound in
            var lines = SMTPLineReader(inbound)
            func say(_ s: String) async throws { try await outbound.write(ByteBuffer(string: s + "\r\n")) }
            try await say("220 loopback ESMTP test")
            var from = "", to: [String] = []
            while let line = try await lines.next() {
                let verb = line.prefix(4).uppercased()
                switch verb {
                case "EHLO": try await say("250-loopback\r\n250 8BITMIME")
                case "HELO": try await say("250 loopback")
                case "MAIL":
                    from = Self.address(line)
                    to = []
                    try await say("250 OK")
                case "RCPT":
                    to.append(Self.address(line))
                    try await say("250 OK")
                case "DATA":
                    guard !to.isEmpty else {
                        try await say("503 RCPT first")
                        continue
                    }
                    try await say("354 end with .")
                    var data: [String] = []
                    while let l = try await lines.next(), l != "." {
                        data.append(l.hasPrefix("..") ? String(l.dropFirst()) : l)
                    }
                    await mailbox.add(Received(from: from, to: to, data: data.joined(separator: "\r\n")))
                    try await say("250 queued")
                case "RSET", "NOOP": try await say("250 OK")
                case "QUIT":
                    try await say("221 bye")
                    return
                default: try await say("500 unknown command")
                }
            }
        }
    }

    private static func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else { return "" }
        return String(line[line.index(after: open)..<close])
    }
}
