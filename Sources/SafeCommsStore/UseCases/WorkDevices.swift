import FluentKit
import Foundation
import SafeCommsCore

/// The work device register (WNL-7.1–WNL-7.3): each device's holders over time and hand-overs, who
/// else is authorised to use it, personal use recorded, and the DSL's view of every device's recorded
/// use. The directory's keepers (administrators, business support) and the DSL hand devices over and
/// authorise their users; a holder or authorised user records their own personal use.
public enum WorkDevices {
    /// Who hands devices over and authorises their users.
    static func keeps(_ p: Principal) -> Bool { AccessPolicy.can(p, .manageDirectory) || p.roles.contains(.dsl) }

    private static func device(_ id: UUID, of p: Principal, on db: any Database) async throws -> Device {
        guard let d = try await db.scoped(to: p).query(Device.self).filter(\.$id == id).first() else {
            throw Refusal.notFound("no such device")
        }
        return d
    }

    private static func activeStaff(_ id: UUID, field: String, of p: Principal, on db: any Database) async throws {
        guard let s = try await db.scoped(to: p).query(StaffMember.self).filter(\.$id == id).first(), s.active else {
            throw ValidationError(field: field, reason: "is not an active member of staff in your organisation")
        }
    }

    /// WNL-7.1: the device passes to `holderID` (nil: handed back, held by nobody), kept as history.
    public static func handOver(
        _ deviceID: UUID,
        to holderID: UUID?,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> DeviceHolding {
        // Not found before not allowed: another organisation's device is not there at all.
        _ = try await device(deviceID, of: p, on: db)
        guard keeps(p) else {
            throw Refusal.forbidden("only administrators, business support and the DSL hand a device over")
        }
        if let holderID { try await activeStaff(holderID, field: "holder_id", of: p, on: db) }
        let at = RowDigest.storable(now), by = p.staffID, organisationID = p.organisationID
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let d = try await tx.scoped(to: organisationID).query(Device.self).filter(\.$id == deviceID).first()
            else { throw Refusal.notFound("no such device") }
            guard d.holderID != holderID else {
                throw Refusal.conflict("the device is already held by them")
            }
            d.holderID = holderID
            try await d.save(on: tx)
            let row = DeviceHolding(
                organisationID: organisationID,
                deviceID: deviceID,
                holderID: holderID,
                handedOverByID: by,
                fromAt: at
            )
            row.id = UUID()
            try await row.create(on: tx)
            let event = AuditEntry(
                action: .deviceHandedOver,
                entity: DeviceHolding.auditEntity,
                entityID: row.id?.uuidString,
                detail: "WNL-7.1",
                rowDigest: row.digest
            )
            return (row, [event])
        }
    }

