import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import SafeCommsServer

/// Long work a request starts runs off the event loops: while a large chat is read, the server keeps
/// answering. Counted, not timed: health checks answered while the import is still running. The
/// server is `safecomms serve` itself, since only there does Swift concurrency run on the event loops
/// (see `SafeComms.main`).
@Suite struct LongWorkTests {
    static let lines = 150_000

    @Test func healthChecksAreAnsweredWhileALargeChatIsRead() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await World.make(app)
            let server = try ServeProcess(
                config: app.safeCommsConfig,
                keyHex: app.auditKey.hex,
                isolation: "read_committed"
            )
            defer { server.stop() }
            try await server.waitUntilReady(app)
            let base = server.base
            // About 13 MB of chat: seconds of parsing.
            var chat = ""
            chat.reserveCapacity(14 << 20)
            for i in 0..<Self.lines {
                let h = (i / 60) % 24, m = i % 60
                chat +=
                    "12/03/2024, \(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m) - \(i % 2 == 0 ? "Jo Bloggs" : "Sam Parent"): message number \(i) about the review on Thursday\n"
            }
            let form = Multipart(
                fields: [("format", "whatsapp"), ("dry_run", "true")],
                file: ("chat.txt", Array(chat.utf8))
            )
            let importDone = NIOLockedValueBox(false)
            let importing = Task {
                defer { importDone.withLockedValue { $0 = true } }
                return try await app.client.post(
                    URI(string: base + "/api/v1/cases/\(world.north.caseA)/imports"),
                    headers: form.headers(token: world.north.token("practitioner"))
                ) {
                    $0.body = form.body
                }
            }
            var answeredDuring = 0
            // Each check on a new connection, so that the server hands them to every event loop in turn.
            while !importDone.withLockedValue({ $0 }) {
                let health = try await app.client.get(URI(string: base + "/healthz"), headers: ["Connection": "close"])
                #expect(health.status == .ok)
                if !importDone.withLockedValue({ $0 }) { answeredDuring += 1 }
            }
            let answer = try await importing.value
            #expect(answer.status == .unprocessableEntity || answer.status == .ok, "\(answer.status)")
            #expect(
                answer.body.map { String(buffer: $0) }?.contains("\"messages\":\(Self.lines)") == true,
                "the whole chat was read"
            )
            // Inline on an event loop, about twenty were answered before one reached the busy loop and
            // waited for the whole import; off it, well over a thousand.
            #expect(answeredDuring >= 200, "health checks answered while the chat was read: \(answeredDuring)")
        }
    }
}
