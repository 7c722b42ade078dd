import NIOConcurrencyHelpers
import Vapor

/// Runs a loop while the application is up, and waits for it at shutdown so nothing touches the
/// database after it closes.
final class BackgroundLoop: LifecycleHandler, Sendable {
    let body: @Sendable () async -> Void
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(_ body: @escaping @Sendable () async -> Void) { self.body = body }

    /// Does `work` every `seconds` until the application stops; a failed round is logged (its error's
    /// description only, which names no one) and the next round goes ahead.
    static func every(
        _ seconds: TimeInterval,
        _ name: String,
        logger: Logger,
        _ work: @escaping @Sendable () async throws -> Void
    ) -> BackgroundLoop {
        BackgroundLoop {
            while !Task.isCancelled {
                do { try await work() } catch { logger.error("\(name): \(String(describing: error).prefix(200))") }
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            }
        }
    }

    func didBoot(_ application: Application) throws {
        let body = self.body
        task.withLockedValue { t in
            if t == nil { t = Task { await body() } }
        }
    }

    func shutdown(_ application: Application) { stop()?.cancel() }

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
