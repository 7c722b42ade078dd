import Foundation
import Logging
import SafeCommsCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends each committed head of the audit chain to a file outside the database
/// (`AuditWitnessLog` reads it back). One `write` per commit, in append mode, after the commit: the
/// witness never names a head that was not committed. It is not synced to disk on each line: a crash
/// of the machine may lose its newest lines, which only makes the check weaker for those events, and
/// never makes an intact chain look cut.
public final class AuditWitness: Sendable {
    public let path: String
    private let fd: Int32
    private static let logger = Logger(label: "safecomms.audit.witness")

    /// Opens (creating, readable by the owner only) the log at `path`.
    /// - Throws: `ValidationError` naming the path when it cannot be opened for appending.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: dir,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ValidationError(
                field: "SAFECOMMS_AUDIT_WITNESS",
                reason: "\(path) cannot be opened for appending (\(String(cString: strerror(errno))))"
            )
        }
    }

    deinit { close(fd) }

    /// Records a committed head. A failed write is logged, not thrown: the change it follows is
    /// already committed and acknowledged.
    func record(_ head: AuditLog.Head, atMillis: Int64) {
        let line = Array(AuditWitnessLog.line(sequence: head.sequence, hash: head.hash, atMillis: atMillis).utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != line.count {
            Self.logger.error(
                "audit witness: could not append head \(head.sequence) to \(path): \(String(cString: strerror(errno)))"
            )
        }
    }

    /// Reads a witness log.
    /// - Throws: `ValidationError` when the file cannot be read, `AuditWitnessLog.Unreadable` naming a bad line.
    public static func read(path: String) throws -> AuditWitnessLog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(field: "--witness", reason: "\(path) cannot be read")
        }
        return try AuditWitnessLog(name: path, text: Substring(decoding: data, as: UTF8.self))
    }
}
