import Foundation

/// One source policy made runnable: every clause of the document with its kind, a summary in our own
/// words, and for enforced clauses the rules that warn or block. Loaded from `Policies/<id>.yaml`.
public struct PolicyPack: Sendable, Equatable {
    public var id: String
    public var title: String
    /// Changed whenever what the pack asks of staff changes, so that staff acknowledge it again.
    public var version: String
    /// The annotated document the clause ids come from (`policies/<source>`).
    public var source: String
    public var clauses: [Clause]

    public init(id: String, title: String, version: String = "1", source: String, clauses: [Clause]) {
        self.id = id
        self.title = title
        self.version = version
        self.source = source
        self.clauses = clauses
    }

    public func clause(_ id: String) -> Clause? { clauses.first { $0.id == id } }
}

/// How a clause lives in SafeComms (MISSION.md, "Every clause has a home").
public enum ClauseKind: String, Sendable, Codable, CaseIterable {
    /// A rule that can warn or block before a communication goes.
    case enforced
    /// An obligation or register the system keeps.
    case recorded
    /// A workflow the system drives (phones, incidents).
    case run
    /// Shown to staff and acknowledged; no software can check it.
    case guidance
}

public struct Clause: Sendable, Equatable {
    public var id: String
    public var kind: ClauseKind
    public var summary: String
    public var rules: [Rule]
    public var obligations: [ObligationRule]
    /// Where SafeComms carries the clause out, and the tests that hold it to it.
    public var backing: Backing

    public init(
        id: String,
        kind: ClauseKind,
        summary: String,
        rules: [Rule] = [],
        obligations: [ObligationRule] = [],
        backing: Backing = Backing()
    ) {
        self.id = id
        self.kind = kind
        self.summary = summary
        self.rules = rules
        self.obligations = obligations
        self.backing = backing
    }

    /// Files relative to the repository, each of which cites the clause id (`ClauseBackingTests` holds
    /// them to it): the code that carries the clause out and the tests that exercise it.
    public struct Backing: Sendable, Equatable {
        public var code: [String]
        public var tests: [String]
        public init(code: [String] = [], tests: [String] = []) {
            self.code = code
            self.tests = tests
        }
    }
}

/// When `when` holds, the clause is cited with `severity` and `message` — unless an exception holds
/// first, which changes the severity (or, with `none`, withdraws the finding).
public struct Rule: Sendable, Equatable {
    public var when: Condition
    public var severity: Severity
    public var message: String
    public var exceptions: [Exception]

    public init(when: Condition, severity: Severity, message: String, exceptions: [Exception] = []) {
        self.when = when
        self.severity = severity
        self.message = message
        self.exceptions = exceptions
    }

    public struct Exception: Sendable, Equatable {
        public var when: Condition
        /// nil: the exception withdraws the finding.
        public var severity: Severity?
        public var message: String?

        public init(when: Condition, severity: Severity?, message: String? = nil) {
            self.when = when
            self.severity = severity
            self.message = message
        }
    }
}

/// Something to do after the communication: record it, tell the line manager, respond.
public struct ObligationRule: Sendable, Equatable {
    public var when: Condition
    public var action: String
    /// Hours after the communication by which it is due.
    public var dueHours: Int

    public init(when: Condition, action: String, dueHours: Int) {
        self.when = when
        self.action = action
        self.dueHours = dueHours
    }
}
