import Crypto
import Foundation

/// The SHA-256 of a stored row's values, sealed into the audit event that wrote it, so that `audit
/// verify` can tell a row changed or deleted behind the application's back. Values are
/// length-prefixed, so no two different rows share an input. Times count whole milliseconds, the
/// precision the store keeps them at on every engine (`RowDigest.storable`).
public struct RowDigest {
    private var message: [UInt8] = []

    public init(table: String) {
        message.reserveCapacity(512)
        add(table)
    }

    public mutating func add(_ s: String?) {
        guard var text = s else {
            message.append(0)
            return
        }
        text.withUTF8 { bytes in
            message.append(contentsOf: Array(String(bytes.count).utf8))
            message.append(UInt8(ascii: ":"))
            message.append(contentsOf: bytes)
        }
    }

    public mutating func add(_ id: UUID?) { add(id?.uuidText) }
    public mutating func add(_ n: Int?) { add(n.map(String.init)) }
    public mutating func add(_ b: Bool) { add(b ? "1" : "0") }
    public mutating func add(_ date: Date) { add(String(Int64((date.timeIntervalSince1970 * 1000).rounded()))) }
    public mutating func add(_ date: Date?) {
        add(date.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) })
    }

    public var hex: String { Hex.lowercase(SHA256.hash(data: message)) }

    /// A time as the store keeps it for a sealed row: whole milliseconds. PostgreSQL keeps
    /// microseconds and SQLite a double; a time already on a whole millisecond reads back as the same
    /// millisecond from either.
    public static func storable(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
