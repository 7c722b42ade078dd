import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SafeCommsStore
import Vapor

/// Sends the e-mails in the outbox (LIN-10). A notification is written in the same transaction as the
/// message it announces, so an acknowledged message always has one, even if the server stops before
/// it goes; this sends what is due, marks it sent, and on failure keeps it with the error and tries
/// again later, waiting longer each time (up to an hour). Delivery is at least once: a crash between
/// the relay accepting a message and the row being marked sent repeats that one e-mail.
///
/// With no relay configured nothing is sent and notifications wait in the outbox; `pending` shows them.
final class NotificationOutbox: Sendable {
    let db: any Database
    let smtp: SMTPClient?
    let logger: Logger
    let retryBase: TimeInterval

    init(db: any Database, smtp: SMTPClient?, logger: Logger, retryBase: TimeInterval) {
        self.db = db
        self.smtp = smtp
        self.logger = logger
        self.retryBase = retryBase
    }

    /// Sends every notification due now, oldest first, a batch at a time. Returns how many were sent
    /// and how many failed.
    @discardableResult
    func deliverDue(now: Date = Date()) async throws -> (sent: Int, failed: Int) {
        guard let smtp else { return (0, 0) }
        let due = try await claimDue(now: now)
        var sent = 0, failed = 0
        for n in due {
            do {
                try await smtp.send(MailMessage(to: n.recipient, subject: n.subject, body: n.body, urgent: n.urgent))
                n.sentAt = Date()
                n.lastError = nil
                sent += 1
            } catch {
                n.attempts += 1
                n.lastError = String(describing: error).prefix(500).description
                n.nextAttemptAt = Date().addingTimeInterval(min(3600, retryBase * pow(2, Double(n.attempts - 1))))
                failed += 1
                // The id only: the recipient's address is personal data and stays out of logs.
                logger.warning(
                    "notification not sent; will retry",
                    metadata: ["notification": "\(n.id?.uuidString ?? "")", "attempts": "\(n.attempts)"]
                )
            }
            let id = try n.requireID(), sentAt = n.sentAt, lastError = n.lastError, attempts = n.attempts,
                next = n.nextAttemptAt
            try await WriteTransaction.run(on: db) { tx in
                try await SafeCommsStore.Notification.query(on: tx).filter(\.$id == id).set(\.$sentAt, to: sentAt).set(
                    \.$lastError,
                    to: lastError
                )
                .set(\.$attempts, to: attempts).set(\.$nextAttemptAt, to: next).update()
            }
        }
        return (sent, failed)
    }

    /// How long a claimed notification is left to the process that claimed it before another may try.
    static let claim: TimeInterval = 300
    /// How many are claimed at once: sent one after another, each within the SMTP client's 20 s
    /// limit, a batch is done well inside its claim.
    static let batch = 10

    /// What is due now, claimed for this process: its next attempt is put off by `claim`, in the same
    /// transaction, so another server process sharing the database does not send it too. On
    /// PostgreSQL rows another process is claiming are skipped (`FOR UPDATE SKIP LOCKED`); on SQLite
    /// this process is the only writer.
    private func claimDue(now: Date) async throws -> [SafeCommsStore.Notification] {
        try await WriteTransaction.run(on: db) { tx in
            let ids: [UUID]
            if tx.isPostgres, let sql = tx as? any SQLDatabase {
                ids = try await sql.raw(
                    """
                    SELECT id FROM \(ident: Notification.schema) WHERE sent_at IS NULL AND next_attempt_at <= \(bind: now)
                    ORDER BY next_attempt_at LIMIT \(literal: Self.batch) FOR UPDATE SKIP LOCKED
                    """
                ).all().map { try $0.decode(column: "id", as: UUID.self) }
            } else {
                ids = try await Notification.query(on: tx).filter(\.$sentAt == nil).filter(\.$nextAttemptAt <= now)
                    .sort(\.$nextAttemptAt).limit(Self.batch).all().compactMap(\.id)
            }
            guard !ids.isEmpty else { return [] }
            try await Notification.query(on: tx).filter(\.$id ~~ ids).set(
                \.$nextAttemptAt,
                to: now.addingTimeInterval(Self.claim)
            ).update()
            return try await Notification.query(on: tx).filter(\.$id ~~ ids).sort(\.$createdAt).all()
        }
    }
}

struct NotificationOutboxKey: StorageKey {
    typealias Value = NotificationOutbox
}

extension Application {
    var notificationOutbox: NotificationOutbox { storage[NotificationOutboxKey.self]! }
}
