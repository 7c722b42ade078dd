import Foundation

/// A progress line on standard error for long work (`import`, `reconcile`, `scan`, `keys rotate`):
/// a bar when the whole is known, the count and the rate. Drawn only when standard error is a
/// terminal, so a piped or logged run gets nothing but its result; redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let unit: Unit
    private let start = Date()
    private var lastDrawn = Date.distantPast
    private var drew = false
    private let lock = NSLock()
    let enabled: Bool

    enum Unit { case bytes, items(String) }

    init(_ label: String, total: Int? = nil, unit: Unit, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = enabled
    }

    /// The line for `done` so far, after `seconds`: what is drawn (and what a test reads).
    func line(_ done: Int, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = label + " "
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let filled = Int(fraction * 20)
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "] "
            text += "\(Int(fraction * 100))% \(amount(done)) of \(amount(total))"
        } else {
            text += amount(done)
        }
        return text + ", \(amount(Int(rate)))/s"
    }

    private func amount(_ n: Int) -> String {
        switch unit {
        case .bytes: n >= 1 << 20 ? String(format: "%.1f MB", Double(n) / 1_048_576) : "\(n / 1024) KB"
        case .items(let name): "\(n) \(name)"
        }
    }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        drew = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line(done, seconds: now.timeIntervalSince(start))).utf8))
    }

    /// Ends the line, so what is printed next starts on its own.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drew { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
