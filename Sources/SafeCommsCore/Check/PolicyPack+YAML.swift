import Foundation
import Yams

/// A pack file that cannot be used, naming the file, the field path and what is wrong.
public struct PolicyPackError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var reason: String

    public init(file: String, field: String, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? "\(file): \(reason)" : "\(file): \(field): \(reason)" }
}

extension PolicyPack {
    /// Parses and checks one `Policies/<id>.yaml`.
    /// - Throws: `PolicyPackError` naming the field (`clauses[4].rules[0].when.channels[1]`).
    public static func load(yaml: String, file: String) throws -> PolicyPack {
        try decodeYAML(file: file) {
            let pack = try PolicyPack(
                yaml: try BoundedYAML.compose(yaml, maxBytes: 1 << 20, maxValues: 200_000, resolver: .basic)
            )
            try pack.validate()
            return pack
        }
    }

    /// Loads every `*.yaml` in a folder, sorted by file name.
    public static func loadAll(in directory: URL) throws -> [PolicyPack] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { try load(yaml: String(contentsOf: $0, encoding: .utf8), file: $0.lastPathComponent) }
    }

    func validate() throws(ValidationError) {
        var seen: Set<String> = []
        for (i, c) in clauses.enumerated() {
            let path = "clauses[\(i)]"
            guard seen.insert(c.id).inserted else {
                throw ValidationError(field: "\(path).id", reason: "clause \(c.id) is listed twice")
            }
            if c.kind == .enforced, c.rules.isEmpty {
                throw ValidationError(
                    field: "\(path).rules",
                    reason: "\(c.id) is enforced, so it needs at least one rule"
                )
            }
            if c.kind != .enforced, !c.rules.isEmpty {
                throw ValidationError(
                    field: "\(path).rules",
                    reason: "\(c.id) is \(c.kind.rawValue); only enforced clauses have rules that warn or block"
                )
            }
            if c.kind == .guidance, !c.obligations.isEmpty {
                throw ValidationError(
                    field: "\(path).obligations",
                    reason: "\(c.id) is guidance; guidance creates no obligations"
                )
            }
        }
    }
}

/// Runs a YAML read, turning the field errors `Fields` throws, and Yams' own for text that is not
/// YAML, into a `PolicyPackError` naming the file and the field.
func decodeYAML<T>(file: String, _ body: () throws -> T) throws(PolicyPackError) -> T {
    do {
        return try body()
    } catch let e as BoundedYAML.Refused {
        throw PolicyPackError(file: file, field: "", reason: e.description)
    } catch let v as ValidationError {
        throw PolicyPackError(file: file, field: v.field, reason: v.reason)
    } catch {
        throw PolicyPackError(file: file, field: "", reason: "not valid YAML: \(error)")
    }
}

extension PolicyPack {
    init(yaml node: Node) throws {
        let f = try Fields(node, prefix: "", known: ["id", "title", "version", "source", "clauses"])
        id = try f.required(String.self, "id")
        title = try f.required(String.self, "title")
        version = try f.string("version") ?? "1"
        source = try f.required(String.self, "source")
        clauses = try f.objects("clauses") { d, p in try Clause(d, prefix: p) } ?? []
    }
}

extension Clause {
    init(_ node: Node, prefix: String) throws {
        let f = try Fields(
            node,
            prefix: prefix,
            known: ["id", "kind", "summary", "rules", "obligations", "backed_by"]
        )
        id = try f.required(String.self, "id")
        guard let kind = try f.choice(ClauseKind.self, "kind") else {
            throw ValidationError(field: f.path("kind"), reason: "is required")
        }
        self.kind = kind
        summary = try f.required(String.self, "summary")
        rules = try f.objects("rules") { d, p in try Rule(d, prefix: p) } ?? []
        obligations = try f.objects("obligations") { d, p in try ObligationRule(d, prefix: p) } ?? []
        backing =
            try f.object("backed_by") { d, p in
                let g = try Fields(d, prefix: p, known: ["code", "tests"])
                return Backing(
                    code: try g.value([String].self, "code", expected: "a list of file paths") ?? [],
                    tests: try g.value([String].self, "tests", expected: "a list of file paths") ?? []
                )
            } ?? Backing()
    }
}

