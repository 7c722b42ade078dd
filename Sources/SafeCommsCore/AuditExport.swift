import Foundation

/// The audit trail written out for someone else to keep, as JSON Lines or CSV, each event with its
/// chain link (the hash before it and its own), and the check of such a file. An export chosen by
/// filters is a selection of the chain, so the check is of what a selection can prove: every event is
/// exactly as the chain sealed it (its own HMAC, with the installation's audit key), and wherever two
/// events follow one another in the chain, the second points at the first.
public enum AuditExport {
    public static let columns = [
        "sequence", "at_ms", "organisation_id", "actor_id", "action", "entity", "entity_id", "case_id", "source",
        "detail", "previous_hash", "hash", "row_digest",
    ]

    private static func fields(_ l: AuditLink) -> [String?] {
        [
            String(l.sequence), String(l.atMillis), l.organisationID?.uuidText, l.actorID?.uuidText, l.action, l.entity,
            l.entityID, l.caseID?.uuidText, l.source, l.detail, l.previousHash, l.hash, l.rowDigest,
        ]
    }

    /// One event as a JSON object on one line (no newline at its end); absent fields are null.
    public static func jsonLine(_ l: AuditLink) -> String {
        var w = JSONWriter()
        w.byte(UInt8(ascii: "{"))
        for (i, (name, value)) in zip(columns, fields(l)).enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(name)
            w.byte(UInt8(ascii: ":"))
            if i < 2 {
                // The sequence number and the time are numbers.
                w.int(Int(value!)!)
            } else if let value {
                w.string(value)
            } else {
                w.raw("null")
            }
        }
        w.byte(UInt8(ascii: "}"))
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// The CSV header line, with its line ending.
    public static var csvHeader: String { columns.joined(separator: ",") + "\r\n" }

    /// One event as a CSV record (RFC 4180), with its line ending. An absent field is empty; a field
    /// that is present but empty is written `""`, so the two read back apart.
    public static func csvRow(_ l: AuditLink) -> String {
        fields(l).map { value -> String in
            guard let value else { return "" }
            guard !value.isEmpty, !value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" })
            else {
                return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return value
        }.joined(separator: ",") + "\r\n"
    }

    /// A line of the file that is not an event as exported.
    public struct Unreadable: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The events of an exported file, JSON Lines or CSV (told apart by its first character).
    public static func read(_ text: String) throws(Unreadable) -> [AuditLink] {
        text.hasPrefix("{") ? try readJSONLines(text) : try readCSV(text)
    }

    private static func link(_ values: [String?], line: Int) throws(Unreadable) -> AuditLink {
        guard values.count == columns.count else {
            throw Unreadable(line: line, reason: "has \(values.count) fields where an event has \(columns.count)")
        }
        func uuid(_ i: Int) throws(Unreadable) -> UUID? {
            guard let text = values[i] else { return nil }
            guard let id = UUID(uuidString: text) else {
                throw Unreadable(line: line, reason: "\(columns[i]) is not an id")
            }
            return id
        }
        func required(_ i: Int) throws(Unreadable) -> String {
            guard let v = values[i] else { throw Unreadable(line: line, reason: "\(columns[i]) is missing") }
            return v
        }
        guard let sequence = Int64(try required(0)), let at = Int64(try required(1)) else {
            throw Unreadable(line: line, reason: "sequence and at_ms must be whole numbers")
        }
        return AuditLink(
            sequence: sequence,
            atMillis: at,
            organisationID: try uuid(2),
            actorID: try uuid(3),
            action: try required(4),
            entity: try required(5),
            entityID: values[6],
            caseID: try uuid(7),
            source: values[8],
            detail: values[9],
            previousHash: try required(10),
            hash: try required(11),
            rowDigest: values[12]
        )
    }

    private static func readJSONLines(_ text: String) throws(Unreadable) -> [AuditLink] {
        var links: [AuditLink] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty
        {
            let object: [JSONMember]
            do {
                guard case .object(let members) = try JSONValue.parse(Array(line.utf8)) else {
                    throw Unreadable(line: i + 1, reason: "is not a JSON object")
                }
                object = members
            } catch let e as JSONSyntaxError {
                throw Unreadable(line: i + 1, reason: e.description)
            } catch let e as Unreadable {
                throw e
            } catch {
                throw Unreadable(line: i + 1, reason: "\(error)")
            }
            let byName = Dictionary(object.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            let values = columns.map { name -> String? in
                switch byName[name] {
                case .string(let s): s
                case .number(let n): n
                default: nil
                }
            }
            links.append(try link(values, line: i + 1))
        }
        return links
    }

    private static func readCSV(_ text: String) throws(Unreadable) -> [AuditLink] {
        var records: [[String?]] = []
        var record: [String?] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)[...]
        func endField() {
            record.append(field.isEmpty && !wasQuoted ? nil : field)
            field = ""
            wasQuoted = false
        }
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                endField()
            } else if c == "\r" || c == "\n" {
                if c == "\r" && chars.first == "\n" { chars.removeFirst() }
                endField()
                records.append(record)
                record = []
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || wasQuoted || !record.isEmpty {
            endField()
            records.append(record)
        }
        guard let header = records.first, header.map({ $0 ?? "" }) == columns else {
            throw Unreadable(line: 1, reason: "the header is not " + columns.joined(separator: ","))
        }
        var links: [AuditLink] = []
        for (i, r) in records.dropFirst().enumerated() { links.append(try link(r, line: i + 2)) }
        return links
    }

    public struct Verification: Equatable, Sendable {
        public var events: Int
        /// Pairs of events next to each other in the chain whose pointer was checked.
        public var joined: Int
        /// Places where the file skips part of the chain (what its filters left out).
        public var gaps: Int
    }

    /// Checks a file's events in the order given (oldest or newest first).
    public static func verify(_ links: [AuditLink], key: AuditKey) throws(AuditChainVerifier.Break) -> Verification {
        let ordered = links.sorted { $0.sequence < $1.sequence }
        var joined = 0, gaps = 0
        for (i, l) in ordered.enumerated() {
            if l.computedHash(key: key) != l.hash { throw .alteredLink(sequence: l.sequence) }
            guard i > 0 else { continue }
            let before = ordered[i - 1]
            if l.sequence == before.sequence + 1 {
                guard l.previousHash == before.hash else {
                    throw .brokenPointer(sequence: l.sequence, expected: before.hash, found: l.previousHash)
                }
                joined += 1
            } else if l.sequence == before.sequence {
                throw .sequenceGap(after: before.sequence, found: l.sequence)
            } else {
                gaps += 1
            }
        }
        return Verification(events: ordered.count, joined: joined, gaps: gaps)
    }
}
