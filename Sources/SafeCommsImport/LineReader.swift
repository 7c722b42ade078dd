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
    /// A line longer than this is an error, not a reason to hold the whole file.
    public static let maxLineBytes = 1 << 20
    static let chunkBytes = 1 << 16

    public init(path: String) { source = .file(path) }
    public init(bytes: [UInt8]) { source = .bytes(bytes) }
    public init(_ text: String) { source = .bytes(Array(text.utf8)) }

    /// Calls `body` with each line and its number; stops early when `body` returns false.
    public func forEachLine(_ body: (ArraySlice<UInt8>, Int) throws -> Bool) throws {
        var carry: [UInt8] = []
        var number = 0
        var pendingCR = false
        func deliver(_ chunk: ArraySlice<UInt8>) throws -> Bool {
            var start = chunk.startIndex
            var i = start
            while i < chunk.endIndex {
                let b = chunk[i]
                if pendingCR {
                    pendingCR = false
                    if b == 0x0A {  // the LF of a CRLF split across chunks
                        i += 1
                        start = i
                        continue
                    }
                }
                if b == 0x0A || b == 0x0D {
                    number += 1
                    let keep: Bool
                    if carry.isEmpty {
                        keep = try body(chunk[start..<i], number)
                    } else {
                        carry.append(contentsOf: chunk[start..<i])
                        keep = try body(carry[...], number)
                        carry.removeAll(keepingCapacity: true)
                    }
                    if !keep { return false }
                    if b == 0x0D {
                        if i + 1 < chunk.endIndex { if chunk[i + 1] == 0x0A { i += 1 } } else { pendingCR = true }
                    }
                    i += 1
                    start = i
                    continue
                }
                i += 1
            }
            carry.append(contentsOf: chunk[start..<chunk.endIndex])
            if carry.count > Self.maxLineBytes { throw ImportError(line: number + 1, reason: "a line is longer than \(Self.maxLineBytes / 1024) KB") }
            return true
        }
        switch source {
        case .bytes(let all):
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + Self.chunkBytes)
                if try !deliver(all[offset..<end]) { return }
                offset = end
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError(line: 0, reason: "cannot open \(path)") }
            defer { try? handle.close() }
            while let data = try handle.read(upToCount: Self.chunkBytes), !data.isEmpty {
                if try !data.withUnsafeBytes({ try deliver(Array($0.bindMemory(to: UInt8.self))[...]) }) { return }
            }
        }
        if !carry.isEmpty {
            number += 1
            _ = try body(carry[...], number)
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
