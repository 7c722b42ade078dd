import Crypto
import Foundation

/// The secret that seals the audit chain. It is kept outside the database (a file beside the SQLite
/// file, or `SAFECOMMS_AUDIT_KEY`), so someone who can only change the database cannot rewrite the
/// trail and recompute every hash after the change.
public struct AuditKey: Sendable, Equatable {
    public let bytes: [UInt8]
    /// HMAC state with the key already absorbed. Each link copies it (the hasher is copy-on-write),
    /// so sealing a link costs the link's own bytes and not the key schedule again.
    let keyed: HMAC<SHA256>

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        keyed = HMAC<SHA256>(key: SymmetricKey(data: bytes))
    }

    /// From 64 hexadecimal characters.
    public init?(hex: String) {
        guard let bytes = Hex.bytes(hex), bytes.count == 32 else { return nil }
        self.init(bytes: bytes)
    }

    public static func random() -> AuditKey {
        var rng = SystemRandomNumberGenerator()
        return AuditKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    public var hex: String { Hex.lowercase(bytes) }

    public static func == (a: AuditKey, b: AuditKey) -> Bool { a.bytes == b.bytes }
}

/// One link of the tamper-evident audit trail. Each link's HMAC-SHA-256 covers its own fields and the
/// hash of the link before it, so editing, deleting or reordering any stored link breaks every hash after it.
public struct AuditLink: Sendable, Equatable {
    public var sequence: Int64
    public var atMillis: Int64
    public var organisationID: UUID?
    public var actorID: UUID?
    public var action: String
    public var entity: String
    public var entityID: String?
    public var caseID: UUID?
    public var source: String?
    public var detail: String?
    public var previousHash: String
    public var hash: String
    /// The digest of the row the event wrote, as written (`RowDigest`), for the records that are
    /// sealed into the chain; nil for other events and for events from before rows were sealed.
    public var rowDigest: String?

    public init(
        sequence: Int64,
        atMillis: Int64,
        organisationID: UUID?,
        actorID: UUID?,
        action: String,
        entity: String,
        entityID: String?,
        caseID: UUID?,
        source: String?,
        detail: String?,
        previousHash: String,
        hash: String = "",
        rowDigest: String? = nil
    ) {
        self.sequence = sequence
        self.atMillis = atMillis
        self.organisationID = organisationID
        self.actorID = actorID
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.caseID = caseID
        self.source = source
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
        self.rowDigest = rowDigest
    }

    /// The hash this link must carry. Fields are length-prefixed so no two different links share an input.
    public func computedHash(key: AuditKey) -> String {
        // Each field as "<byte count>:<bytes>", a missing one as one NUL byte, all gathered into one
        // buffer and hashed in one call: imports seal a link per record, and feeding the hasher field
        // by field cost more than SQLite's insert of the link (measured).
        var message: [UInt8] = []
        message.reserveCapacity(512)
        func put(_ s: String?) {
            var text = s ?? "\u{0}"
            text.withUTF8 { bytes in
                Self.appendDecimal(bytes.count, to: &message)
                message.append(UInt8(ascii: ":"))
                message.append(contentsOf: bytes)
            }
        }
        put(String(sequence))
        put(String(atMillis))
        put(organisationID?.uuidText)
        put(actorID?.uuidText)
        put(action)
        put(entity)
        put(entityID)
        put(caseID?.uuidText)
        put(source)
        put(detail)
        put(previousHash)
        // Only when present, so that links sealed before rows were digested keep their hashes.
        if let rowDigest { put(rowDigest) }
        var hasher = key.keyed
        hasher.update(data: message)
        return Self.hex(hasher.finalize())
    }

