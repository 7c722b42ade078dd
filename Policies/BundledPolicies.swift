import Foundation
import SafeCommsCore

/// The five packs SafeComms ships, one per annotated document in `Policies/sources/`, bundled as
/// package resources so the CLI and the server carry them wherever they are installed.
public enum BundledPolicies {
    public static let ids = [
        "coventry-mobile-2017", "whatsapp-2020", "pan-dorset-4.4", "worknlearn-mobile", "lincolnshire-telephone-2024",
    ]

    /// Parses and checks every bundled pack.
    /// - Throws: `PolicyPackError` naming the file and field at fault.
    public static func load() throws -> [PolicyPack] {
        try ids.map { id in
            guard let url = Bundle.module.url(forResource: id, withExtension: "yaml") else {
                throw PolicyPackError(file: "\(id).yaml", field: "", reason: "missing from the installed resources")
            }
            return try PolicyPack.load(yaml: String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
        }
    }

    /// A bundled pack's YAML as shipped, for an administrator to start a changed version from.
    public static func yaml(of id: String) -> String? {
        guard ids.contains(id), let url = Bundle.module.url(forResource: id, withExtension: "yaml") else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    /// Each pack's clauses in the words of its source document: pack id → clause id → text.
    /// - Throws: `PolicyPackError` when a document is missing from the installed resources.
    public static func clauseTexts(for packs: [PolicyPack]) throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for pack in packs {
            let name = (pack.source as NSString).deletingPathExtension
            guard let url = Bundle.module.url(forResource: name, withExtension: "md", subdirectory: "sources") else {
                throw PolicyPackError(file: pack.source, field: "", reason: "missing from the installed resources")
            }
            out[pack.id] = ClauseText.parse(document: try String(contentsOf: url, encoding: .utf8))
        }
        return out
    }

    /// The library of the bundled packs, loaded once per process.
    public static func library() throws -> PolicyLibrary {
        try PolicyLibrary(packs: load())
    }
}
