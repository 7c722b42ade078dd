/// Every pack an installation knows, and evaluators for any choice of them. Each choice's evaluator
/// is compiled once and kept: an organisation that chose its packs asks for the same choice on every
/// check, and compiling the rules costs more than evaluating them.
public struct PolicyLibrary: Sendable {
    public let packs: [PolicyPack]
    public let analysers: [any ContentAnalyser]
    private let byID: [String: PolicyPack]
    private let all: Evaluator
    /// Evaluators by their pack ids (a handful of choices exist in practice).
    private let chosen = BoundedCache<[String], Evaluator>(capacity: 256)
    /// Message scanners by their pack ids, for the same reason.
    private let scanners = BoundedCache<[String], MessageScanner>(capacity: 256)

    public init(packs: [PolicyPack], analysers: [any ContentAnalyser] = Evaluator.standardAnalysers) {
        self.packs = packs
        self.analysers = analysers
        byID = Dictionary(packs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        all = Evaluator(packs: packs, analysers: analysers)
    }

    public var ids: [String] { packs.map(\.id) }

    /// The clause with this id, from whichever pack holds it.
    /// The id of the pack that holds the clause, for a link to it (`/policies/{pack}#{clause}`).
    public func packID(of clause: String) -> String? {
        packs.first { $0.clause(clause) != nil }?.id
    }

    public func clause(_ id: String) -> Clause? {
        for pack in packs { if let c = pack.clause(id) { return c } }
        return nil
    }

    /// Whether a clause is in force for an organisation: one of the packs it uses (every pack when it
    /// has not chosen) holds the clause.
    public func inForce(_ clause: String, packs chosen: [String]?) -> Bool {
        packs.contains { pack in (chosen?.contains(pack.id) ?? true) && pack.clauses.contains { $0.id == clause } }
    }

    /// The evaluator for these pack ids, in the order given (all packs when nil).
    /// - Parameter field: the field to name when an id is unknown (`packs`, `--packs`).
    public func evaluator(for ids: [String]?, field: String) throws(ValidationError) -> Evaluator {
        guard let ids, ids != self.ids else { return all }
        var picked: [PolicyPack] = []
        for (i, id) in ids.enumerated() {
            guard let pack = byID[id] else {
                throw ValidationError(
                    field: "\(field)[\(i)]",
                    reason: "unknown pack '\(id)'; known packs: \(self.ids.joined(separator: ", "))"
                )
            }
            if !picked.contains(where: { $0.id == id }) { picked.append(pack) }
        }
        return chosen.get(ids) { Evaluator(packs: picked, analysers: analysers) }
    }

    /// The review queue's scanner for these pack ids (all packs when nil); an id the library does not
    /// hold is passed over, as an organisation's settings were checked when saved.
    public func scanner(for ids: [String]?) -> MessageScanner {
        let ids = ids ?? self.ids
        return scanners.get(ids) { MessageScanner(packs: ids.compactMap { byID[$0] }, analysers: analysers) }
    }
}
