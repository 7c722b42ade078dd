import Foundation
import SafeCommsStore

/// Where a case's text or e-mail is handed on: GOV.UK Notify, or for e-mail the council's mail relay
/// (`SAFECOMMS_EMAIL_VIA`). `MessageSender` claims, limits, retries and records; a transport only
/// hands one message on and says what became of it.
protocol MessageTransport: Sendable {
    /// The message's status once handed on.
    var handedOnStatus: String { get }
    func send(_ m: OutgoingMessage) async -> TransportAnswer
    /// The transport's id for the message sent with this reference, if it already has it; nil when it
    /// does not, or cannot be asked.
    func find(reference: UUID) async throws -> String?
}

/// What a transport said of one message.
enum TransportAnswer: Sendable, Equatable {
    /// It has it, under this id.
    case accepted(id: String)
    /// Too many; try again after this many seconds (the sender's own wait when not said).
    case rateLimited(after: TimeInterval?)
    /// It will never take it as it is; why.
    case refused(String)
    /// A server error, a timeout, no answer: it may or may not have arrived.
    case uncertain(String)
}

/// E-mail through the council's relay (`SMTPClient`). A relay takes a message or refuses it and sends
/// no receipts, so a message it took is "sent". It cannot be asked whether it already has a message:
/// one whose earlier attempt had no clear answer is sent again, under the same Message-ID (the
/// message's own id), so the copy is recognisably the same message. Notify, which can be asked, never
/// sends twice.
struct RelayTransport: MessageTransport {
    let smtp: SMTPClient

    var handedOnStatus: String { "sent" }

    func send(_ m: OutgoingMessage) async -> TransportAnswer {
        let id = m.id?.uuidString.lowercased() ?? UUID().uuidString.lowercased()
        let mail = MailMessage(
            to: m.recipient,
            subject: m.subject ?? "A message from your social care team",
            body: m.body,
            urgent: false,
            messageID: id
        )
        do {
            try await smtp.send(mail)
            return .accepted(id: "\(id)@\(SMTPClient.heloName(smtp.settings.from))")
        } catch SMTPError.rejected(let command, let code, let reply)
            where (500..<600).contains(code) && ["RCPT", "DATA", "the message"].contains(command)
        {
            // This recipient or this message; a refusal before (EHLO, STARTTLS, AUTH, MAIL) is the
            // relay's setting, and the message waits for it to be put right.
            return .refused("the mail server refused \(command): \(reply.prefix(200))")
        } catch {
            return .uncertain("\(String(describing: error).prefix(200))")
        }
    }

    func find(reference: UUID) async throws -> String? { nil }
}