    /// WNL-7.2: `staffID` may use the device as well as its holder, until revoked.
    public static func authorise(
        _ deviceID: UUID,
        staff staffID: UUID,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> DeviceAuthorisation {
        _ = try await device(deviceID, of: p, on: db)
        guard keeps(p) else {
            throw Refusal.forbidden("only administrators, business support and the DSL authorise a device's users")
        }
        try await activeStaff(staffID, field: "staff_id", of: p, on: db)
        let row = DeviceAuthorisation(
            organisationID: p.organisationID,
            deviceID: deviceID,
            staffID: staffID,
            authorisedByID: p.staffID,
            authorisedAt: RowDigest.storable(now)
        )
        let stored = try Rewritable(row), digest = row.digest, organisationID = p.organisationID
        try await AuditLog.transaction(on: db, audit) { tx in
            if try await tx.scoped(to: organisationID).query(DeviceAuthorisation.self).filter(\.$deviceID == deviceID)
                .filter(\.$staffID == staffID).filter(\.$revokedAt == nil).first() != nil
            {
                throw Refusal.conflict("they are already authorised to use this device")
            }
            try await stored.save(on: tx)
            let event = AuditEntry(
                action: .deviceAuthorised,
                entity: DeviceAuthorisation.auditEntity,
                entityID: row.id?.uuidString,
                detail: "WNL-7.2",
                rowDigest: digest
            )
            return ((), [event])
        }
        return row
    }

    public static func revoke(
        _ authorisationID: UUID,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> DeviceAuthorisation {
        let at = RowDigest.storable(now), by = p.staffID, keeper = keeps(p)
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard
                let row = try await tx.scoped(to: p).query(DeviceAuthorisation.self).filter(\.$id == authorisationID)
                    .first()
            else { throw Refusal.notFound("no such authorisation") }
            guard keeper else {
                throw Refusal.forbidden("only administrators, business support and the DSL revoke a device's users")
            }
            guard row.revokedAt == nil else { throw Refusal.conflict("this authorisation was already revoked") }
            row.revokedAt = at
            row.revokedByID = by
            try await row.save(on: tx)
            let event = AuditEntry(
                action: .deviceAuthorisationRevoked,
                entity: DeviceAuthorisation.auditEntity,
                entityID: row.id?.uuidString,
                detail: "WNL-7.2",
                rowDigest: row.digest
            )
            return (row, [event])
        }
    }

    /// Whether `staffID` may use the device: its holder, or authorised and not revoked (WNL-7.2).
    public static func mayUse(_ d: Device, _ staffID: UUID, on db: any Database) async throws -> Bool {
        if d.holderID == staffID { return true }
        return try await db.scoped(to: d.organisationID).query(DeviceAuthorisation.self)
            .filter(\.$deviceID == d.requireID()).filter(\.$staffID == staffID).filter(\.$revokedAt == nil).first()
            != nil
    }

    /// The device a check names, for someone who may use it: its kind and WhatsApp state come from
    /// here, not from the caller (WA-2, WA-6, PD-12.b).
    /// - Throws: `ValidationError` naming `device_id` for a device that is not theirs to use.
    public static func forCheck(_ id: UUID, by p: Principal, on db: any Database) async throws -> Device {
        guard let d = try await db.scoped(to: p).query(Device.self).filter(\.$id == id).first(),
            try await mayUse(d, p.staffID, on: db)
        else {
            throw ValidationError(
                field: "device_id",
                reason: "is not a device you hold or are authorised to use (WNL-7.2)"
            )
        }
        return d
    }

    /// WNL-7.3: a personal call or message made on the device, by its holder or an authorised user:
    /// in an emergency, or in circumstances a manager or the DSL agreed (named).
    public static func recordPersonalUse(
        _ deviceID: UUID,
        reason: String,
        emergency: Bool,
        agreedBy: UUID?,
        at: Date,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> DevicePersonalUse {
        let d = try await device(deviceID, of: p, on: db)
        guard try await mayUse(d, p.staffID, on: db) else {
            throw Refusal.forbidden(
                "only the device's holder or someone authorised to use it records its use (WNL-7.2)"
            )
        }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [ValidationError] = []
        if why.isEmpty { problems.append(.init(field: "reason", reason: "is required: what the personal use was for")) }
        if why.count > 2000 { problems.append(.init(field: "reason", reason: "is longer than 2000 characters")) }
        if !emergency {
            if let agreedBy {
                let agreed = try await db.scoped(to: p).query(StaffMember.self).filter(\.$id == agreedBy).first()
                if agreed.map({ !$0.roles.isDisjoint(with: [.manager, .dsl]) && $0.id != p.staffID }) != true {
                    problems.append(
                        .init(field: "agreed_by_id", reason: "must be a manager or the DSL other than yourself")
                    )
                }
            } else {
                problems.append(
                    .init(
                        field: "agreed_by_id",
                        reason:
                            "is required unless it was an emergency: personal use is only in agreed circumstances (WNL-7.3)"
                    )
                )
            }
        }
        try ValidationErrors(problems).throwIfAny()
        let row = DevicePersonalUse(
            organisationID: p.organisationID,
            deviceID: deviceID,
            staffID: p.staffID,
            at: RowDigest.storable(at),
            emergency: emergency,
            agreedByID: emergency ? nil : agreedBy,
            reason: why
        )
        row.id = UUID()
        try await AuditLog.create(
            row,
            AuditEntry(
                action: .devicePersonalUse,
                entity: DevicePersonalUse.auditEntity,
                entityID: row.id?.uuidString,
                detail: "WNL-7.3",
                rowDigest: row.digest
            ),
            audit,
            on: db
        )
        return row
    }

    /// One device's register.
    public struct History: Sendable {
        public var device: Device
        public var holdings: [DeviceHolding]
        public var authorisations: [DeviceAuthorisation]
        public var personalUse: [DevicePersonalUse]
    }

    /// A device's history: for the directory's keepers, the DSL and auditors, and its holder.
    public static func history(_ deviceID: UUID, for p: Principal, on db: any Database) async throws -> History {
        let d = try await device(deviceID, of: p, on: db)
        guard keeps(p) || p.roles.contains(.auditor) || d.holderID == p.staffID else {
            throw Refusal.forbidden(
                "a device's history is for its holder, the DSL, auditors and the directory's keepers"
            )
        }
        let scope = db.scoped(to: p)
        return History(
            device: d,
            holdings: try await scope.query(DeviceHolding.self).filter(\.$deviceID == deviceID)
                .sort(\.$fromAt, .descending).all(),
            authorisations: try await scope.query(DeviceAuthorisation.self).filter(\.$deviceID == deviceID)
                .sort(\.$authorisedAt, .descending).all(),
            personalUse: try await scope.query(DevicePersonalUse.self).filter(\.$deviceID == deviceID)
                .sort(\.$at, .descending).limit(200).all()
        )
    }

    /// What the DSL sees of one device over the period (WNL-7.2).
    public struct Use: Sendable {
        public var device: Device
        /// Contacts recorded on the device.
        public var recorded: Int
        /// Of those, outside office hours.
        public var outOfHours: Int
        public var personalUse: [DevicePersonalUse]
        /// Authorised users besides the holder, not revoked.
        public var authorised: [UUID]
    }

    /// Every work device's recorded use since `since`: the DSL's and auditors' view (WNL-7.2).
    public static func monitoring(for p: Principal, since: Date, on db: any Database) async throws -> [Use] {
        guard p.roles.contains(.dsl) || p.roles.contains(.auditor) else {
            throw Refusal.forbidden("the DSL and auditors monitor the work devices (WNL-7.2)")
        }
        let scope = db.scoped(to: p)
        let devices = try await scope.query(Device.self).filter(\.$kind ~~ [.workMobile, .deskPhone, .workEmail])
            .sort(\.$address).all()
        let recent = scope.query(CommunicationRecord.self).filter(\.$deviceID != nil).filter(\.$occurredAt >= since)
        var recorded: [UUID: Int] = [:], outOfHours: [UUID: Int] = [:]
        for id in try await recent.all(\.$deviceID).compactMap({ $0 }) { recorded[id, default: 0] += 1 }
        let late = scope.query(CommunicationRecord.self).filter(\.$deviceID != nil).filter(\.$occurredAt >= since)
            .filter(\.$outOfHours == true)
        for id in try await late.all(\.$deviceID).compactMap({ $0 }) { outOfHours[id, default: 0] += 1 }
        let personal = try await scope.query(DevicePersonalUse.self).filter(\.$at >= since).sort(\.$at, .descending)
            .all()
        let authorised = try await scope.query(DeviceAuthorisation.self).filter(\.$revokedAt == nil).all()
        return devices.compactMap { d in
            guard let id = d.id else { return nil }
            return Use(
                device: d,
                recorded: recorded[id] ?? 0,
                outOfHours: outOfHours[id] ?? 0,
                personalUse: personal.filter { $0.deviceID == id },
                authorised: authorised.filter { $0.deviceID == id }.map(\.staffID)
            )
        }
    }
}
