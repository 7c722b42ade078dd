import Foundation
import Vapor

/// Slows password guessing: after `maxFailures` failed sign-ins for one e-mail address, or from one
/// client address, within `window` seconds, further attempts are refused until the window passes.
/// Kept in memory: a restart forgives, which is acceptable for throttling.
actor LoginThrottle {
    let maxFailures: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(maxFailures: Int, window: TimeInterval) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    func retryAfter(keys: [String], now: Date = Date()) -> Int? {
        var wait: TimeInterval = 0
        for key in keys {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent
            if recent.count >= maxFailures, let oldest = recent.first {
                wait = max(wait, window - now.timeIntervalSince(oldest))
            }
        }
        return wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    func fail(keys: [String], now: Date = Date()) {
        for key in keys { failures[key, default: []].append(now) }
    }

    func succeed(keys: [String]) {
        for key in keys { failures[key] = nil }
    }
}

struct LoginThrottleKey: StorageKey {
    typealias Value = LoginThrottle
}

extension Application {
    var loginThrottle: LoginThrottle { storage[LoginThrottleKey.self]! }
}
