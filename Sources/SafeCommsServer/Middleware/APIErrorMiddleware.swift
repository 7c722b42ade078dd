import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The JSON body of every error: a status, a reason, and for bad input the field at fault.
struct APIErrorBody: Content {
    struct FieldError: Content {
        var field: String
        var reason: String
    }
    var status: Int
    var reason: String
    var field: String?
    var errors: [FieldError]?
}

/// Turns every error into `APIErrorBody` JSON. Decoding errors name the JSON path of the bad value.
/// Internal errors are logged without request data and answered with a generic reason.
/// Future-based: every request passes through it, and an async middleware costs each a task.
struct APIErrorMiddleware: Middleware {
    let environment: Environment

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in Self.response(for: error, request: request) }
    }

    static func body(for error: any Error, request: Request) -> (HTTPResponseStatus, APIErrorBody, HTTPHeaders) {
        switch error {
        case let e as ValidationError:
            return (
                .unprocessableEntity,
                .init(status: 422, reason: e.reason, field: e.field, errors: [.init(field: e.field, reason: e.reason)]),
                [:]
            )
        case let e as ValidationErrors:
            let first = e.errors.first
            return (
                .unprocessableEntity,
                .init(
                    status: 422,
                    reason: first?.reason ?? "invalid",
                    field: first?.field,
                    errors: e.errors.map { .init(field: $0.field, reason: $0.reason) }
                ),
                [:]
            )
        case let e as DecodingError:
            let v = e.validationError
            return (
                .badRequest,
                .init(status: 400, reason: v.reason, field: v.field, errors: [.init(field: v.field, reason: v.reason)]),
                [:]
            )
        case let e as any AbortError:
            // Vapor wraps a failed JSON decode in an Abort whose reason mentions the path; keep it.
            return (e.status, .init(status: Int(e.status.code), reason: e.reason), e.headers)
        case is StoreBusy:
            // The write was rolled back; the client may simply try again shortly.
            request.logger.warning("store busy: answered 503")
            return (
                .serviceUnavailable,
                .init(
                    status: 503,
                    reason: "SafeComms is very busy just now and saved nothing; please try again in a moment"
                ),
                ["Retry-After": "1"]
            )
        case is ConnectionPoolTimeoutError:
            // No connection came free in time. A write made earlier in the same request may have been
            // kept, so the answer does not say nothing was saved.
            request.logger.warning("no database connection free: answered 503")
            return (
                .serviceUnavailable,
                .init(
                    status: 503,
                    reason:
                        "SafeComms is very busy just now; please check whether your change was saved before trying again"
                ),
                ["Retry-After": "1"]
            )
        default:
            request.logger.report(error: error)
            return (.internalServerError, .init(status: 500, reason: "internal error"), [:])
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let (status, body, headers) = body(for: error, request: request)
        if !request.url.path.hasPrefix("/api/") && request.url.path != "/metrics" {
            // A page names the field in words ("transcript: contains a NUL character …").
            let reason =
                body.field.map { "\($0.replacingOccurrences(of: "_", with: " ")): \(body.reason)" } ?? body.reason
            return htmlPage(status: status, reason: reason, headers: headers)
        }
        let response = Response(status: status, headers: headers)
        do {
            try response.content.encode(body, as: .json)
        } catch {
            response.body = .init(string: "{\"status\":\(status.code),\"reason\":\"error\"}")
        }
        return response
    }
}

/// People using the pages get a page, not JSON. The reason is escaped; it never holds case data.
private func htmlPage(status: HTTPResponseStatus, reason: String, headers: HTTPHeaders) -> Response {
    let escaped = reason.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    let title =
        status == .notFound
        ? "Page not found" : status == .forbidden ? "You cannot do this" : "Sorry, there is a problem"
    let html = """
        <!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>\(title) – SafeComms</title>
        <link rel="stylesheet" href="/assets/app.css"></head><body><div class="width-container"><main class="main">
        <h1 class="heading-l">\(title)</h1><p class="body">\(escaped)</p><p class="body"><a href="/cases">Go to my cases</a></p>
        </main></div></body></html>
        """
    var h = headers
    h.contentType = .html
    return Response(status: status, headers: h, body: .init(string: html))
}

extension DecodingError {
    /// The field (as a JSON path in the client's snake_case) and what is wrong with it.
    var validationError: ValidationError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { k in k.intValue.map { "[\($0)]" } ?? k.stringValue.snakeCased }
                .reduce("") { acc, part in part.hasPrefix("[") || acc.isEmpty ? acc + part : acc + "." + part }
        }
        switch self {
        case .keyNotFound(let key, let ctx):
            let field = path(ctx.codingPath + [key])
            return .init(field: field, reason: "is required")
        case .typeMismatch(let type, let ctx):
            return .init(field: path(ctx.codingPath), reason: "has the wrong type; expected \(Self.describe(type))")
        case .valueNotFound(let type, let ctx):
            return .init(field: path(ctx.codingPath), reason: "must not be null; expected \(Self.describe(type))")
        case .dataCorrupted(let ctx):
            let field = path(ctx.codingPath)
            if let v = ctx.underlyingError as? ValidationError {
                return .init(field: field.isEmpty ? v.field : field, reason: v.reason)
            }
            return .init(
                field: field.isEmpty ? "body" : field,
                reason: field.isEmpty ? "is not valid JSON" : ctx.debugDescription
            )
        @unknown default:
            return .init(field: "body", reason: "could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "\(type)".lowercased()
        }
    }
}
