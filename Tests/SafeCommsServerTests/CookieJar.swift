import Vapor

/// What a browser keeps of `Set-Cookie`: every cookie by name, dropped when the server expires it.
struct CookieJar: Sendable {
    private(set) var values: [String: String] = [:]
    /// The `Set-Cookie` header that last set the session cookie, to check its attributes.
    private(set) var lastSessionHeader: String?

    var session: String? { values["safecomms_session"] }

    /// The `Cookie` header to send, or nil when there is nothing to send.
    var header: String? {
        values.isEmpty ? nil : values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    mutating func take(_ headers: HTTPHeaders) {
        for set in headers[.setCookie] {
            let pair = set.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard let name = pair.first.map(String.init) else { continue }
            if name == "safecomms_session" { lastSessionHeader = set }
            // Only the attributes say whether it expired: the value itself may hold any text ("1970" too).
            let attributes = set.split(separator: ";").dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            let expired = attributes.contains { $0 == "max-age=0" || ($0.hasPrefix("expires=") && $0.contains("1970")) }
            if pair.count == 2, !pair[1].isEmpty, !expired {
                values[name] = String(pair[1])
            } else {
                values[name] = nil
            }
        }
    }
}
