import Foundation
import Vapor

/// Slows password guessing: after `maxFailures` failed sign-ins for one e-mail address, or
/// `maxAddressFailures` from one client address, within `window` seconds, further attempts are refused
/// until the window passes. A whole council office signs in from behind one proxy's address, so the
/// address limit is far higher (a hundred times the account's by default): it stops one address
/// spraying guesses across many accounts, while one person's typing mistakes, or one account being
/// guessed at, lock out only that account. Kept in memory: a restart forgives, which is acceptable for
/// throttling.
actor LoginThrottle {
    let maxFailures: Int
    let maxAddressFailures: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(maxFailures: Int, maxAddressFailures: Int? = nil, window: TimeInterval) {
        self.maxFailures = maxFailures
        self.maxAddressFailures = maxAddressFailures ?? maxFailures * 100
        self.window = window
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    func retryAfter(keys: [String], now: Date = Date()) -> Int? {
        var wait: TimeInterval = 0
        for key in keys {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent.isEmpty ? nil : recent
            let limit = key.hasPrefix("ip:") ? maxAddressFailures : maxFailures
            if recent.count >= limit, let oldest = recent.first {
                wait = max(wait, window - now.timeIntervalSince(oldest))
            }
        }
        return wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    func fail(keys: [String], now: Date = Date()) {
        for key in keys { failures[key, default: []].append(now) }
        // Guessing at many unknown e-mails must not grow the table without end.
        if failures.count > 10_000 {
            failures = failures.filter { _, times in times.contains { now.timeIntervalSince($0) < window } }
        }
    }

    /// Forgets one key's failures (a second factor given right).
    func forgive(_ key: String) { failures[key] = nil }

    /// A successful sign-in forgives the account's failures, and takes back the one attempt it
    /// counted against the address (not the address's other failures).
    func succeed(account: String, address: String) {
        failures[account] = nil
        if var times = failures[address], !times.isEmpty {
            times.removeLast()
            failures[address] = times.isEmpty ? nil : times
        }
    }
}

struct LoginThrottleKey: StorageKey {
    typealias Value = LoginThrottle
}

extension Application {
    var loginThrottle: LoginThrottle { storage[LoginThrottleKey.self]! }
}
