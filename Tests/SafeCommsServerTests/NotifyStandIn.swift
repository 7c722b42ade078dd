import Crypto
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import SafeCommsCore

/// GOV.UK Notify, as its API documentation describes it, served on a loopback port for the tests:
/// `POST /v2/notifications/sms|email` and `GET /v2/notifications?reference=`. Each request's bearer
/// token must be an HS256 JWT of `{"typ":"JWT","alg":"HS256"}` whose `iss` is the service id and
/// whose `iat` is within 30 seconds, signed with the key's secret; otherwise 403 `AuthError`, as
/// Notify answers. A body without its template or placeholder is 400 `BadRequestError`. A 201 answers
/// `{id, reference, content, uri, template}`. Tests can make it answer 429 `RateLimitError`, or take a
/// message and lose the answer (a 500 after it is kept), as a crash or a dropped connection would, or
/// keep one and hold its answer back while the sender is killed.
final class NotifyStandIn: Sendable {
    struct Received: Sendable {
        var channel: String
        var to: String
        var templateID: String
        var personalisation: [String: String]
        var reference: String
        var id: String
        var at: Date
    }

    struct State: Sendable {
        var received: [Received] = []
        /// Answer the next this many sends with 429.
        var rateLimit = 0
        /// Keep the next this many sends but answer 500, as if the answer were lost.
        var loseAnswers = 0
        /// Keep the next this many sends and answer nothing until `release` (or two minutes), so that
        /// the sender can be killed while it waits.
        var holdAnswers = 0
        var released = false
        var refusedTokens = 0
        /// Where Notify's callbacks go, and the token they carry, once set.
        var callback: (url: String, token: String)?
    }

    /// Notify's simulated numbers and addresses and what becomes of a message to them.
    static let simulated: [String: String] = [
        "07700900002": "permanent-failure", "+447700900002": "permanent-failure",
        "07700900003": "temporary-failure", "+447700900003": "temporary-failure",
        "perm-fail@simulator.notify": "permanent-failure", "temp-fail@simulator.notify": "temporary-failure",
    ]

    let app: Application
    private let address = NIOLockedValueBox("")
    /// Where it listens, once started.
    var url: String { address.withLockedValue { $0 } }
    let serviceID = UUID().uuidString.lowercased()
    let secret = UUID().uuidString.lowercased()
    let smsTemplate = UUID().uuidString.lowercased()
    let emailTemplate = UUID().uuidString.lowercased()
    let state = NIOLockedValueBox(State())

    /// The API key SafeComms is given, in Notify's `name-service-secret` form.
    var apiKey: String { "safecomms-test-\(serviceID)-\(secret)" }
    var received: [Received] { state.withLockedValue { $0.received } }

    private init(app: Application) { self.app = app }

    static func start() async throws -> NotifyStandIn {
        let app = try await Application.make(.testing)
        var logger = Logger(label: "notify-stand-in")
        logger.logLevel = .warning
        app.logger = logger
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        // The routes are read when the server starts.
        let standIn = NotifyStandIn(app: app)
        standIn.routes()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        standIn.address.withLockedValue { $0 = "http://127.0.0.1:\(port)" }
        return standIn
    }

