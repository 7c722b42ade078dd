import Foundation

/// Answers check requests given as JSON, the contract `safecomms check` and external tools rely on:
/// one JSON decision per request, or `{"id", "error"}` naming the bad field.
public struct CheckRunner: Sendable {
    public let library: PolicyLibrary
    public let organisation: CheckOrganisation
    /// Packs chosen on the command line (`--packs`); a request's own `packs` override them.
    public let packs: [String]?
    private let evaluator: Evaluator

    /// - Throws: `ValidationError` when `packs` (or the organisation's packs) names an unknown pack.
    public init(library: PolicyLibrary, organisation: CheckOrganisation = CheckOrganisation(), packs: [String]? = nil) throws(ValidationError) {
        self.library = library
        self.organisation = organisation
        self.packs = packs
        evaluator = try library.evaluator(for: packs ?? organisation.packs, field: packs != nil ? "--packs" : "packs")
    }

    public struct Answer: Sendable {
        /// One line of JSON, without the newline.
        public var json: String
        public var failed: Bool
    }

    private static let decoder = JSONDecoder()
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]  // the same request always gives the same bytes
        return e
    }()

    /// Answers one request.
    /// - Parameter line: the request's line in the input (`--jsonl`), named in an error.
    public func answer(_ data: Data, line: Int? = nil, now: Date = Date()) -> Answer {
        do {
            let request = try Self.decoder.decode(CheckRequest.self, from: data)
            let decision = try decide(request, now: now)
            return Answer(json: String(decoding: try Self.encoder.encode(decision), as: UTF8.self), failed: false)
        } catch {
            let message = (line.map { "line \($0): " } ?? "") + Self.describe(error)
            return Answer(json: Self.errorLine(id: Self.salvageID(data), message: message), failed: true)
        }
    }

    /// The decision for a decoded request, with the packs it asks for.
    public func decide(_ request: CheckRequest, now: Date = Date()) throws(ValidationError) -> Decision {
        let e = request.packs == nil ? evaluator : try library.evaluator(for: request.packs, field: "packs")
        return e.evaluate(request, settings: organisation.settings, now: now)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let e as ValidationError: return e.description
        case DecodingError.dataCorrupted(let c) where c.codingPath.isEmpty: return "request: not valid JSON"
        case let e as DecodingError: return "request: \(e)"
        default: return "request: \(error)"
        }
    }

    /// The id of a request that could not be decoded, when it can still be read, so the caller can
    /// tell which request failed.
    static func salvageID(_ data: Data) -> CheckID? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let s = object["id"] as? String { return .text(s) }
        if let n = object["id"] as? Int { return .number(n) }
        return nil
    }

    static func errorLine(id: CheckID?, message: String) -> String {
        struct ErrorLine: Encodable {
            var id: CheckID?
            var error: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: AnyKey.self)
                try c.encode(id, forKey: AnyKey("id"))
                try c.encode(error, forKey: AnyKey("error"))
            }
        }
        return (try? String(decoding: encoder.encode(ErrorLine(id: id, error: message)), as: UTF8.self)) ?? #"{"id":null,"error":"unencodable error"}"#
    }
}
