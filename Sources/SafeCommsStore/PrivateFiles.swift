import Foundation
import SafeCommsCore

/// The data directory and the SQLite files in it are readable by the server's own account only:
/// they hold children's records. SQLite creates its write-ahead log and shared-memory files with the
/// database file's permissions, so the database file is made (empty) here, owner-only, before SQLite
/// opens it; an installation from before this is tightened at start.
public enum PrivateFiles {
    public static func prepare(directory: String, database: String) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
            if !fm.fileExists(atPath: database) {
                guard fm.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw ValidationError(field: "SAFECOMMS_DATA", reason: "\(database) could not be created")
                }
            }
            for path in [database, database + "-wal", database + "-shm"] where fm.fileExists(atPath: path) {
                try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError(
                field: "SAFECOMMS_DATA",
                reason: "\(directory) cannot be made private to this account (\(error.localizedDescription))"
            )
        }
    }
}
