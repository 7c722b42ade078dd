import Foundation
import Logging
import NIOConcurrencyHelpers
import SafeCommsStore
import Vapor

/// Chases overdue incident steps (`IncidentEscalations`) every so often while the server runs: the
/// e-mails go into the outbox, which sends them. With several servers each chases; a step's level is
/// claimed by one of them, so nobody is e-mailed twice.
final class IncidentChaser: LifecycleHandler, Sendable {
    let interval: TimeInterval
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(interval: TimeInterval) { self.interval = interval }

    func didBoot(_ app: Application) throws {
        let interval = self.interval, db = app.db, logger = app.logger
        let link = app.safeCommsConfig.publicURL, key = app.auditKey, witness = app.auditWitness
        task.withLockedValue { t in
            guard t == nil else { return }
            t = Task {
                while !Task.isCancelled {
                    do {
                        _ = try await IncidentEscalations.run(
                            now: Date(),
                            link: link,
                            key: key,
                            witness: witness,
                            on: db
                        )
                    } catch {
                        logger.error("incident chaser: \(String(describing: error).prefix(200))")
                    }
                    try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                }
            }
        }
    }

    func shutdown(_ application: Application) { stop()?.cancel() }

    /// Waits for a round in progress to finish, so nothing touches the database after it closes.
    func shutdownAsync(_ application: Application) async { await stop()?.value }

    private func stop() -> Task<Void, Never>? {
        task.withLockedValue { t in
            let running = t
            t = nil
            running?.cancel()
            return running
        }
    }
}
