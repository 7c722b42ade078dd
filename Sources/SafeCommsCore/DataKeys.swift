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
        var stored = stored
        return stored.withUTF8 { u in
            guard isSealed(u) else { return nil }
            return Substring(decoding: UnsafeBufferPointer(rebasing: u[4..<12]), as: UTF8.self)
        }
    }

    /// `sc1.` and eight characters of key id, then a dot and at least the base64 of a nonce and tag.
    private static func isSealed(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        u.count > 13 && u[0] == UInt8(ascii: "s") && u[1] == UInt8(ascii: "c") && u[2] == UInt8(ascii: "1")
            && u[3] == UInt8(ascii: ".")
            && u[12] == UInt8(ascii: ".")
    }

    public enum OpenError: Error, Equatable {
        /// Sealed under a key this process was not given.
        case unknownKey(String)
        /// The value was changed after it was sealed, or is not a sealed value.
        case damaged
    }

    /// Read straight from the string's UTF-8 (a chronology page opens a few hundred values: going
    /// through `Substring` and Foundation's base64 cost more than the decryption, measured).
    public static func open(_ stored: String, key: (Substring) -> DataKey?) throws(OpenError) -> String {
        var stored = stored
        let parsed: (id: Substring, box: [UInt8]?)? = stored.withUTF8 { u in
            guard isSealed(u) else { return nil }
            return (
                Substring(decoding: UnsafeBufferPointer(rebasing: u[4..<12]), as: UTF8.self),
                Base64.decode(UnsafeBufferPointer(rebasing: u[13...]))
            )
        }
        guard let parsed else { return stored }
        guard let k = key(parsed.id) else { throw .unknownKey(String(parsed.id)) }
        guard let bytes = parsed.box, let box = try? AES.GCM.SealedBox(combined: bytes),
            let clear = try? AES.GCM.open(box, using: k.key)
        else { throw .damaged }
        return String(decoding: clear, as: UTF8.self)
    }
}

/// Standard base64 (with padding) decoded from bytes; nil for anything else.
enum Base64 {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        return t
    }()

    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var n = text.count
        var padding = 0
        while padding < 2, n > 0, text[n - 1] == UInt8(ascii: "=") {
            n -= 1
            padding += 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var acc: UInt32 = 0, bits = 0
        for i in 0..<n {
            let v = table[Int(text[i])]
            guard v != 0xFF else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
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