    func stop() async throws {
        state.withLockedValue { $0.released = true }
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    private func routes() {
        for channel in ["sms", "email"] {
            app.post("v2", "notifications", .constant(channel)) { [self] req async throws -> Response in
                if let refused = authError(req) { return refused }
                if let answer = try send(req, channel) { return answer }
                for _ in 0..<1200 where !state.withLockedValue({ $0.released }) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                return try Self.error(500, "Exception", "Internal server error")
            }
        }
        app.get("v2", "notifications") { [self] req async throws -> Response in
            if let refused = authError(req) { return refused }
            let reference = req.query[String.self, at: "reference"]
            let found = received.filter { reference == nil || $0.reference == reference }
            return try Self.json(
                .ok,
                [
                    "notifications": found.map { ["id": $0.id, "reference": $0.reference, "status": "created"] },
                    "links": ["current": "\(url)/v2/notifications"],
                ]
            )
        }
    }

    /// Notify's answer, or nil when it is held back (`holdAnswers`).
    private func send(_ req: Request, _ channel: String) throws -> Response? {
        guard let body = req.body.data,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        else { return try Self.error(400, "BadRequestError", "Request body is not JSON") }
        let to = object[channel == "sms" ? "phone_number" : "email_address"] as? String
        guard let to, !to.isEmpty else {
            return try Self.error(
                400,
                "ValidationError",
                "\(channel == "sms" ? "phone_number" : "email_address") is a required property"
            )
        }
        guard let template = object["template_id"] as? String,
            template == (channel == "sms" ? smsTemplate : emailTemplate)
        else { return try Self.error(400, "BadRequestError", "Template not found") }
        let personalisation = object["personalisation"] as? [String: String] ?? [:]
        guard personalisation["body"] != nil, channel == "sms" || personalisation["subject"] != nil else {
            return try Self.error(400, "BadRequestError", "Missing personalisation: body")
        }
        let reference = object["reference"] as? String ?? ""
        let outcome = state.withLockedValue { s -> (Int, String?) in
            if s.rateLimit > 0 {
                s.rateLimit -= 1
                return (429, nil)
            }
            let id = UUID().uuidString.lowercased()
            s.received.append(
                Received(
                    channel: channel,
                    to: to,
                    templateID: template,
                    personalisation: personalisation,
                    reference: reference,
                    id: id,
                    at: Date()
                )
            )
            if s.loseAnswers > 0 {
                s.loseAnswers -= 1
                return (500, id)
            }
            if s.holdAnswers > 0 {
                s.holdAnswers -= 1
                return (0, id)
            }
            return (201, id)
        }
        switch outcome {
        case (429, _):
            return try Self.error(
                429,
                "RateLimitError",
                "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
            )
        case (500, _):
            return try Self.error(500, "Exception", "Internal server error")
        case (0, _):
            return nil
        default:
            let id = outcome.1!
            deliver(id: id, reference: reference, to: to, channel: channel)
            return try Self.json(
                .created,
                [
                    "id": id, "reference": reference,
                    "content": ["body": personalisation["body"] ?? "", "from_number": "SafeComms"],
                    "uri": "\(url)/v2/notifications/\(id)",
                    "template": ["id": template, "version": 1, "uri": "\(url)/v2/template/\(template)"],
                ]
            )
        }
    }

    /// Notify's delivery receipt, sent soon after, when a callback is set: delivered, unless the
    /// number or address is one of Notify's simulated failures.
    private func deliver(id: String, reference: String, to: String, channel: String) {
        guard let callback = state.withLockedValue({ $0.callback }) else { return }
        let body: [String: Any] = [
            "id": id, "reference": reference, "to": to, "status": Self.simulated[to] ?? "delivered",
            "created_at": "2026-12-06T10:00:00.000000Z", "completed_at": "2026-12-06T10:00:05.000000Z",
            "sent_at": "2026-12-06T10:00:01.000000Z", "notification_type": channel,
            "template_id": channel == "sms" ? smsTemplate : emailTemplate, "template_version": 1,
        ]
        post(body, to: callback)
    }

    /// A text received on the service's number, as Notify's received-text callback sends it.
    func receive(from number: String, _ message: String) {
        guard let callback = state.withLockedValue({ $0.callback }) else { return }
        post(
            [
                "id": UUID().uuidString.lowercased(), "source_number": number, "destination_number": "07700900999",
                "message": message, "date_received": "2026-12-06T10:30:00.000000Z",
            ],
            to: callback
        )
    }

    private func post(_ body: [String: Any], to callback: (url: String, token: String)) {
        let client = app.client
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        Task {
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: callback.token)
            headers.contentType = .json
            _ = try? await client.post(URI(string: callback.url), headers: headers) { req in
                req.body = ByteBuffer(data: data)
            }
        }
    }

    /// Notify's check of the bearer token: HS256, the service as `iss`, `iat` within 30 seconds.
    private func authError(_ req: Request) -> Response? {
        func refuse(_ message: String) -> Response? {
            state.withLockedValue { $0.refusedTokens += 1 }
            return try? Self.error(403, "AuthError", message)
        }
        guard let token = req.headers.bearerAuthorization?.token else {
            return refuse("Unauthorized: authentication token must be provided")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = Self.json(base64URL: parts[0]), let claims = Self.json(base64URL: parts[1])
        else { return refuse("Invalid token: signature, api token not found") }
        guard header["alg"] as? String == "HS256" else { return refuse("Invalid token: algorithm used is not HS256") }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array((parts[0] + "." + parts[1]).utf8),
            using: SymmetricKey(data: Array(secret.utf8))
        )
        guard NotifyKey.base64URL(Array(mac)) == parts[2] else {
            return refuse("Invalid token: signature, api token not found")
        }
        guard claims["iss"] as? String == serviceID else { return refuse("Invalid token: service not found") }
        guard let iat = claims["iat"] as? Int, abs(Date().timeIntervalSince1970 - Double(iat)) <= 30 else {
            return refuse("Invalid token: expired, check that your system clock is accurate")
        }
        return nil
    }

    static func json(base64URL text: String) -> [String: Any]? {
        var b = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        guard let data = Data(base64Encoded: b) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func json(_ status: HTTPStatus, _ object: [String: Any]) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(
            status: status,
            headers: headers,
            body: .init(data: try JSONSerialization.data(withJSONObject: object))
        )
    }

    static func error(_ status: UInt, _ kind: String, _ message: String) throws -> Response {
        try json(
            HTTPStatus(statusCode: Int(status)),
            ["status_code": status, "errors": [["error": kind, "message": message]]]
        )
    }
}
