import Foundation
import SafeCommsStore
import Vapor

/// Asks the identity provider, every `OIDCSettings.checkEvery`, whether it still accepts each person
/// signed in through it (their refresh token, `ProviderGrants`). A leaver the council has disabled
/// is refused: their sessions and tokens end then, not at a next sign-in that never comes. With
/// several servers each asks; a grant is claimed by one of them, so the provider is asked once.
enum ProviderCheck {
    static func loop(_ app: Application, provider: OIDCProvider) -> BackgroundLoop {
        let every = provider.settings.checkEvery
        return BackgroundLoop.every(min(every, 60), "identity provider check", logger: app.logger) { [weak app] in
            guard let app else { return }
            try await run(app, provider: provider)
        }
    }

    /// One round: every grant not asked about for `checkEvery`. A provider that cannot be reached
    /// decides nothing; the grant is asked about again next time.
    /// - Returns: how many people were refused.
    @discardableResult
    static func run(_ app: Application, provider: OIDCProvider, now: Date = Date()) async throws -> Int {
        let due = try await ProviderGrants.claimDue(
            checkedBefore: now.addingTimeInterval(-provider.settings.checkEvery),
            now: now,
            on: app.db
        )
        var refused = 0
        for grant in due {
            // One person's failure (the store busy a moment) does not leave the rest unasked.
            do {
                switch await provider.renew(grant.refreshToken) {
                case .accepted(let newToken): try await ProviderGrants.accepted(grant, newToken: newToken, on: app.db)
                case .refused:
                    let ended = try await ProviderGrants.refused(
                        grant,
                        audit: app.auditContext(organisationID: nil, source: "identity provider"),
                        now: now,
                        on: app.db
                    )
                    if ended { refused += 1 }
                case .unknown: continue
                }
            } catch {
                app.logger.error("identity provider check: \(String(describing: error).prefix(200))")
            }
        }
        return refused
    }
}
