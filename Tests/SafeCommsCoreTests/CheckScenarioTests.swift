import Foundation
import Testing
import Yams

@testable import SafeCommsCore
@testable import SafeCommsPolicies

/// The scenario tests, written as data: `Tests/Fixtures/checks/<pack-id>/*.json`, each a list
/// of scenarios (a request, the organisation when it differs from the default, and what the decision
/// must and must not say).
struct CheckScenario: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var packs: [String]?
    var organisation: AnyJSON?
    var request: AnyJSON
    var decision: Decision.Verdict?
    var cites: [String: Severity]?
    var notCited: [String]?
    var obligations: [String]?
    var spans: [ExpectedSpan]?

    /// Filled in by the loader.
    var pack = ""
    var file = ""

    struct ExpectedSpan: Decodable, Sendable {
        var clause: String
        var start: Int
        var end: Int
        var type: String
    }

    enum CodingKeys: String, CodingKey {
        case name, packs, organisation, request, decision, cites, obligations, spans
        case notCited = "not_cited"
    }

    var testDescription: String { "\(pack)/\(file): \(name)" }

    static let root = repositoryRoot.appendingPathComponent("Tests/Fixtures/checks")

    static func all() throws -> [CheckScenario] {
        var out: [CheckScenario] = []
        let fm = FileManager.default
        for pack in try fm.contentsOfDirectory(atPath: root.path).sorted() {
            let folder = root.appendingPathComponent(pack)
            for file in try fm.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".json") {
                let list = try JSONDecoder().decode(
                    [CheckScenario].self,
                    from: Data(contentsOf: folder.appendingPathComponent(file))
                )
                out += list.map {
                    var s = $0
                    s.pack = pack
                    s.file = file
                    return s
                }
            }
        }
        return out
    }
}

/// Raw JSON kept as bytes, so a request goes through exactly the decoding the CLI uses.
struct AnyJSON: Decodable, Sendable {
    var data: Data
    init(from decoder: any Decoder) throws {
        data = try JSONSerialization.data(
            withJSONObject: Self.unwrap(try decoder.singleValueContainer().decode(FixtureJSON.self))
        )
    }
    static func unwrap(_ v: FixtureJSON) -> Any {
        switch v {
        case .null: NSNull()
        case .bool(let b): b
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? Int(n) as Any : n as Any
        case .string(let s): s
        case .array(let a): a.map(unwrap)
        case .object(let o): o.mapValues(unwrap)
        }
    }
}

indirect enum FixtureJSON: Decodable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([FixtureJSON]), object([String: FixtureJSON])
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([FixtureJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: FixtureJSON].self))
        }
    }
}

@Suite struct CheckScenarioTests {
    static let library = try! BundledPolicies.library()
    static let scenarios = (try? CheckScenario.all()) ?? []
    /// A Monday morning in office hours, for requests that give no `at`.
    static let now = try! Date("2026-11-23T10:00:00Z", strategy: .iso8601)

    @Test func thereAreScenarios() throws {
        _ = try CheckScenario.all()  // a malformed fixture file fails here, by name
        #expect(Self.scenarios.count >= 54)
    }

    @Test(arguments: scenarios)
    func scenario(_ s: CheckScenario) throws {
        // setup
        let organisation =
            try s.organisation.map {
                try CheckOrganisation.load(yaml: String(decoding: $0.data, as: UTF8.self), file: s.file)
            } ?? CheckOrganisation()
        var request = try CheckRequest(json: s.request.data)
        if request.packs == nil { request.packs = s.packs ?? [s.pack] }
        let runner = try CheckRunner(library: Self.library, organisation: organisation)

        // MUT
        let d = try runner.decide(request, now: Self.now)

        // validation
        let cited = Dictionary(d.findings.map { ($0.clause, [$0.severity]) }, uniquingKeysWith: +)
        if let expected = s.decision {
            #expect(d.decision == expected, "\(d.findings.map { "\($0.clause) \($0.severity)" })")
        }
        for (clause, severity) in s.cites ?? [:] {
            #expect(
                cited[clause]?.contains(severity) == true,
                "\(clause) should be cited as \(severity); cited: \(cited)"
            )
        }
        for clause in s.notCited ?? [] {
            #expect(cited[clause] == nil, "\(clause) should not be cited; cited: \(cited)")
        }
        let owed = Set(d.obligations.map(\.clause))
        for clause in s.obligations ?? [] {
            #expect(owed.contains(clause), "\(clause) should be an obligation; got \(owed.sorted())")
        }
        for span in s.spans ?? [] {
            let spans = d.findings.filter { $0.clause == span.clause }.flatMap(\.spans)
            #expect(
                spans.contains(Span(start: span.start, end: span.end, type: span.type)),
                "\(span.clause) spans: \(spans)"
            )
        }
        #expect(d.json == Array(try JSONTests.reference.encode(d)), "the written JSON is what JSONEncoder writes")
    }

    /// Every enforced clause has an allow and a warn/block scenario in its pack's folder.
    @Test func everyEnforcedClauseHasBothKindsOfScenario() throws {
        for pack in Self.library.packs {
            let mine = Self.scenarios.filter { $0.pack == pack.id }
            for clause in pack.clauses where clause.kind == .enforced {
                let flagged = mine.contains { s in (s.cites?[clause.id]).map { $0 == .warn || $0 == .block } ?? false }
                let allowed = mine.contains { $0.notCited?.contains(clause.id) == true }
                #expect(flagged, "\(pack.id): no scenario where \(clause.id) warns or blocks")
                #expect(allowed, "\(pack.id): no scenario where \(clause.id) is not cited")
            }
        }
    }
}
