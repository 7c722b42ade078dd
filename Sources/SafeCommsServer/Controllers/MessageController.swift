import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Texts and e-mails sent from a case through GOV.UK Notify (`SendMessage`): checked, refused when
/// blocked, sent past a warning only with a reason, recorded the moment they are queued.
struct MessageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let messages = routes.grouped("cases", ":caseID", "messages")
        messages.post(use: send)
        messages.get(":messageID", use: show)
    }

    struct Input: Content {
        var personId: UUID?
        var channel: String
        var text: String
        var subject: String?
        var proceedReason: String?
    }

    /// 201 `{id, decision, status, record_id}`; a blocked check is 422 with the decision and nothing sent.
    func send(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let input = try req.content.decode(Input.self)
        guard req.application.messageSender?.sends(input.channel) == true else {
            throw ValidationError(
                field: "channel",
                reason:
                    "sending \(input.channel) through SafeComms is not set up here: send it from your work phone or e-mail and record it"
            )
        }
        do {
            let (message, decision) = try await SendMessage.queue(
                .init(
                    personID: input.personId,
                    channel: input.channel,
                    subject: input.subject,
                    text: input.text,
                    proceedReason: input.proceedReason
                ),
                on: c,
                by: p,
                library: req.application.policyLibrary,
                audit: try req.auditContext(),
                on: req.db
            )
            return Self.json(
                [
                    "id": message.id!.uuidString, "status": message.status, "record_id": message.recordID.uuidString,
                ],
                decision: decision,
                status: .created
            )
        } catch let blocked as SendMessage.Blocked {
            return Self.json(
                [
                    "error": true,
                    "reason":
                        "the check blocked it (\(blocked.decision.clauses.joined(separator: ", "))): nothing was sent",
                ],
                decision: blocked.decision,
                status: .unprocessableEntity
            )
        }
    }

    func show(req: Request) async throws -> OutgoingMessageDTO {
        let (c, _) = try await CaseAccess.load(req, .read)
        return OutgoingMessageDTO(
            try await SendMessage.one(try req.id("messageID", field: "message_id"), on: c, on: req.db)
        )
    }

    /// A JSON object with the decision as the check writes it beside `fields`.
    static func json(_ fields: [String: Any], decision: Decision, status: HTTPStatus) -> Response {
        var object = fields
        object["decision"] = (try? JSONSerialization.jsonObject(with: Data(decision.json))) ?? [:]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}

/// A message sent from a case, as the API shows it: never its words or recipient.
struct OutgoingMessageDTO: Content {
    var id: UUID?
    var channel: String
    var status: String
    var decision: String
    var clauses: [String]
    var sentAt: Date
    var statusAt: Date?
    var recordId: UUID

    init(_ m: OutgoingMessage) {
        id = m.id
        channel = m.channel
        status = m.status
        decision = m.decision
        clauses = m.clauses.split(separator: ",").map(String.init)
        sentAt = m.createdAt
        statusAt = m.statusAt
        recordId = m.recordID
    }
}
