import Foundation
import NIOCore
import SafeCommsCore
import SafeCommsStore
import Vapor

/// GOV.UK Notify, as SafeComms uses it: one template per channel whose body is a single placeholder
/// filled with the message (`SAFECOMMS_NOTIFY_*`).
public struct NotifySettings: Sendable, Equatable {
    public var key: NotifyKey
    public var baseURL: String
    public var smsTemplate: String?
    public var emailTemplate: String?
    /// The template's placeholder the message fills (`((body))` by default); an e-mail's subject fills
    /// `((subject))`.
    public var personalisationKey: String
    /// The bearer token Notify's callbacks carry (set on Notify's API integration page).
    public var callbackToken: String?

    public init(
        key: NotifyKey,
        baseURL: String = "https://api.notifications.service.gov.uk",
        smsTemplate: String?,
        emailTemplate: String?,
        personalisationKey: String = "body",
        callbackToken: String? = nil
    ) {
        self.key = key
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.smsTemplate = smsTemplate
        self.emailTemplate = emailTemplate
        self.personalisationKey = personalisationKey
        self.callbackToken = callbackToken
    }

    /// Whether this channel can be sent through Notify here.
    public func sends(_ channel: String) -> Bool {
        channel == "sms" ? smsTemplate != nil : channel == "email" ? emailTemplate != nil : false
    }
}

/// Notify's API for sending and for asking after a message already sent. Every request carries a
/// fresh token (`NotifyKey.token`). What Notify answers is turned into what the sender does next.
struct NotifyClient: MessageTransport {
    let settings: NotifySettings
    let client: any Client

    private var headers: HTTPHeaders {
        var h = HTTPHeaders()
        h.bearerAuthorization = BearerAuthorization(token: settings.key.token())
        h.contentType = .json
        return h
    }

    /// Notify's receipts move it on from here.
    var handedOnStatus: String { "created" }

    func send(_ m: OutgoingMessage) async -> TransportAnswer {
        let sms = m.channel == "sms"
        guard let template = sms ? settings.smsTemplate : settings.emailTemplate else {
            return .refused("no GOV.UK Notify template is set for \(sms ? "text messages" : "e-mail")")
        }
        var personalisation = [settings.personalisationKey: m.body]
        if let subject = m.subject { personalisation["subject"] = subject }
        let body = SendBody(
            phoneNumber: sms ? m.recipient : nil,
            emailAddress: sms ? nil : m.recipient,
            templateID: template,
            personalisation: personalisation,
            reference: m.id!.uuidString.lowercased()
        )
        do {
            let response = try await client.post(
                URI(string: "\(settings.baseURL)/v2/notifications/\(sms ? "sms" : "email")"),
                headers: headers
            ) { req in
                try req.content.encode(body, as: .json)
            }
            switch response.status.code {
            case 201:
                guard let id = Self.read(Created.self, response)?.id else {
                    return .uncertain("Notify answered 201 without an id")
                }
                return .accepted(id: id)
            case 429:
                return .rateLimited(after: response.headers.first(name: "Retry-After").flatMap(TimeInterval.init))
            case 400, 403:
                return .refused(Self.reason(response))
            default:
                return .uncertain("Notify answered \(response.status.code)")
            }
        } catch {
            return .uncertain("no answer from Notify: \(String(describing: error).prefix(200))")
        }
    }

    /// Notify's id for the message sent with this reference, if it has one.
    func find(reference: UUID) async throws -> String? {
        let response = try await client.get(
            URI(string: "\(settings.baseURL)/v2/notifications?reference=\(reference.uuidString.lowercased())"),
            headers: headers
        )
        guard response.status == .ok else {
            throw Abort(.badGateway, reason: "Notify answered \(response.status.code) when asked by reference")
        }
        guard let found = Self.read(Found.self, response) else {
            throw Abort(.badGateway, reason: "Notify's answer when asked by reference could not be read")
        }
        return found.notifications.first?.id
    }

    /// Notify's errors: `{"status_code": 400, "errors": [{"error": "BadRequestError", "message": "…"}]}`.
    static func reason(_ response: ClientResponse) -> String {
        struct Errors: Decodable {
            struct One: Decodable { var message: String }
            var errors: [One]
        }
        let messages = read(Errors.self, response)?.errors.map(\.message) ?? []
        return messages.isEmpty ? "Notify refused it (\(response.status.code))" : messages.joined(separator: "; ")
    }

    /// Notify's answers hold more than SafeComms reads: read leniently, unlike a request to SafeComms.
    static func read<T: Decodable>(_ type: T.Type, _ response: ClientResponse) -> T? {
        guard let body = response.body else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(buffer: body))
    }

    struct SendBody: Content {
        var phoneNumber: String?
        var emailAddress: String?
        var templateID: String
        var personalisation: [String: String]
        var reference: String

        enum CodingKeys: String, CodingKey {
            case phoneNumber = "phone_number", emailAddress = "email_address", templateID = "template_id"
            case personalisation, reference
        }
    }

    struct Created: Decodable { var id: String }
    struct Found: Decodable {
        struct One: Decodable { var id: String }
        var notifications: [One]
    }
}
