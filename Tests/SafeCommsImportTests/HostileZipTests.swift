import Foundation
import Testing
import ZIPFoundation

@testable import SafeCommsImport

/// Zips made to cost the server: one that unpacks to far more than a chat ever does, and one whose
/// directory declares a small chat but holds a large one. Each is refused by name before it is
/// unpacked in full.
@Suite struct HostileZipTests {
    func zip(_ text: [UInt8], name: String = "_chat.txt") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).zip")
        let archive = try Archive(url: url, accessMode: .create)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(text.count), compressionMethod: .deflate)
        { position, size in
            Data(text[Int(position)..<Int(position) + size])
        }
        return url
    }

    /// Writes `size` over the entry's uncompressed size, in its local header and in the central directory.
    func declare(_ size: UInt32, in url: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        func put(_ at: Int) { for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(i))) } }
        for i in 0..<(bytes.count - 4) {
            let sig =
                UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            if sig == 0x0403_4B50 { put(i + 22) }
            if sig == 0x0201_4B50 { put(i + 24) }
        }
        try Data(bytes).write(to: url)
    }

    static let line = Array("[02/11/2026, 10:15:00] Jo Bloggs: See you on Thursday at four\n".utf8)

    @Test func aZipThatUnpacksFarBeyondAChatIsRefused() throws {
        let url = try zip(Array(repeating: UInt8(ascii: "a"), count: 20 << 20))
        defer { try? FileManager.default.removeItem(at: url) }
        let refused = #expect(throws: ImportError.self) { try ImportFile(path: url.path) }
        #expect(
            refused?.reason.contains("times its packed size, more than the 100 a chat ever does") == true,
            "\(String(describing: refused))"
        )
    }

    @Test func aZipHoldingMoreThanItDeclaresIsRefused() throws {
        var text: [UInt8] = []
        var rng = SystemRandomNumberGenerator()
        // Varied enough that it packs like a real chat (well under a hundredfold).
        while text.count < 4 << 20 {
            text += Self.line + Array(String(UInt64.random(in: 0...UInt64.max, using: &rng)).utf8) + [0x0A]
        }
        let url = try zip(text)
        defer { try? FileManager.default.removeItem(at: url) }
        try declare(100_000, in: url)
        let refused = #expect(throws: ImportError.self) { try ImportFile(path: url.path) }
        #expect(
            refused?.reason.contains("holds more than the 100000 bytes its directory declares") == true,
            "\(String(describing: refused))"
        )
    }

    @Test func anHonestZipStillOpens() throws {
        let url = try zip(Array(Self.line))
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try ImportFile(path: url.path)
        defer { file.close() }
        var lines = 0
        try file.reader.forEachLine { _, _ in
            lines += 1
            return true
        }
        #expect(lines == 1)
    }
}
