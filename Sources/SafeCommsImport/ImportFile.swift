import Crypto
import Foundation
import SafeCommsCore
import ZIPFoundation

/// A file shared in a WhatsApp export: its size, and the SHA-256 of its bytes, read through once and
/// never written anywhere, so that the police can be told exactly which file a message carried
/// (PD-2.3) without SafeComms ever holding an image.
public struct MediaFile: Sendable, Equatable {
    public var bytes: UInt64
    /// Lower-case hex; nil when the entry claims to unpack to more than a media file does.
    public var sha256: String?

    public init(bytes: UInt64, sha256: String? = nil) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// A file given to import, opened for reading. A WhatsApp export shared "with media" is a .zip: its
/// chat text is unpacked to a private temporary file (the text is read twice, and a zip entry can
/// only be read from its start), and its media are listed by name and size but never unpacked or
/// kept: a photo in a chat with a child may be one we must never store.
public final class ImportFile: Sendable {
    public let reader: LineReader
    /// The export's media by file name (empty for anything but a .zip).
    public let media: [String: MediaFile]
    private let temporary: URL?

    /// The chat text inside a .zip may be no larger than this: a bigger one is an archive made to
    /// fill the disk, not a chat (WhatsApp exports at most 40,000 messages, a few megabytes).
    public static let maxChatBytes: UInt64 = 256 << 20
    /// Chat text packs to about a fifth of its size, rarely a tenth; an entry that unpacks to more than
    /// this many times its packed size is built to cost the server, not a chat.
    public static let maxExpansion: UInt64 = 100
    /// A media file is digested only up to this size (WhatsApp sends at most 2 GB).
    public static let maxMediaBytes: UInt64 = 2 << 30

    public init(bytes: [UInt8]) {
        reader = LineReader(bytes: bytes)
        media = [:]
        temporary = nil
    }

    /// Opens `path`, unpacking it first when it is a zip (told by its first bytes, not its name).
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(line: 0, reason: "cannot open \(path)")
        }
        let magic = try handle.read(upToCount: 4) ?? Data()
        try? handle.close()
        guard magic == Data([0x50, 0x4B, 0x03, 0x04]) else {
            reader = LineReader(path: path)
            media = [:]
            temporary = nil
            return
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ImportError(
                line: 0,
                reason: "\(URL(fileURLWithPath: path).lastPathComponent) is not a zip file that can be read: \(error)"
            )
        }
        let files = archive.filter { $0.type == .file && !$0.path.hasPrefix("__MACOSX/") }
        // The chat is the one text file: `_chat.txt` from an iPhone, `WhatsApp Chat with NAME.txt` from Android.
        let texts = files.filter { $0.path.lowercased().hasSuffix(".txt") }
        let chat =
            texts.first { ($0.path as NSString).lastPathComponent == "_chat.txt" }
            ?? (texts.count == 1 ? texts[0] : nil)
        guard let chat else {
            throw ImportError(
                line: 0,
                reason: texts.isEmpty
                    ? "the zip holds no chat text (_chat.txt or 'WhatsApp Chat with … .txt'): is it a WhatsApp export?"
                    : "the zip holds \(texts.count) text files (\(texts.map(\.path).joined(separator: ", "))) and none is _chat.txt: which is the chat?"
            )
        }
        guard chat.uncompressedSize <= Self.maxChatBytes else {
            throw ImportError(
                line: 0,
                reason:
                    "the chat text in the zip is \(chat.uncompressedSize / (1 << 20)) MB, more than \(Self.maxChatBytes / (1 << 20)) MB"
            )
        }
        guard chat.uncompressedSize <= max(chat.compressedSize, 1) * Self.maxExpansion else {
            throw ImportError(
                line: 0,
                reason:
                    "the chat text in the zip unpacks to \(chat.uncompressedSize / max(chat.compressedSize, 1)) times its packed size, more than the \(Self.maxExpansion) a chat ever does: it is not a WhatsApp export"
            )
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-import-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(
            at: folder,
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o700]
        )
        let text = folder.appendingPathComponent("chat.txt")
        do {
            guard
                FileManager.default.createFile(
                    atPath: text.path,
                    contents: nil,
                    attributes: [.posixPermissions: 0o600]
                ),
                let out = FileHandle(forWritingAtPath: text.path)
            else { throw ImportError(line: 0, reason: "cannot write a temporary file in \(folder.path)") }
            defer { try? out.close() }
            var written: UInt64 = 0
            // The size in the zip's directory can lie; the bytes unpacked are counted, and unpacking
            // stops at the first byte past the size declared.
            let declared = chat.uncompressedSize
            _ = try archive.extract(chat, skipCRC32: false) { data in
                written += UInt64(data.count)
                guard written <= declared else {
                    throw ImportError(
                        line: 0,
                        reason:
                            "the chat text in the zip holds more than the \(declared) bytes its directory declares: the zip has been tampered with"
                    )
                }
                try out.write(contentsOf: data)
            }
        } catch let e as ImportError {
            try? FileManager.default.removeItem(at: folder)
            throw e
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw ImportError(line: 0, reason: "the chat text in the zip cannot be unpacked: \(error)")
        }
        reader = LineReader(path: text.path)
        temporary = folder
        var listed: [String: MediaFile] = [:]
        for f in files where f.path != chat.path {
            listed[(f.path as NSString).lastPathComponent] = MediaFile(
                bytes: f.uncompressedSize,
                sha256: Self.digest(f, in: archive)
            )
        }
        media = listed
    }

    /// The SHA-256 of a media entry, unpacked into memory a buffer at a time and never written; nil
    /// for an entry that claims to be larger than any media file, or to unpack to more than a photo or
    /// video ever does from its packed size, or that cannot be read.
    static func digest(_ entry: Entry, in archive: Archive) -> String? {
        guard entry.uncompressedSize <= maxMediaBytes,
            entry.uncompressedSize <= max(entry.compressedSize, 1) * maxExpansion
        else { return nil }
        var hash = SHA256()
        var read: UInt64 = 0
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data in
                read += UInt64(data.count)
                guard read <= entry.uncompressedSize else { throw CancellationError() }
                hash.update(data: data)
            }
        } catch {
            return nil
        }
        return Hex.lowercase(hash.finalize())
    }

    /// Removes the unpacked chat text; call it when the import is done.
    public func close() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }
}
