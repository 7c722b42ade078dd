import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `POST /notify/callback`: GOV.UK Notify's delivery receipts and received texts, authorised by the
/// callback token set on Notify's API integration page (`SAFECOMMS_NOTIFY_CALLBACK_TOKEN`), compared
/// in constant time. Without a token set the route answers 404, as if it were not there.
struct NotifyCallbackController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("notify", "callback", use: callback)
    }

    /// Both of Notify's callbacks: a receipt has `reference` and `status`; a received text has
    /// `source_number` and `message`. Notify sends more than this reads.
    struct Body: Decodable {
        var id: String
        var reference: String?
        var status: String?
        var completed_at: String?
        var source_number: String?
        var message: String?
        var date_received: String?
    }

    func callback(req: Request) async throws -> HTTPStatus {
        guard let expected = req.application.safeCommsConfig.notify?.callbackToken else { throw Abort(.notFound) }
        guard let token = req.headers.bearerAuthorization?.token, Self.constantTimeEqual(token, expected) else {
            throw Abort(.unauthorized, reason: "the callback token is missing or wrong")
        }
        guard let data = req.body.data, let body = try? JSONDecoder().decode(Body.self, from: Data(buffer: data)) else {
            throw ValidationError(field: "request", reason: "is not a GOV.UK Notify callback")
        }
        let app = req.application
        if let from = body.source_number {
            _ = try await NotifyCallbacks.received(
                notifyID: body.id,
                from: from,
                text: body.message ?? "",
                at: Self.time(body.date_received) ?? Date(),
                library: app.policyLibrary,
                key: app.auditKey,
                witness: app.auditWitness,
                on: req.db
            )
            return .noContent
        }
        guard let reference = body.reference, let status = body.status else {
            throw ValidationError(field: "status", reason: "a delivery receipt names its reference and status")
        }
        _ = try await NotifyCallbacks.receipt(
            reference: reference,
            notifyID: body.id,
            status: status,
            at: Self.time(body.completed_at) ?? Date(),
            link: app.safeCommsConfig.publicURL,
            key: app.auditKey,
            witness: app.auditWitness,
            on: req.db
        )
        return .noContent
    }

    /// Notify's times: `2017-05-14T12:15:30.000000Z`, with or without the fraction.
    static func time(_ text: String?) -> Date? {
        guard let text else { return nil }
        let whole = text.split(separator: ".").first.map(String.init) ?? text
        return try? Date(whole.hasSuffix("Z") ? whole : whole + "Z", strategy: .iso8601)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
