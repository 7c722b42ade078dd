import NIOCore

/// Reads CRLF-terminated lines from a connection's inbound bytes (SMTP is line-based both ways).
/// A line longer than `limit` is an error, so a broken peer cannot grow the buffer without end.
struct SMTPLineReader {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var buffer = ByteBuffer()
    let limit: Int

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, limit: Int = 64 * 1024) {
        iterator = inbound.makeAsyncIterator()
        self.limit = limit
    }

    /// Whether nothing read from the connection is waiting to be returned as a line.
    var isEmpty: Bool { buffer.readableBytes == 0 }

    /// The next line without its CRLF (a bare LF is accepted too), or nil when the peer closed.
    mutating func next() async throws -> String? {
        while true {
            if let lf = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = lf - buffer.readerIndex
                var line = buffer.readString(length: length) ?? ""
                buffer.moveReaderIndex(forwardBy: 1)
                if line.hasSuffix("\r") { line.removeLast() }
                buffer.discardReadBytes()
                return line
            }
            guard buffer.readableBytes <= limit else {
                throw SMTPError.protocolError("a line longer than \(limit) bytes")
            }
            guard var more = try await iterator.next() else { return nil }
            buffer.writeBuffer(&more)
        }
    }
}

enum SMTPError: Error, CustomStringConvertible {
    /// The server answered with a code we did not expect (5xx: it will never take it as it is).
    case rejected(command: String, code: Int, reply: String)
    case protocolError(String)
    case timedOut(seconds: Int)

    var description: String {
        switch self {
        case .rejected(let command, _, let reply): "the mail server refused \(command): \(reply.prefix(200))"
        case .protocolError(let what): "mail server protocol error: \(what)"
        case .timedOut(let s): "the mail server did not finish within \(s) seconds"
        }
    }
}
