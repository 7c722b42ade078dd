import Foundation
import SafeCommsStore
import Vapor

/// Chases overdue incident steps (`IncidentEscalations`) every so often while the server runs: the
/// e-mails go into the outbox, which sends them. With several servers each chases; a step's level is
/// claimed by one of them, so nobody is e-mailed twice.
enum IncidentChaser {
    static func loop(_ app: Application, interval: TimeInterval) -> BackgroundLoop {
        let db = app.db, logger = app.logger
        let link = app.safeCommsConfig.publicURL, key = app.auditKey, witness = app.auditWitness
        return BackgroundLoop.every(interval, "incident chaser", logger: logger) {
            _ = try await IncidentEscalations.run(now: Date(), link: link, key: key, witness: witness, on: db)
        }
    }
}
