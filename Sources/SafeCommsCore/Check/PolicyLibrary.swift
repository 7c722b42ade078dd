/// Every pack an installation knows, and evaluators for any choice of them. The evaluator for the
/// default choice is made once; others are made on demand (a pass over the clauses, microseconds).
public struct PolicyLibrary: Sendable {
    public let packs: [PolicyPack]
    public let analysers: [any ContentAnalyser]
    private let byID: [String: PolicyPack]
    private let all: Evaluator

    public init(packs: [PolicyPack], analysers: [any ContentAnalyser] = Evaluator.standardAnalysers) {
        self.packs = packs
        self.analysers = analysers
        byID = Dictionary(packs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        all = Evaluator(packs: packs, analysers: analysers)
    }

    public var ids: [String] { packs.map(\.id) }

    /// The evaluator for these pack ids, in the order given (all packs when nil).
    /// - Parameter field: the field to name when an id is unknown (`packs`, `--packs`).
    public func evaluator(for ids: [String]?, field: String) throws(ValidationError) -> Evaluator {
        guard let ids, ids != self.ids else { return all }
        var chosen: [PolicyPack] = []
        for (i, id) in ids.enumerated() {
            guard let pack = byID[id] else {
                throw ValidationError(field: "\(field)[\(i)]", reason: "unknown pack '\(id)'; known packs: \(self.ids.joined(separator: ", "))")
            }
            if !chosen.contains(where: { $0.id == id }) { chosen.append(pack) }
        }
        return Evaluator(packs: chosen, analysers: analysers)
    }
}
