import FluentKit
import Foundation
import SafeCommsCore

/// Staff acknowledge each version of each pack their organisation uses (MISSION.md: guidance is
/// "shown to staff and acknowledged"; WNL-5.2's "a clear understanding of what constitutes misuse").
/// A new version of a pack asks everyone again, because an acknowledgement names its version.
public enum PolicyAcknowledgements {
    /// When `staffID` acknowledged each pack's current version; a pack missing was not acknowledged.
    public static func acknowledged(
        by staffID: UUID,
        of organisationID: UUID,
        packs: [PolicyPack],
        on db: any Database
    ) async throws -> [String: Date] {
        let rows = try await db.scoped(to: organisationID).query(PolicyAcknowledgement.self)
            .filter(\.$staffID == staffID).all()
        var out: [String: Date] = [:]
        for pack in packs {
            if let row = rows.first(where: { $0.packID == pack.id && $0.version == pack.version }) {
                out[pack.id] = row.acknowledgedAt
            }
        }
        return out
    }

    /// The packs whose current version `staffID` has not acknowledged.
    public static func outstanding(
        for staffID: UUID,
        of organisationID: UUID,
        packs: [PolicyPack],
        on db: any Database
    ) async throws -> [PolicyPack] {
        let done = try await acknowledged(by: staffID, of: organisationID, packs: packs, on: db)
        return packs.filter { done[$0.id] == nil }
    }

    /// Records that `p` has read `version` of the pack. Acknowledging again is harmless: the first
    /// acknowledgement stands.
    /// - Throws: `ValidationError` naming `pack` for a pack the organisation does not use, or
    ///   `version` for one that is not the pack's current version.
    public static func acknowledge(
        packID: String,
        version: String,
        packs: [PolicyPack],
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> Date {
        guard let pack = packs.first(where: { $0.id == packID }) else {
            throw ValidationError(field: "pack", reason: "'\(packID)' is not a policy your organisation uses")
        }
        guard pack.version == version else {
            throw ValidationError(
                field: "version",
                reason:
                    "version \(version) of \(pack.title) is not the current one (\(pack.version)); read the current one"
            )
        }
        let at = RowDigest.storable(now), staffID = p.staffID
        return try await AuditLog.transaction(on: db, audit) { tx in
            if let earlier = try await tx.scoped(to: p).query(PolicyAcknowledgement.self).filter(\.$staffID == staffID)
                .filter(\.$packID == packID).filter(\.$version == version).first()
            {
                return (earlier.acknowledgedAt, [])
            }
            let row = PolicyAcknowledgement(
                organisationID: p.organisationID,
                staffID: staffID,
                packID: packID,
                version: version,
                acknowledgedAt: at
            )
            row.id = UUID()
            try await row.create(on: tx)
            let event = AuditEntry(
                action: .policyAcknowledged,
                entity: PolicyAcknowledgement.auditEntity,
                entityID: row.id?.uuidString,
                detail: "\(packID) \(version)",
                rowDigest: row.digest
            )
            return (at, [event])
        }
    }

    /// Someone who has not acknowledged the current version of one or more packs.
    public struct Outstanding: Sendable {
        public var staffID: UUID
        public var name: String
        public var packs: [PolicyPack]
    }

    /// For a manager, the people they manage (line reports and their teams' members); for the DSL
    /// and auditors, everyone active in the organisation: who has not acknowledged which packs.
    public static func whoHasNot(
        for p: Principal,
        packs: [PolicyPack],
        on db: any Database
    ) async throws -> [Outstanding] {
        let wide = p.roles.contains(.dsl) || p.roles.contains(.auditor)
        guard wide || p.roles.contains(.manager) else {
            throw Refusal.forbidden("only managers, the DSL and auditors see who has not acknowledged the policy")
        }
        let scope = db.scoped(to: p)
        let staff = try await scope.query(StaffMember.self).filter(\.$active == true).all().filter {
            wide || (try? AccessPolicy.manages(p, $0.allocation)) == true
        }
        let rows = try await scope.query(PolicyAcknowledgement.self).all()
        var done: [UUID: Set<String>] = [:]
        for r in rows { done[r.staffID, default: []].insert(r.packID + "\u{0}" + r.version) }
        return staff.compactMap { s in
            guard let id = s.id else { return nil }
            let missing = packs.filter { done[id]?.contains($0.id + "\u{0}" + $0.version) != true }
            return missing.isEmpty ? nil : Outstanding(staffID: id, name: s.name, packs: missing)
        }.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }
}