    private static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n >= 10 { appendDecimal(n / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { Hex.lowercase(digest) }

    /// Seals a new link onto the chain.
    public func sealed(key: AuditKey) -> AuditLink {
        var copy = self
        copy.hash = computedHash(key: key)
        return copy
    }
}

/// Verifies the audit trail link by link, in constant memory.
public struct AuditChainVerifier: Sendable {
    /// The hash the first link points back to.
    public static let genesis = String(repeating: "0", count: 64)

    public enum Break: Error, Equatable, Sendable, CustomStringConvertible {
        /// A link's content does not match its own hash: it was edited.
        case alteredLink(sequence: Int64)
        /// A link does not point at the hash of the link before it: something was removed, inserted or reordered.
        case brokenPointer(sequence: Int64, expected: String, found: String)
        /// Sequence numbers jump or go back: a link was removed or reordered.
        case sequenceGap(after: Int64, found: Int64)
        /// The witness log outside the database names a later link than the chain holds: the newest
        /// events were deleted.
        case witnessAhead(witnessed: Int64, chainEnds: Int64, witness: String)
        /// A link's hash is not the one the witness recorded for its sequence number.
        case witnessDiffers(sequence: Int64, witness: String)

        public var description: String {
            switch self {
            case .alteredLink(let s):
                "link \(s) was altered: its content no longer matches its hash (or the audit key is not the one the trail was written with)"
            case .brokenPointer(let s, let e, let f):
                "link \(s) points at \(f.prefix(12))… but the link before it hashes to \(e.prefix(12))…: a link was removed, inserted or reordered"
            case .sequenceGap(let a, let f): "after link \(a) comes link \(f): a link was removed or reordered"
            case .witnessAhead(let w, let end, let name):
                end == 0
                    ? "the witness \(name) records link \(w) but the chain is empty: every event has been deleted (or the database was replaced)"
                    : "the witness \(name) records link \(w) but the chain ends at link \(end): the newest \(w - end) events are missing (deleted, or the database restored from an older copy)"
            case .witnessDiffers(let s, let name):
                "link \(s) is not the link the witness \(name) recorded: the chain was cut back and written again from there"
            }
        }
    }

    private let key: AuditKey
    private var lastHash = AuditChainVerifier.genesis
    private var lastSequence: Int64 = 0
    public private(set) var checked = 0

    public init(key: AuditKey) { self.key = key }

    /// The hash of the last verified link (publish it elsewhere to detect truncation of the tail).
    public var head: String { lastHash }

    /// Feed links in stored order (by sequence ascending); throws at the first broken link.
    public mutating func check(_ link: AuditLink) throws(Break) {
        if link.sequence != lastSequence + 1 {
            throw .sequenceGap(after: lastSequence, found: link.sequence)
        }
        if link.previousHash != lastHash {
            throw .brokenPointer(sequence: link.sequence, expected: lastHash, found: link.previousHash)
        }
        if link.computedHash(key: key) != link.hash {
            throw .alteredLink(sequence: link.sequence)
        }
        lastHash = link.hash
        lastSequence = link.sequence
        checked += 1
    }

    /// Like `check(_:)`, and the link must be the one each witness recorded for its sequence number.
    public mutating func check(_ link: AuditLink, witnesses: [AuditWitnessLog]) throws(Break) {
        try check(link)
        for w in witnesses {
            if let h = w.heads[link.sequence], h != link.hash {
                throw .witnessDiffers(sequence: link.sequence, witness: w.name)
            }
        }
    }

    /// After the last link: the chain must reach every witness's newest head.
    public func finish(witnesses: [AuditWitnessLog]) throws(Break) {
        for w in witnesses {
            if let newest = w.newest, newest > lastSequence {
                throw .witnessAhead(witnessed: newest, chainEnds: lastSequence, witness: w.name)
            }
        }
    }
}

/// The chain's heads as they were committed, kept outside the database (a file the server appends a
/// line to after each commit: `<sequence> <hash> <time>`). Someone who can change the database can cut
/// the newest links off the chain and leave what remains intact; the witness still names the head
/// they removed. Kept on another machine, it also survives someone who can change the data directory.
public struct AuditWitnessLog: Sendable {
    /// Where the log came from, for messages.
    public let name: String
    /// Each witnessed head's hash, by sequence number.
    public private(set) var heads: [Int64: String] = [:]
    /// The latest sequence number witnessed.
    public private(set) var newest: Int64?

    public struct Unreadable: Error, CustomStringConvertible {
        public let name: String, line: Int
        public var description: String { "the witness \(name), line \(line), is not a sequence number and a hash" }
    }

    /// Reads the log's lines; blank lines are skipped.
    public init(name: String, text: Substring) throws(Unreadable) {
        self.name = name
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let seq = Int64(fields[0]), seq > 0, fields[1].utf8.count == 64,
                fields[1].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { throw Unreadable(name: name, line: number) }
            heads[seq] = String(fields[1])
            newest = max(newest ?? seq, seq)
        }
    }

    /// The line recorded for a head.
    public static func line(sequence: Int64, hash: String, atMillis: Int64) -> String {
        "\(sequence) \(hash) \(atMillis)\n"
    }
}
