import Foundation

/// Answers check requests given as JSON, the contract `safecomms check` and external tools rely on:
/// one JSON decision per request, or `{"id", "error"}` naming the bad field.
public struct CheckRunner: Sendable {
    public let library: PolicyLibrary
    public let organisation: CheckOrganisation
    /// Packs chosen on the command line (`--packs`); a request's own `packs` override them.
    public let packs: [String]?
    private let evaluator: Evaluator
    /// Also answer with the text, each finding replaced by `[TYPE]` (`--redact`).
    public var redact = false

    /// - Throws: `ValidationError` when `packs` (or the organisation's packs) names an unknown pack.
    public init(
        library: PolicyLibrary,
        organisation: CheckOrganisation = CheckOrganisation(),
        packs: [String]? = nil
    ) throws(ValidationError) {
        self.library = library
        self.organisation = organisation
        self.packs = packs
        evaluator = try library.evaluator(for: packs ?? organisation.packs, field: packs != nil ? "--packs" : "packs")
    }

    public struct Answer: Sendable {
        /// One line of JSON as UTF-8, without the newline.
        public var json: [UInt8]
        public var failed: Bool
    }

    /// Answers one request.
    /// - Parameter line: the request's line in the input (`--jsonl`), named in an error.
    public func answer(_ data: Data, line: Int? = nil, now: Date = Date()) -> Answer {
        do throws(ValidationError) {
            let request = try CheckRequest(json: data)
            var json = try decide(request, now: now).json
            if redact {
                // "redacted" sorts after every key of a decision, so it goes last.
                let report = ContentReport(
                    text: request.text ?? "",
                    context: AnalysisContext(
                        people: request.caseInfo?.people ?? [],
                        attachmentNames: request.attachments.map(\.name),
                        direction: request.direction,
                        organisation: OrganisationContacts(settings: organisation.settings)
                    ),
                    analysers: library.analysers
                )
                var w = JSONWriter()
                w.key("redacted")
                w.string(report.redacted)
                json.insert(contentsOf: w.bytes, at: json.count - 1)
            }
            return Answer(json: json, failed: false)
        } catch {
            let message = (line.map { "line \($0): " } ?? "") + error.description
            return Answer(
                json: Decision.errorJSON(id: Self.salvageID(data), message: message),
                failed: true
            )
        }
    }

    /// The decision for a decoded request, with the packs it asks for.
    public func decide(_ request: CheckRequest, now: Date = Date()) throws(ValidationError) -> Decision {
        let e = request.packs == nil ? evaluator : try library.evaluator(for: request.packs, field: "packs")
        return e.evaluate(request, settings: organisation.settings, now: now)
    }

    /// The id of a request that could not be read, when it can still be found, so the caller can tell
    /// which request failed.
    static func salvageID(_ data: Data) -> CheckID? {
        guard case .object(let members)? = try? JSONValue.parse(data),
            let v = members.first(where: { $0.key == "id" })?.value
        else { return nil }
        return try? CheckID(json: v, field: "id")
    }
}
