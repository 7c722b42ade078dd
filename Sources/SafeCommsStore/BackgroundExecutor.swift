import Foundation

/// A thread of its own for long work a request starts (an import, a reconciliation). Swift
/// concurrency runs on the web server's event loops here (see `SafeComms.main`), so parsing a 150 MB
/// chat inline held one event loop for half a minute and every request on it waited, `/healthz`
/// included. Work run with this executor as its preference (`withTaskExecutorPreference`) keeps its
/// CPU on this thread, which the operating system shares fairly with the event loops. Jobs run one at
/// a time, in the order they came: two large imports take turns rather than both slowing every page.
public final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
    /// One for the process: its thread lives as long as the process does.
    public static let shared = BackgroundExecutor(name: "safecomms-background")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(name: String) {
        let thread = Thread { self.run() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
