import NIOCore
import Vapor

/// A page written straight into bytes, every piece of text escaped as Leaf escapes it. For the pages
/// read most (a case's chronology), where rendering through Leaf cost a fifth of the server's time
/// (measured); the rest of the pages stay Leaf templates. `PageLayout` writes the same header and
/// footer as `base.leaf`, and a test holds the two to the same bytes.
struct HTML {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 16_384) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    /// Markup written as it is: only ever literals in our own code.
    mutating func raw(_ markup: StaticString) { buffer.writeStaticString(markup) }

    /// Text, escaped for an element's content or an attribute's value.
    mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() {
                let entity: StaticString
                switch b {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<i]))
                buffer.writeStaticString(entity)
                start = i + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
    }

    mutating func text(_ value: Int) { buffer.writeString(String(value)) }

    /// The page as an HTML response.
    func response(status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: buffer))
    }
}

/// The frame of every page, as `base.leaf` writes it.
enum PageLayout {
    /// Writes the page: the header (with the signed-in person and a sign-out form when `user` is
    /// given), `body` inside `<main>`, and the footer.
    static func page(title: String, user: String?, csrf: String, body: (inout HTML) -> Void) -> HTML {
        var h = HTML()
        h.raw("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n  <meta charset=\"utf-8\">\n")
        h.raw("  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  <title>")
        h.text(title)
        h.raw(" – SafeComms</title>\n  <link rel=\"stylesheet\" href=\"/assets/app.css\">\n</head>\n<body>\n")
        h.raw("  <a href=\"#main-content\" class=\"skip-link\">Skip to main content</a>\n")
        h.raw("  <header class=\"header\" role=\"banner\">\n    <div class=\"width-container header-row\">\n")
        h.raw("      <a href=\"/\" class=\"header-logo\">SafeComms</a>\n")
        if let user {
            h.raw(
                "      <nav class=\"header-nav\" aria-label=\"Sections\"><a href=\"/cases\">Cases</a> <a href=\"/phones\">Phones</a> <a href=\"/directory\">Directory</a> <a href=\"/incidents\">Incidents</a> <a href=\"/review\">Review</a> <a href=\"/tasks\">Tasks</a> <a href=\"/devices\">Devices</a> <a href=\"/policies\">Policies</a></nav>\n"
            )
            h.raw(
                "      <form method=\"post\" action=\"/logout\" class=\"header-signout\">\n        <span class=\"header-user\">"
            )
            h.text(user)
            h.raw(
                "</span> <a href=\"/account\" class=\"header-account\">Your account</a>\n        <input type=\"hidden\" name=\"csrf\" value=\""
            )
            h.text(csrf)
            h.raw("\">\n        <button type=\"submit\" class=\"link-button\">Sign out</button>\n      </form>\n")
        }
        h.raw(
            "    </div>\n  </header>\n  <div class=\"width-container\">\n    <main class=\"main\" id=\"main-content\" role=\"main\">\n"
        )
        body(&h)
        h.raw("\n    </main>\n  </div>\n  <footer class=\"footer\" role=\"contentinfo\">\n")
        h.raw(
            "    <div class=\"width-container\">Every view and change of a case is recorded in the audit trail. <a href=\"/accessibility\">Accessibility statement</a> <a href=\"/privacy\">Privacy notice</a></div>\n"
        )
        h.raw("  </footer>\n</body>\n</html>\n")
        return h
    }
}

extension PageLayout {
    /// A page for the signed-in member of staff, as a response.
    static func response(
        _ req: Request,
        _ title: String,
        status: HTTPStatus = .ok,
        _ body: (inout HTML) -> Void
    ) throws -> Response {
        page(title: title, user: try req.staff().name, csrf: CSRF.token(for: req), body: body).response(status: status)
    }
}
