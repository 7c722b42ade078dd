import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Sends the texts and e-mails queued on cases (`SendMessage`) through GOV.UK Notify (or e-mail through
/// the council's relay, `RelayTransport`), after the transaction that queued them has committed. Never
/// twice through Notify: a message whose earlier attempt had no clear answer (a timeout, a 5xx, a
/// crash before its status was written) is first looked for at Notify by its reference, and only sent
/// if Notify does not have it. A 429 waits as long as Notify
/// says; a 400 or 403 fails at once and the worker is e-mailed why (never the message). At most
/// 3,000 go in any minute, Notify's limit for a key. Several servers may run this: each claims what
/// it sends (as the e-mail outbox does).
final class MessageSender: Sendable {
    let db: any Database
    /// How each channel ("sms", "email") is sent; a channel without one cannot be sent from here.
    let transports: [String: any MessageTransport]
    let logger: Logger
    let retryBase: TimeInterval
    /// How long a claimed message is left to the process that claimed it.
    let claim: TimeInterval
    let link: String
    private let window: NIOLockedValueBox<SendWindow>

    init(
        db: any Database,
        transports: [String: any MessageTransport],
        logger: Logger,
        retryBase: TimeInterval,
        claim: TimeInterval = 300,
        link: String,
        perMinute: Int = 3000
    ) {
        self.db = db
        self.transports = transports
        self.logger = logger
        self.retryBase = retryBase
        self.claim = claim
        self.link = link
        window = NIOLockedValueBox(SendWindow(limit: perMinute))
    }

    static let batch = 50

    /// Sends what is due now, a batch at a time until a batch comes back short (so a backlog goes at
    /// the limiter's pace, not a batch per poll); returns how many were accepted.
    @discardableResult
    func sendDue(now: Date = Date()) async throws -> Int {
        var accepted = 0
        var claimed: [OutgoingMessage]
        var at = now
        repeat {
            claimed = try await claimDue(now: at)
            for m in claimed {
                let wait = window.withLockedValue { $0.delay(now: Date()) }
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                if try await handle(m) { accepted += 1 }
            }
            at = max(at, Date())
        } while claimed.count == Self.batch && !Task.isCancelled
        return accepted
    }

    /// One message: looked for at Notify first when an earlier attempt may have reached it (the claim
    /// counts the attempt before it is made, so a crash mid-send leaves it counted).
    private func handle(_ m: OutgoingMessage) async throws -> Bool {
        let id = try m.requireID()
        guard let transport = transports[m.channel] else {
            try await refuse(m, "this server is not set up to send \(m.channel == "sms" ? "text messages" : "e-mail")")
            return false
        }
        if m.attempts > 1 {
            do {
                if let already = try await transport.find(reference: id) {
                    try await record(m, status: transport.handedOnStatus, notifyID: already)
                    return true
                }
            } catch {
                try await retryLater(m, "could not ask whether it was already sent: \(error)")
                return false
            }
        }
        let answer = await transport.send(m)
        // Counted when the answer is back, not when the request left: Notify counts a request when it
        // arrives, which is before then, so the next minute's first send cannot reach Notify within
        // 60 seconds of this one (counted when it left, one in 3,600 did, measured).
        window.withLockedValue { $0.sent(at: Date()) }
        switch answer {
        case .accepted(let notifyID):
            try await record(m, status: transport.handedOnStatus, notifyID: notifyID)
            return true
        case .rateLimited(let after):
            // Notify did not take it: this attempt does not count.
            let wait = after ?? retryBase, attempts = m.attempts - 1
            try await update(m.requireID()) {
                $0.set(\.$nextAttemptAt, to: Date().addingTimeInterval(wait)).set(\.$attempts, to: attempts)
            }
            return false
        case .refused(let reason):
            try await refuse(m, reason)
            return false
        case .uncertain(let reason):
            try await retryLater(m, reason)
            return false
        }
    }

    /// Whether this channel ("sms", "email") can be sent from here.
    func sends(_ channel: String) -> Bool { transports[channel] != nil }

    /// Notify has it. Only a message still queued is changed: a receipt may arrive before this is written.
    private func record(_ m: OutgoingMessage, status: String, notifyID: String) async throws {
        let now = Date()
        try await update(m.requireID()) {
            $0.filter(\.$status == "queued").set(\.$status, to: status).set(\.$notifyID, to: notifyID)
                .set(\.$statusAt, to: now).set(\.$lastError, to: nil)
        }
    }

    private func retryLater(_ m: OutgoingMessage, _ reason: String) async throws {
        let next = Date().addingTimeInterval(min(3600, retryBase * pow(2, Double(max(m.attempts, 1) - 1))))
        // The id only: the recipient and the words are personal data and stay out of logs.
        logger.warning(
            "message not sent; will ask Notify and retry",
            metadata: ["message": "\(m.id?.uuidString ?? "")"]
        )
        try await update(m.requireID()) {
            $0.set(\.$nextAttemptAt, to: next).set(\.$lastError, to: String(reason.prefix(500)))
        }
    }

    /// It will never be taken as it is: failed, and the worker told why by e-mail.
    private func refuse(_ m: OutgoingMessage, _ reason: String) async throws {
        let now = Date()
        let id = try m.requireID()
        let worker = try await db.scoped(to: m.organisationID).find(StaffMember.self, m.staffID)
        let kind = m.channel == "sms" ? "text message" : "e-mail"
        let email = try worker.map {
            try Rewritable(
                SafeCommsStore.Notification(
                    organisationID: m.organisationID,
                    staffID: m.staffID,
                    recipient: $0.email,
                    subject: "A \(kind) you sent from SafeComms was not sent",
                    body: """
                        A \(kind) you sent from a case in SafeComms was refused, so it was not sent: \(reason)

                        The case's chronology shows it as failed. Open the case to send it again or another way: \(link)/cases/\(m.caseID.uuidString)
                        """,
                    urgent: true,
                    now: now
                )
            )
        }
        try await WriteTransaction.run(on: db) { tx in
            try await OutgoingMessage.query(on: tx).filter(\.$id == id).set(\.$status, to: "failed")
                .set(\.$statusAt, to: now).set(\.$lastError, to: String(reason.prefix(500))).update()
            if let email { try await email.save(on: tx) }
        }
    }

    private func update(
        _ id: UUID,
        _ change: @escaping @Sendable (QueryBuilder<OutgoingMessage>) -> QueryBuilder<OutgoingMessage>
    ) async throws {
        try await WriteTransaction.run(on: db) { tx in
            try await change(OutgoingMessage.query(on: tx).filter(\.$id == id)).update()
        }
    }

    /// What is due, claimed for this process by putting its next attempt off (`claim`); on PostgreSQL
    /// rows another process is claiming are skipped.
    private func claimDue(now: Date) async throws -> [OutgoingMessage] {
        try await WriteTransaction.run(on: db) { tx in
            let ids: [UUID]
            if tx.isPostgres, let sql = tx as? any SQLDatabase {
                ids = try await sql.raw(
                    """
                    SELECT id FROM \(ident: OutgoingMessage.schema) WHERE status = 'queued' AND next_attempt_at <= \(bind: now)
                    ORDER BY next_attempt_at LIMIT \(literal: Self.batch) FOR UPDATE SKIP LOCKED
                    """
                ).all().map { try $0.decode(column: "id", as: UUID.self) }
            } else {
                ids = try await OutgoingMessage.query(on: tx).filter(\.$status == "queued")
                    .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(Self.batch).all().compactMap(\.id)
            }
            guard !ids.isEmpty, let sql = tx as? any SQLDatabase else { return [] }
            // The attempt is counted as it is claimed: if this process dies mid-send, the next one to
            // claim it asks Notify first.
            try await OutgoingMessage.query(on: tx).filter(\.$id ~~ ids)
                .set(\.$nextAttemptAt, to: now.addingTimeInterval(self.claim)).update()
            try await sql.update(OutgoingMessage.schema).set(SQLIdentifier("attempts"), to: SQLRaw("attempts + 1"))
                .where(SQLIdentifier("id"), .in, SQLBind.group(ids)).run()
            return try await OutgoingMessage.query(on: tx).filter(\.$id ~~ ids).sort(\.$createdAt).all()
        }
    }
}

/// At most `limit` sends in any 60 seconds: how long the next must wait.
struct SendWindow: Sendable {
    let limit: Int
    private var times: [Date] = []
    private var start = 0

    init(limit: Int) { self.limit = limit }

    func delay(now: Date) -> TimeInterval {
        let live = times.count - start
        guard live >= limit else { return 0 }
        return max(0, times[times.count - limit].addingTimeInterval(60).timeIntervalSince(now))
    }

    mutating func sent(at now: Date) {
        times.append(now)
        while start < times.count, times[start] <= now.addingTimeInterval(-60) { start += 1 }
        if start > 4096 {
            times.removeFirst(start)
            start = 0
        }
    }
}

struct MessageSenderKey: StorageKey {
    typealias Value = MessageSender
}

extension Application {
    var messageSender: MessageSender? { storage[MessageSenderKey.self] }
}
