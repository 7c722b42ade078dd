import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import SafeCommsServer

/// STARTTLS response injection (CVE-2011-0411): a relay, or anyone on the path, that writes answers
/// after its "220" to STARTTLS and before TLS starts must not have them believed.
@Suite struct SMTPStartTLSTests {
    @Test func answersWrittenBeforeTLSStartsAreRefusedAndNothingMoreIsSaid() async throws {
        // setup: a relay that offers STARTTLS, then sends its 220 with a forged EHLO answer behind it.
        // Its own event loop: on the shared one, the rest of the suite under CI's load once starved the
        // exchange past the client's time limit.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let server = try await ServerBootstrap(group: group)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let port = try #require(server.channel.localAddress?.port)
        let heard = NIOLockedValueBox<[String]>([])
        let relay = Task {
            try await server.executeThenClose { clients in
                for try await client in clients {
                    try await client.executeThenClose { inbound, outbound in
                        try await outbound.write(ByteBuffer(string: "220 relay ready\r\n"))
                        var lines = SMTPLineReader(inbound)
                        while let line = try await lines.next() {
                            heard.withLockedValue { $0.append(line) }
                            let answer =
                                line.hasPrefix("EHLO")
                                ? "250-relay\r\n250 STARTTLS\r\n"
                                : line == "STARTTLS" ? "220 go ahead\r\n250-relay\r\n250 AUTH PLAIN\r\n" : "500 no\r\n"
                            try await outbound.write(ByteBuffer(string: answer))
                        }
                    }
                    return
                }
            }
        }
        let client = SMTPClient(
            settings: SMTPSettings(
                host: "127.0.0.1",
                port: port,
                from: "safecomms@north.example.org",
                security: .starttls,
                username: "safecomms",
                password: "relay-password"
            ),
            group: group,
            timeoutSeconds: 60
        )

        // MUT
        var refusal = ""
        do {
            try await client.send(
                MailMessage(to: "sam@example.org", subject: "Thursday", body: "See you", urgent: false)
            )
        } catch {
            refusal = "\(error)"
        }
        try? await relay.value

        // validation: refused, and after STARTTLS nothing more was said (no AUTH, no password)
        #expect(refusal.contains("more after agreeing to STARTTLS"), "\(refusal)")
        #expect(heard.withLockedValue { $0 } == ["EHLO north.example.org", "STARTTLS"])
    }
}
