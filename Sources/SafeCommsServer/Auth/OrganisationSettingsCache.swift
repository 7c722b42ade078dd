import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore

/// Each organisation's settings, held for a few seconds. Every check needs them (office hours, time
/// zone, WhatsApp review date) and they change a few times a year; reading them through Fluent on
/// every request cost more than the check itself. A change made through this server is seen at
/// once; one made by another process sharing the database within `lifetime`.
final class OrganisationSettingsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [UUID: (settings: OrganisationSettings, until: Date)] = [:]
    let lifetime: TimeInterval

    init(lifetime: TimeInterval = 5) { self.lifetime = lifetime }

    func settings(
        for organisationID: UUID,
        on db: any Database,
        now: Date = Date()
    ) async throws -> OrganisationSettings {
        if let hit = lock.withLock({ entries[organisationID] }), hit.until > now { return hit.settings }
        guard let org = try await Organisation.find(organisationID, on: db) else {
            throw ValidationError(field: "organisation", reason: "your organisation no longer exists")
        }
        lock.withLock { entries[organisationID] = (org.settings, now.addingTimeInterval(lifetime)) }
        return org.settings
    }

    func forget(_ organisationID: UUID) {
        lock.withLock { _ = entries.removeValue(forKey: organisationID) }
    }
}
