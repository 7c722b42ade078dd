import Foundation
import SafeCommsCore

/// The data keys' file (`SAFECOMMS_DATA_KEY_FILE`): one key per line as 64 hexadecimal characters,
/// the first the one that seals, the rest older keys kept so that values sealed under them still
/// open until `keys rotate` has moved them. Created, readable by the owner only, on first use.
public enum DataKeyFile {
    /// - Throws: `ValidationError` naming the line that does not hold a key.
    public static func load(path: String) throws -> [DataKey] {
        if !FileManager.default.fileExists(atPath: path) {
            // Two processes starting at once must not each make a key: only one file is linked into
            // place, and both read that one.
            try write([DataKey.random()], to: path, replacing: false)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError(field: path, reason: "could not be read")
        }
        var keys: [DataKey] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let hex = line.trimmingCharacters(in: .whitespaces)
            if hex.isEmpty || hex.hasPrefix("#") { continue }
            guard let key = DataKey(hex: hex) else {
                throw ValidationError(
                    field: "\(path) line \(n + 1)",
                    reason: "is not a data key (64 hexadecimal characters)"
                )
            }
            keys.append(key)
        }
        guard !keys.isEmpty else { throw ValidationError(field: path, reason: "holds no data key") }
        return keys
    }

    /// The keys as the file holds them now; nil when it cannot be read or holds no key (it is never
    /// created here: a running server re-reads it, and must not make a key of its own).
    public static func read(path: String) -> [DataKey]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? load(path: path)
    }

    /// Puts a new key first, keeping the others to open what they sealed; returns it.
    public static func addKey(path: String) throws -> DataKey {
        let key = DataKey.random()
        try write([key] + load(path: path), to: path, replacing: true)
        return key
    }

    /// Writes the file whole and then moves it into place, so a crash leaves the old file or the new
    /// one, never half of either. Not `replacing`: false when a file was there already.
    @discardableResult
    static func write(_ keys: [DataKey], to path: String, replacing: Bool) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        let text =
            "# SafeComms data keys: the first seals, the others still open what they sealed.\n"
            + keys.map { $0.hex + "\n" }.joined()
        let temporary = path + ".new-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temporary)
        else { throw ValidationError(field: path, reason: "could not be written") }
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
        try handle.close()
        if replacing {
            guard rename(temporary, path) == 0 else {
                throw ValidationError(field: path, reason: "could not be replaced")
            }
            return true
        }
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return true }
        guard errno == EEXIST else { throw ValidationError(field: path, reason: "could not be created") }
        return false
    }
}
