import Foundation
import Leaf
import LeafKit
import Testing
import Vapor

@testable import SafeCommsServer

/// Pages written directly (`PageLayout`) and pages rendered by Leaf (`base.leaf`) share one frame:
/// the same markup, whitespace aside, for a signed-in person and for nobody.
@Suite struct PageLayoutTests {
    struct Frame: Encodable {
        var title: String
        var user: String?
        var csrf: String
    }

    @Test(arguments: [
        Frame(title: "Case <C-1> & \"co\"", user: "Pat O'Neil", csrf: "abc123"),
        Frame(title: "Sign in", user: nil, csrf: "def"),
    ])
    func directPagesHaveLeafsFrame(frame: Frame) async throws {
        try await withTestApp(.sqlite) { app in
            var context: [String: LeafData] = ["title": .string(frame.title), "csrf": .string(frame.csrf)]
            if let user = frame.user { context["user"] = .string(user) }
            let leaf = try await app.leaf.renderer.render(path: "base", context: context).get()
            let direct = PageLayout.page(title: frame.title, user: frame.user, csrf: frame.csrf) { _ in }
            #expect(Self.normalised(String(buffer: leaf)) == Self.normalised(String(buffer: direct.buffer)))
            if frame.user != nil {
                #expect(
                    String(buffer: direct.buffer).contains("Case &lt;C-1&gt; &amp; &quot;co&quot;")
                        && String(buffer: direct.buffer).contains("Pat O&#39;Neil")
                )
            }
        }
    }

    /// Whitespace between tags and runs of spaces count as one space.
    static func normalised(_ html: String) -> String {
        html.replacing(/\s+/, with: " ").replacing(/> </, with: "><").trimmingCharacters(in: .whitespaces)
    }
}
