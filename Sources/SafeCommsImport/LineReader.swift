import Foundation

/// Reads text a line at a time from a file or from bytes in memory, in fixed-size chunks, so memory
/// stays constant however long the file is. A line is handed over without its line end (LF, CRLF or a
/// lone CR); numbering starts at 1. A file can be read again from the start (some formats decide
/// things from the whole file first).
public struct LineReader: Sendable {
    enum Source: Sendable {
        case file(String)
        case bytes([UInt8])
    }

    let source: Source
    /// Told the bytes read so far after each chunk of a file, for a progress bar (`safecomms import`
    /// and `reconcile` on a terminal); a file read twice counts from zero again.
    public var onBytesRead: (@Sendable (Int) -> Void)?
    /// A line longer than this is an error, not a reason to hold the whole file.
    public static let maxLineBytes = 1 << 20
    static let chunkBytes = 1 << 16

    public init(path: String) { source = .file(path) }
    public init(bytes: [UInt8]) { source = .bytes(bytes) }
    public init(_ text: String) { source = .bytes(Array(text.utf8)) }

    /// Calls `body` with each line and its number; stops early when `body` returns false.
    public func forEachLine(_ body: (ArraySlice<UInt8>, Int) throws -> Bool) throws {
        var splitter = Splitter()
        switch source {
        case .bytes(let all):
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + Self.chunkBytes)
                if try !splitter.deliver(all, offset..<end, body) { return }
                offset = end
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ImportError(line: 0, reason: "cannot open \(path)")
            }
            defer { try? handle.close() }
            // One buffer, refilled: a line handed over is a slice of it, and a caller that keeps one
            // keeps a copy (arrays copy on write).
            var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
            var total = 0
            while true {
                let count = try chunk.withUnsafeMutableBytes { raw in
                    while true {
                        let n = read(handle.fileDescriptor, raw.baseAddress, raw.count)
                        if n >= 0 { return n }
                        if errno != EINTR {
                            throw ImportError(
                                line: splitter.number + 1,
                                reason: "cannot read \(path): \(String(cString: strerror(errno)))"
                            )
                        }
                    }
                }
                if count == 0 { break }
                total += count
                onBytesRead?(total)
                if try !splitter.deliver(chunk, 0..<count, body) { return }
            }
        }
        try splitter.finish(body)
    }

    /// Cuts chunks into lines. A struct with its own state, not a closure over the caller's variables:
    /// those were checked for exclusive access at every byte, a fifth of the time to parse a chat.
    struct Splitter {
        var carry: [UInt8] = []
        var number = 0
        /// The chunk before ended in a CR whose LF, if any, starts this one.
        var pendingCR = false

        mutating func deliver(
            _ chunk: [UInt8],
            _ range: Range<Int>,
            _ body: (ArraySlice<UInt8>, Int) throws -> Bool
        ) throws -> Bool {
            var i = range.lowerBound
            if pendingCR {
                pendingCR = false
                if i < range.upperBound, chunk[i] == 0x0A { i += 1 }
            }
            var start = i
            // Line ends found with memchr; a CR is looked for only once the last one found is passed,
            // so a file without CRs costs one search per chunk for them.
            var nextCR = -1
            while i < range.upperBound {
                let lf = Self.find(0x0A, in: chunk, from: i, to: range.upperBound)
                if nextCR < i { nextCR = Self.find(0x0D, in: chunk, from: i, to: range.upperBound) }
                let end = min(lf, nextCR)
                if end == range.upperBound { break }
                number += 1
                // The same limit whether the line came in one chunk or several.
                if end - start + carry.count > LineReader.maxLineBytes {
                    throw ImportError(
                        line: number,
                        reason: "a line is longer than \(LineReader.maxLineBytes / 1024) KB"
                    )
                }
                let keep: Bool
                if carry.isEmpty {
                    keep = try body(chunk[start..<end], number)
                } else {
                    carry.append(contentsOf: chunk[start..<end])
                    keep = try body(carry[...], number)
                    carry.removeAll(keepingCapacity: true)
                }
                if !keep { return false }
                i = end + 1
                if chunk[end] == 0x0D {
                    if i < range.upperBound {
                        if chunk[i] == 0x0A { i += 1 }
                    } else {
                        pendingCR = true
                    }
                }
                start = i
            }
            carry.append(contentsOf: chunk[start..<range.upperBound])
            if carry.count > LineReader.maxLineBytes {
                throw ImportError(
                    line: number + 1,
                    reason: "a line is longer than \(LineReader.maxLineBytes / 1024) KB"
                )
            }
            return true
        }

        mutating func finish(_ body: (ArraySlice<UInt8>, Int) throws -> Bool) throws {
            guard !carry.isEmpty else { return }
            number += 1
            if carry.count > LineReader.maxLineBytes {
                throw ImportError(line: number, reason: "a line is longer than \(LineReader.maxLineBytes / 1024) KB")
            }
            _ = try body(carry[...], number)
        }

        /// The index of the first `byte` in `chunk[from..<to]`, or `to`.
        static func find(_ byte: UInt8, in chunk: [UInt8], from: Int, to: Int) -> Int {
            chunk.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress, let hit = memchr(base + from, Int32(byte), to - from) else { return to }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
        }
    }
}

/// A problem in an imported file: where (line, or byte offset for binary formats) and what is wrong.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}
