import Foundation

/// The answer to a check: the most severe finding decides it. The same shape comes from the CLI, the
/// API and the web page (DESIGN.md: a decision is data).
public struct Decision: Sendable, Equatable, Encodable {
    public enum Verdict: String, Sendable, Codable, Comparable {
        case allow, warn, block

        var rank: Int {
            switch self {
            case .allow: 0
            case .warn: 1
            case .block: 2
            }
        }
        public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
    }

    public var id: CheckID?
    public var decision: Verdict
    public var findings: [Finding]
    public var obligations: [Obligation]

    public init(id: CheckID?, findings: [Finding], obligations: [Obligation]) {
        self.id = id
        self.findings = findings
        self.obligations = obligations
        decision = findings.reduce(.allow) { max($0, $1.severity.verdict) }
    }

    enum CodingKeys: String, CodingKey { case id, decision, findings, obligations }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)  // null when the request had none: the key is always there
        try c.encode(decision, forKey: .decision)
        try c.encode(findings, forKey: .findings)
        try c.encode(obligations, forKey: .obligations)
    }

    /// Clause ids cited, in order, without repeats.
    public var clauses: [String] {
        var seen: Set<String> = []
        return findings.map(\.clause).filter { seen.insert($0).inserted }
    }
}

public enum Severity: String, Sendable, Codable, CaseIterable {
    case block, warn, info

    var verdict: Decision.Verdict {
        switch self {
        case .block: .block
        case .warn: .warn
        case .info: .allow
        }
    }
}

/// One reason, citing one clause. `spans` point into the request's `text` (Unicode code points).
public struct Finding: Sendable, Equatable, Codable {
    public var clause: String
    public var severity: Severity
    public var message: String
    public var spans: [Span]

    public init(clause: String, severity: Severity, message: String, spans: [Span] = []) {
        self.clause = clause
        self.severity = severity
        self.message = message
        self.spans = spans
    }
}

/// A stretch of the text: `[start, end)` in Unicode code points, and what was found there.
public struct Span: Sendable, Equatable, Hashable, Codable {
    public var start: Int
    public var end: Int
    public var type: String

    public init(start: Int, end: Int, type: String) {
        self.start = start
        self.end = end
        self.type = type
    }
}

/// What the practitioner must do afterwards, and by when (ISO 8601).
public struct Obligation: Sendable, Equatable, Codable {
    public var clause: String
    public var action: String
    public var due: String

    public init(clause: String, action: String, due: String) {
        self.clause = clause
        self.action = action
        self.due = due
    }
}
