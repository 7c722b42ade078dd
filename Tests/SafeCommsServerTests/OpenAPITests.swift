import Foundation
import Testing
import Vapor
import VaporTesting
import Yams

@testable import SafeCommsServer

/// The OpenAPI document served at /openapi.yaml describes exactly the JSON API's routes.
@Suite struct OpenAPITests {
    @Test func documentMatchesRoutes() async throws {
        try await withTestApp(.sqlite) { app in
            // setup
            let res = try await app.send(.GET, "/openapi.yaml", token: nil)
            #expect(res.status == .ok)
            let doc = try #require(try Yams.load(yaml: res.text) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            let methods = ["get", "put", "post", "patch", "delete"]
            var documented: Set<String> = []
            for (path, item) in paths {
                for m in methods where item[m] != nil {
                    documented.insert(AccessMatrixTests.routeKey(HTTPMethod(rawValue: m.uppercased()), path))
                }
            }

            // MUT: the routes the application serves that belong to the API and operations
            let served = Set(
                app.routes.all.compactMap { r -> String? in
                    let path = "/" + r.path.map(\.description).joined(separator: "/")
                    let isAPI =
                        path.hasPrefix("/api/") || ["/healthz", "/readyz", "/metrics", "/openapi.yaml"].contains(path)
                    return isAPI ? AccessMatrixTests.routeKey(r.method, path) : nil
                }
            )

            // validation
            #expect(
                served == documented,
                "undocumented: \(served.subtracting(documented)); not served: \(documented.subtracting(served))"
            )
            // Every $ref points at something that exists.
            let components = try #require(doc["components"] as? [String: [String: Any]])
            let refs = res.text.matches(of: /\$ref: "#\/components\/(\w+)\/(\w+)"/).map { (String($0.1), String($0.2)) }
            #expect(!refs.isEmpty)
            for (kind, name) in refs {
                #expect(components[kind]?[name] != nil, "dangling $ref \(kind)/\(name)")
            }
        }
    }
}