extension Rule {
    init(_ node: Node, prefix: String) throws {
        let f = try Fields(node, prefix: prefix, known: ["when", "severity", "message", "exceptions"])
        when = try f.object("when") { d, p in try Condition(d, prefix: p) } ?? Condition()
        guard let severity = try f.choice(Severity.self, "severity") else {
            throw ValidationError(field: f.path("severity"), reason: "is required")
        }
        self.severity = severity
        message = try f.required(String.self, "message")
        exceptions =
            try f.objects("exceptions") { d, p in
                let g = try Fields(d, prefix: p, known: ["when", "severity", "message"])
                let when = try g.object("when") { d, p in try Condition(d, prefix: p) } ?? Condition()
                let raw = try g.required(String.self, "severity")
                let severity: Severity? = raw == "none" ? nil : try Severity.parse(raw, field: g.path("severity"))
                return Exception(when: when, severity: severity, message: try g.string("message"))
            } ?? []
    }
}

extension ObligationRule {
    init(_ node: Node, prefix: String) throws {
        let f = try Fields(node, prefix: prefix, known: ["when", "action", "due_hours"])
        when = try f.object("when") { d, p in try Condition(d, prefix: p) } ?? Condition()
        action = try f.required(String.self, "action")
        guard let hours = try f.value(Int.self, "due_hours", expected: "a whole number of hours"),
            (0...24 * 365).contains(hours)
        else {
            throw ValidationError(
                field: f.path("due_hours"),
                reason: "is required: hours after the communication, 0 to 8760"
            )
        }
        dueHours = hours
    }
}

extension Condition {
    static let fields: Set<String> = [
        "channels", "direction", "devices", "whatsapp_enabled", "recipient_roles", "recipient_external",
        "case_statuses", "has_case",
        "in_crisis", "out_of_hours", "emergency", "expected_call", "secure_email", "has_attachments", "lacks_consents",
        "has_consents",
        "findings", "after_setting",
    ]

    init(_ node: Node, prefix: String) throws {
        self.init()
        let f = try Fields(node, prefix: prefix, known: Self.fields)
        channels = try f.choices(Channel.self, "channels", among: Channel.checkable).map(Set.init)
        direction = try f.choice(Direction.self, "direction")
        devices = try f.choices(DeviceKind.self, "devices").map(Set.init)
        whatsappEnabled = try f.bool("whatsapp_enabled")
        recipientRoles = try f.choices(RecipientRole.self, "recipient_roles").map(Set.init)
        recipientExternal = try f.bool("recipient_external")
        caseStatuses = try f.choices(CaseStatus.self, "case_statuses").map(Set.init)
        hasCase = try f.bool("has_case")
        inCrisis = try f.bool("in_crisis")
        outOfHours = try f.bool("out_of_hours")
        emergency = try f.bool("emergency")
        expectedCall = try f.bool("expected_call")
        secureEmail = try f.bool("secure_email")
        hasAttachments = try f.bool("has_attachments")
        lacksConsents = try f.choices(ConsentKind.self, "lacks_consents").map(Set.init)
        hasConsents = try f.choices(ConsentKind.self, "has_consents").map(Set.init)
        if let types = try f.value([String].self, "findings", expected: "a list of finding types such as CASE_PERSON") {
            for (i, t) in types.enumerated() where t.isEmpty || !t.allSatisfy({ $0.isUppercase || $0 == "_" }) {
                throw ValidationError(
                    field: "\(f.path("findings"))[\(i)]",
                    reason: "'\(t)' is not a finding type such as CASE_PERSON"
                )
            }
            findings = Set(types)
        }
        afterSetting = try f.choice(DateSetting.self, "after_setting")
    }
}
