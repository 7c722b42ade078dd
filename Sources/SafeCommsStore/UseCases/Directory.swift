import FluentKit
import Foundation
import SafeCommsCore

/// Keeping the organisation's directory: its settings, teams, staff and devices. Each change is the
/// caller's to make (`AccessPolicy`), names only the organisation's own staff and teams, is refused by
/// the field when it repeats a name or an address, and is audited in the transaction that makes it.
/// The API calls these with values already checked for form.
public enum Directory {
    /// Replaces the organisation's settings (office hours, time zone, numbers, domains, packs).
    public static func changeSettings(
        _ settings: OrganisationSettings,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Organisation {
        guard AccessPolicy.can(p, .administer) else { throw Refusal.forbidden("your role does not allow this") }
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let org = try await Organisation.find(p.organisationID, on: tx) else {
                throw Refusal.notFound("no such organisation")
            }
            org.settings = settings
            try await org.save(on: tx)
            return (org, [AuditEntry(action: .settingsChanged, entity: "organisation", entityID: org.id?.uuidString)])
        }
    }

    /// A new team in the caller's organisation; `team.organisationID` is set here.
    public static func addTeam(
        _ team: Team,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws
        -> Team
    {
        guard AccessPolicy.can(p, .manageDirectory) else { throw Refusal.forbidden("your role does not allow this") }
        try await requireStaff(team.managerID, field: "manager_id", of: p, on: db)
        if try await db.scoped(to: p).query(Team.self).filter(\.$name == team.name).first() != nil {
            throw duplicateTeam(team.name)
        }
        team.organisationID = p.organisationID
        team.id = UUID()
        try await create(
            team,
            AuditEntry(action: .teamCreated, entity: "team", entityID: team.id?.uuidString),
            duplicate: duplicateTeam(team.name),
            audit,
            on: db
        )
        return team
    }

    /// A new member of staff in the caller's organisation, their password already hashed.
    public static func addStaff(
        _ s: StaffMember,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> StaffMember {
        guard AccessPolicy.can(p, .administer) else { throw Refusal.forbidden("your role does not allow this") }
        if let t = s.teamID, try await db.scoped(to: p).query(Team.self).filter(\.$id == t).first() == nil {
            throw ValidationError(field: "team_id", reason: "no team \(t) in your organisation")
        }
        try await requireStaff(s.lineManagerID, field: "line_manager_id", of: p, on: db)
        // E-mail addresses are sign-in names, so they are unique across every organisation.
        if try await StaffMember.query(on: db).filter(\.$email == s.email.lowercased()).first() != nil {
            throw duplicateEmail
        }
        s.organisationID = p.organisationID
        s.id = UUID()
        try await create(
            s,
            AuditEntry(action: .staffCreated, entity: "staff", entityID: s.id?.uuidString, detail: s.rolesText),
            duplicate: duplicateEmail,
            audit,
            on: db
        )
        return s
    }

    /// A new device in the caller's organisation, its address already in its one written form.
    /// A new device as a form or the API describes it: its kind and its number or address checked and
    /// written as stored (a number in E.164, an address in lower case), then `addDevice`.
    /// - Parameter onOutOfHours: nil for the kind's default (landlines on at all times, WNL-10.2).
    /// - Throws: `ValidationError` naming `kind` or `address`.
    public static func addDevice(
        kind: String,
        address: String,
        holderID: UUID?,
        callerIDWithheld: Bool = true,
        voicemailEnabled: Bool = true,
        whatsappEnabled: Bool = false,
        onOutOfHours: Bool? = nil,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Device {
        let kind = try DeviceKind.parse(kind, field: "kind")
        let stored: String
        switch kind {
        case .workEmail, .personalEmail:
            let trimmed = address.trimmingCharacters(in: .whitespaces)
            guard EmailAddress.isPlausible(trimmed) else {
                throw ValidationError(field: "address", reason: "'\(address)' is not an e-mail address")
            }
            stored = trimmed.lowercased()
        default:
            stored = try PhoneNumber(parsing: address, field: "address").e164
        }
        return try await addDevice(
            Device(
                organisationID: p.organisationID,
                holderID: holderID,
                kind: kind,
                address: stored,
                callerIDWithheld: callerIDWithheld,
                voicemailEnabled: voicemailEnabled,
                whatsappEnabled: whatsappEnabled,
                onOutOfHours: onOutOfHours ?? (kind == .landline)
            ),
            for: p,
            audit: audit,
            on: db
        )
    }

    public static func addDevice(
        _ d: Device,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws
        -> Device
    {
        guard AccessPolicy.can(p, .manageDirectory) else { throw Refusal.forbidden("your role does not allow this") }
        try await requireStaff(d.holderID, field: "holder_id", of: p, on: db)
        if try await db.scoped(to: p).query(Device.self).filter(\.$address == d.address).first() != nil {
            throw duplicateDevice
        }
        d.organisationID = p.organisationID
        d.id = UUID()
        try await create(
            d,
            AuditEntry(action: .deviceCreated, entity: "device", entityID: d.id?.uuidString),
            duplicate: duplicateDevice,
            audit,
            on: db
        )
        return d
    }

    /// What a holder, their manager or the directory's keepers may change on a device; nil leaves a
    /// setting as it is.
    public struct DeviceChange: Sendable {
        public var callerIDWithheld: Bool?
        public var voicemailEnabled: Bool?
        public var whatsappEnabled: Bool?
        public var onOutOfHours: Bool?

        public init(callerIDWithheld: Bool?, voicemailEnabled: Bool?, whatsappEnabled: Bool?, onOutOfHours: Bool?) {
            self.callerIDWithheld = callerIDWithheld
            self.voicemailEnabled = voicemailEnabled
            self.whatsappEnabled = whatsappEnabled
            self.onOutOfHours = onOutOfHours
        }
    }

    /// COV-7 (voicemail off by dialling 91760), COV-6, PD-1.11: the holder, their managers, or the
    /// directory's keepers change a device's settings; the change is audited.
    public static func changeDevice(
        _ id: UUID,
        _ change: DeviceChange,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Device {
        guard let d = try await db.scoped(to: p).query(Device.self).filter(\.$id == id).first() else {
            throw Refusal.notFound("no such device")
        }
        var holdersManager = false
        if let holderID = d.holderID {
            let holder = try await PhoneFollowUps.staffMember(holderID, of: p, on: db)
            holdersManager = AccessPolicy.canManagePhones(p, of: try holder.allocation)
        }
        guard AccessPolicy.can(p, .manageDirectory) || holdersManager else {
            throw Refusal.forbidden(
                "only its holder, their managers, administrators or business support change a device"
            )
        }
        // WA-2: WhatsApp goes on a work mobile when someone else agrees it, never on its holder's word.
        if change.whatsappEnabled == true, !d.whatsappEnabled, d.holderID == p.staffID {
            throw Refusal.forbidden(
                "WhatsApp on a work device is switched on by its holder's manager, the DSL or an administrator, not by its holder (WA-2)"
            )
        }
        // Changed inside the transaction, on the row as it is then: only the settings asked for.
        let organisationID = p.organisationID
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let d = try await tx.scoped(to: organisationID).query(Device.self).filter(\.$id == id).first()
            else {
                throw Refusal.notFound("no such device")
            }
            var changed: [String] = []
            func set(_ value: Bool?, _ key: ReferenceWritableKeyPath<Device, Bool>, _ name: String) {
                guard let value, d[keyPath: key] != value else { return }
                d[keyPath: key] = value
                changed.append("\(name)=\(value)")
            }
            set(change.callerIDWithheld, \.callerIDWithheld, "caller_id_withheld")
            set(change.voicemailEnabled, \.voicemailEnabled, "voicemail_enabled")
            set(change.whatsappEnabled, \.whatsappEnabled, "whatsapp_enabled")
            set(change.onOutOfHours, \.onOutOfHours, "on_out_of_hours")
            guard !changed.isEmpty else { return (d, []) }
            try await d.save(on: tx)
            return (
                d,
                [
                    AuditEntry(
                        action: .deviceUpdated,
                        entity: "device",
                        entityID: d.id?.uuidString,
                        detail: changed.joined(separator: ",")
                    )
                ]
            )
        }
    }

    /// Changes a team's manager, hunt group number or covered landline (LIN-6, LIN-13); `.some(nil)`
    /// takes one off, nil leaves it as it is. Numbers are already in their one written form.
    public static func changeTeam(
        _ id: UUID,
        managerID: UUID??,
        huntGroupNumber: String??,
        coveredLandline: String??,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Team {
        guard AccessPolicy.can(p, .manageDirectory) else { throw Refusal.forbidden("your role does not allow this") }
        if let managerID { try await requireStaff(managerID, field: "manager_id", of: p, on: db) }
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard let t = try await tx.scoped(to: p).find(Team.self, id) else { throw Refusal.notFound("no such team") }
            if let managerID { t.managerID = managerID }
            if let huntGroupNumber { t.huntGroupNumber = huntGroupNumber }
            if let coveredLandline { t.coveredLandline = coveredLandline }
            try await t.save(on: tx)
            return (t, [AuditEntry(action: .teamChanged, entity: "team", entityID: id.uuidString)])
        }
    }

    static func duplicateTeam(_ name: String) -> ValidationError {
        ValidationError(field: "name", reason: "a team called '\(name)' already exists")
    }

    static let duplicateEmail = ValidationError(
        field: "email",
        reason: "an account with this e-mail address already exists"
    )

    static let duplicateDevice = ValidationError(
        field: "address",
        reason: "a device with this number or address is already registered"
    )

    /// Creates the row with its event; a unique index's refusal (someone else was first) is `duplicate`.
    private static func create<M: Model & Sendable>(
        _ model: M,
        _ entry: AuditEntry,
        duplicate: ValidationError,
        _ audit: AuditContext,
        on db: any Database
    ) async throws where M.IDValue == UUID {
        do {
            try await AuditLog.create(model, entry, audit, on: db)
        } catch  where error.isUniqueViolation {
            throw duplicate
        }
    }

    private static func requireStaff(_ id: UUID?, field: String, of p: Principal, on db: any Database) async throws {
        guard let id else { return }
        if try await db.scoped(to: p).query(StaffMember.self).filter(\.$id == id).first() == nil {
            throw ValidationError(field: field, reason: "no member of staff \(id) in your organisation")
        }
    }

    public struct StaleEntry: Sendable {
        public var staffID: UUID
        public var name: String
        public var confirmedAt: Date?
    }

    /// LIN-11: active staff whose details were not confirmed in the last `days`, longest unconfirmed
    /// (never first), so each owner and whoever keeps the directory sees who must update.
    public static func stale(
        of p: Principal,
        olderThan days: Int,
        now: Date = Date(),
        on db: any Database
    )
        async throws -> [StaleEntry]
    {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let staff = try await db.scoped(to: p.organisationID).query(StaffMember.self).filter(\.$active == true).all()
        let confirmed = try await confirmations(of: p.organisationID, on: db)
        return staff.compactMap { s -> StaleEntry? in
            guard let id = s.id else { return nil }
            let at = confirmed[id]
            return at.map { $0 < cutoff } ?? true ? StaleEntry(staffID: id, name: s.name, confirmedAt: at) : nil
        }.sorted { olderFirst(($0.confirmedAt, $0.name), ($1.confirmedAt, $1.name)) }
    }

    /// Never confirmed first, then the oldest confirmation, then by name.
    private static func olderFirst(_ a: (at: Date?, name: String), _ b: (at: Date?, name: String)) -> Bool {
        (a.at ?? .distantPast, a.name) < (b.at ?? .distantPast, b.name)
    }

    /// When each member of staff last confirmed their details (LIN-11); absent: never.
    static func confirmations(of organisationID: UUID, on db: any Database) async throws -> [UUID: Date] {
        var out: [UUID: Date] = [:]
        for s in try await db.scoped(to: organisationID).query(PhoneStatus.self).all() {
            if let id = s.id, let at = s.confirmedAt { out[id] = at }
        }
        return out
    }

    /// One member of staff as the directory page shows them (LIN-11): their numbers, where a call to
    /// them goes now and why, whether they are away, and when they last confirmed their details.
    public struct Entry: Sendable {
        public var worker: PhoneDirectory.Worker
        public var team: String?
        public var route: RouteDecision
        public var away: PhoneDirectory.Absence?
        public var confirmedAt: Date?
        /// Not confirmed in the last `staleAfterDays` (or never).
        public var stale: Bool
    }

    /// The organisation's active staff as a directory (People Finder, LIN-11), for anyone in it:
    /// those whose details are stale first (never confirmed, then the oldest), then everyone else by
    /// name.
    public static func entries(
        of p: Principal,
        settings: OrganisationSettings,
        staleAfterDays: Int = 90,
        now: Date = Date(),
        on db: any Database
    ) async throws -> [Entry] {
        guard AccessPolicy.can(p, .readDirectory) else { throw Refusal.forbidden("your role does not allow this") }
        async let loaded = PhoneDirectoryLoader.load(
            organisationID: p.organisationID,
            settings: settings,
            at: now,
            on: db
        )
        async let confirmedAt = confirmations(of: p.organisationID, on: db)
        let directory = try await loaded
        let confirmed = try await confirmedAt
        let router = CallRouter(directory: directory, settings: settings)
        let cutoff = now.addingTimeInterval(-Double(staleAfterDays) * 86_400)
        let entries = directory.workers.values.map { w in
            let at = confirmed[w.id]
            return Entry(
                worker: w,
                team: w.teamID.flatMap { directory.teams[$0]?.name },
                route: router.route(forWorker: w.id, team: w.teamID, at: now),
                away: w.absence(at: now),
                confirmedAt: at,
                stale: at.map { $0 < cutoff } ?? true
            )
        }
        return entries.sorted { a, b in
            if a.stale != b.stale { return a.stale }
            if a.stale { return olderFirst((a.confirmedAt, a.worker.name), (b.confirmedAt, b.worker.name)) }
            return (a.worker.name, a.worker.id.uuidString) < (b.worker.name, b.worker.id.uuidString)
        }
    }

    /// The entries whose name contains `name` (case and accents ignored), of one team when given.
    public static func matching(_ entries: [Entry], name: String, teamID: UUID?) -> [Entry] {
        let wanted = folded(name)
        return entries.filter { e in
            (teamID == nil || e.worker.teamID == teamID) && (wanted.isEmpty || folded(e.worker.name).contains(wanted))
        }
    }

    private static func folded(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .trimmingCharacters(in: .whitespaces)
    }

    /// LIN-11: `staffID` confirms their contact details and availability are up to date. Only they
    /// can: it is their word that they are.
    public static func confirmDetails(
        of staffID: UUID,
        for p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> PhoneStatus {
        let s = try await PhoneFollowUps.staffMember(staffID, of: p, on: db)
        guard staffID == p.staffID else {
            throw Refusal.forbidden("only they can confirm their own details (LIN-11)")
        }
        let organisationID = s.organisationID
        return try await AuditLog.transaction(on: db, audit) { tx in
            let status =
                try await tx.scoped(to: organisationID).find(PhoneStatus.self, staffID)
                ?? PhoneStatus(
                    staffID: staffID,
                    organisationID: organisationID,
                    deskNumber: nil,
                    deskLoggedIn: false,
                    deskPairedToMobile: false,
                    divertTo: nil
                )
            status.confirmedAt = now
            try await status.save(on: tx)
            return (status, [AuditEntry(action: .directoryConfirmed, entity: "staff", entityID: staffID.uuidString)])
        }
    }
}
