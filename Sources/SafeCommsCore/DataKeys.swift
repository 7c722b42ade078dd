import Crypto
import Foundation

/// A key that seals personal data at rest with AES-256-GCM. Its id, the first eight hexadecimal
/// characters of the key's SHA-256, is written beside every value it seals, so a store can hold
/// values under several keys while `keys rotate` moves them to the newest.
public struct DataKey: Sendable, Equatable {
    public let id: String
    public let bytes: [UInt8]
    let key: SymmetricKey

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        key = SymmetricKey(data: bytes)
        id = String(Hex.lowercase(SHA256.hash(data: Array("safecomms data key".utf8) + bytes)).prefix(8))
    }

    /// From 64 hexadecimal characters.
    public init?(hex: String) {
        guard let bytes = Hex.bytes(hex), bytes.count == 32 else { return nil }
        self.init(bytes: bytes)
    }

    public static func random() -> DataKey {
        DataKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    public var hex: String { Hex.lowercase(bytes) }

    public static func == (a: DataKey, b: DataKey) -> Bool { a.bytes == b.bytes }
}

/// A stored value sealed under a data key: `sc1.<key id>.<base64 of nonce, ciphertext and tag>`.
/// A value without the prefix is clear text written before sealing existed; `keys rotate` seals it.
public enum SealedText {
    static let prefix = "sc1."

    public static func seal(_ text: String, with key: DataKey) -> String {
        // AES-GCM with a fresh random 96-bit nonce per value; sealing cannot fail for a valid key.
        let box = try! AES.GCM.seal(Data(text.utf8), using: key.key)
        return prefix + key.id + "." + box.combined!.base64EncodedString()
    }

    /// The id of the key a stored value is sealed under; nil for clear text.
    public static func keyID(of stored: String) -> Substring? {
        let u = stored.utf8
        guard u.count > prefix.utf8.count + 9, stored.hasPrefix(prefix) else { return nil }
        let start = stored.index(stored.startIndex, offsetBy: 4)
        let end = stored.index(start, offsetBy: 8)
        guard stored[end] == "." else { return nil }
        return stored[start..<end]
    }

    public enum OpenError: Error, Equatable {
        /// Sealed under a key this process was not given.
        case unknownKey(String)
        /// The value was changed after it was sealed, or is not a sealed value.
        case damaged
    }

    public static func open(_ stored: String, key: (Substring) -> DataKey?) throws(OpenError) -> String {
        guard let id = keyID(of: stored) else { return stored }
        guard let k = key(id) else { throw .unknownKey(String(id)) }
        let body = stored[stored.index(stored.startIndex, offsetBy: prefix.count + 9)...]
        guard let data = Data(base64Encoded: String(body)),
            let box = try? AES.GCM.SealedBox(combined: data),
            let clear = try? AES.GCM.open(box, using: k.key)
        else { throw .damaged }
        return String(decoding: clear, as: UTF8.self)
    }
}

/// The data keys this process holds: the current one seals, every one opens. Installed once at start
/// from `SAFECOMMS_DATA_KEY_FILE`; stored models seal and open their personal fields through it, as a
/// database's encoding would, because a model read from a row has no other way to reach the
/// application. A process that never installs a key (a library user) seals under one kept only in
/// memory.
public enum DataKeys {
    private final class Ring: @unchecked Sendable {
        let lock = NSLock()
        var current: DataKey?
        var all: [Substring: DataKey] = [:]
        /// Reads the key file again, for a key id not yet known.
        var reload: (@Sendable () -> [DataKey]?)?
        var lastReload = Date.distantPast
    }

    private static let ring = Ring()

    /// Makes `keys[0]` the key that seals and every key one that opens. Keys installed before stay
    /// able to open (several applications may run in one test process). `reload` reads the key file
    /// again: a value under a key this process has not seen means `keys rotate` has put a new key
    /// there, so a running server takes it up (and seals under it) without a restart.
    public static func install(_ keys: [DataKey], reload: (@Sendable () -> [DataKey]?)? = nil) {
        precondition(!keys.isEmpty, "at least one data key")
        ring.lock.withLock {
            ring.current = keys[0]
            for k in keys { ring.all[Substring(k.id)] = k }
            if let reload { ring.reload = reload }
        }
    }

    /// A key that opens without sealing (the target of a rotation, until it is installed).
    public static func add(_ key: DataKey) {
        ring.lock.withLock { ring.all[Substring(key.id)] = ring.all[Substring(key.id)] ?? key }
    }

    /// The key that seals new values.
    public static var current: DataKey {
        ring.lock.withLock {
            if let k = ring.current { return k }
            let k = DataKey.random()
            ring.current = k
            ring.all[Substring(k.id)] = k
            return k
        }
    }

    public static func key(_ id: Substring) -> DataKey? {
        ring.lock.withLock {
            if let k = ring.all[id] { return k }
            // At most once a second, so values under a key that is really missing cannot make every
            // read go to the disk.
            guard let reload = ring.reload, Date().timeIntervalSince(ring.lastReload) >= 1 else { return nil }
            ring.lastReload = Date()
            guard let keys = reload(), let first = keys.first else { return nil }
            ring.current = first
            for k in keys { ring.all[Substring(k.id)] = k }
            return ring.all[id]
        }
    }

    public static func seal(_ text: String) -> String { SealedText.seal(text, with: current) }

    public static func seal(_ text: String?) -> String? { text.map { seal($0) } }

    /// The clear text of a stored value. A value that cannot be opened reads as a notice saying so,
    /// never as its ciphertext; `audit verify` then names the record as changed.
    public static func open(_ stored: String) -> String {
        do {
            return try SealedText.open(stored, key: Self.key)
        } catch .unknownKey(let id) {
            return "[sealed under data key \(id), which this server was not given]"
        } catch {
            return "[this text was changed after it was written and cannot be read]"
        }
    }

    public static func open(_ stored: String?) -> String? { stored.map { open($0) } }
}
