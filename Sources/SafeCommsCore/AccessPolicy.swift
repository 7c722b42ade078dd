import Foundation

/// The signed-in member of staff as the access rules see them.
public struct Principal: Sendable, Equatable {
    public let staffID: UUID
    public let organisationID: UUID
    public let roles: Set<Role>
    /// Teams the person works in.
    public let teamIDs: Set<UUID>
    /// Teams the person manages (a team manager's line of sight).
    public let managedTeamIDs: Set<UUID>

    public init(staffID: UUID, organisationID: UUID, roles: Set<Role>, teamIDs: Set<UUID>, managedTeamIDs: Set<UUID>) {
        self.staffID = staffID
        self.organisationID = organisationID
        self.roles = roles
        self.teamIDs = teamIDs
        self.managedTeamIDs = managedTeamIDs
    }
}

/// What decides who sees an incident: its kind, who raised it, the member of staff it concerns (a
/// breach's or a conduct concern's), and its case if it has one.
public struct IncidentAllocation: Sendable, Equatable {
    public let kind: IncidentKind
    public let reporter: StaffAllocation
    /// The member of staff it is about, when that is not the reporter.
    public let concerning: StaffAllocation?
    public let caseAllocation: CaseAllocation?

    public init(
        kind: IncidentKind,
        reporter: StaffAllocation,
        concerning: StaffAllocation? = nil,
        caseAllocation: CaseAllocation?
    ) {
        self.kind = kind
        self.reporter = reporter
        self.concerning = concerning
        self.caseAllocation = caseAllocation
    }

    /// Whose line manager the line manager's steps are for: the member of staff it concerns, or else
    /// whoever raised it.
    public var managed: StaffAllocation { concerning ?? reporter }
}

/// Who a case is allocated to.
public struct CaseAllocation: Sendable, Equatable {
    public let organisationID: UUID
    public let teamID: UUID?
    public let keyWorkerID: UUID?

    public init(organisationID: UUID, teamID: UUID?, keyWorkerID: UUID?) {
        self.organisationID = organisationID
        self.teamID = teamID
        self.keyWorkerID = keyWorkerID
    }
}

/// Where a member of staff sits in the organisation, for the rules about their phones and leave.
public struct StaffAllocation: Sendable, Equatable {
    public let staffID: UUID
    public let organisationID: UUID
    public let teamID: UUID?
    public let lineManagerID: UUID?

    public init(staffID: UUID, organisationID: UUID, teamID: UUID?, lineManagerID: UUID?) {
        self.staffID = staffID
        self.organisationID = organisationID
        self.teamID = teamID
        self.lineManagerID = lineManagerID
    }
}

/// What a route asks to do, independent of any case.
public enum Permission: String, Sendable, CaseIterable {
    /// Read the organisation's settings, teams and staff directory.
    case readDirectory
    /// Change the organisation's settings and staff accounts (who holds which role).
    case administer
    /// Keep the directory: teams with their hunt groups, and devices (business support's job, MISSION.md).
    case manageDirectory
    /// Open a new case file.
    case createCase
    /// Read the audit trail and verify its chain.
    case readAudit
    /// Run the unrecorded-contact report over a carrier's bill (PD-1.1, PD-1.8): it finds what
    /// practitioners did not record, so it is for those who oversee them. It lists only cases the
    /// reader may see.
    case reconcile
}

/// Least privilege, decided in one place. Every route asks here; nothing else grants access.
///
/// - A practitioner sees the cases allocated to them or to a team they work in.
/// - A team manager also sees every case of the teams they manage.
/// - The DSL and auditors see every case of their organisation; an auditor changes nothing.
/// - Administrators run the organisation (settings, accounts); business support keeps the directory
///   (teams, hunt groups, devices). Neither reads case files.
/// - The audit trail is for auditors and the DSL.
/// - Nobody ever sees another organisation's data.
public enum AccessPolicy {
    public static func canRead(_ p: Principal, _ c: CaseAllocation) -> Bool {
        guard p.organisationID == c.organisationID else { return false }
        if p.roles.contains(.dsl) || p.roles.contains(.auditor) { return true }
        if p.roles.contains(.practitioner) || p.roles.contains(.manager) {
            if let k = c.keyWorkerID, k == p.staffID { return true }
            if let t = c.teamID, p.teamIDs.contains(t) { return true }
        }
        if p.roles.contains(.manager), let t = c.teamID, p.managedTeamIDs.contains(t) { return true }
        return false
    }

    /// Record contact, add people and consents, correct records. Reading is a precondition; auditors never write.
    public static func canWrite(_ p: Principal, _ c: CaseAllocation) -> Bool {
        guard canRead(p, c) else { return false }
        return p.roles.contains(.practitioner) || p.roles.contains(.manager) || p.roles.contains(.dsl)
    }

    /// Whose phone settings and leave someone may set (LIN-6, LIN-8, LIN-13): their own, their line reports' and the
    /// members' of teams they manage; business support and administrators keep the directory.
    public static func canManagePhones(_ p: Principal, of s: StaffAllocation) -> Bool {
        guard p.organisationID == s.organisationID else { return false }
        if p.staffID == s.staffID || s.lineManagerID == p.staffID { return true }
        if p.roles.contains(.manager), let t = s.teamID, p.managedTeamIDs.contains(t) { return true }
        return can(p, .manageDirectory)
    }

    /// The person's line manager, or the manager of their team.
    public static func manages(_ p: Principal, _ s: StaffAllocation) -> Bool {
        guard p.organisationID == s.organisationID, p.staffID != s.staffID else { return false }
        if s.lineManagerID == p.staffID { return true }
        return p.roles.contains(.manager) && s.teamID.map(p.managedTeamIDs.contains) == true
    }

    /// LIN-13: an unexpected absence is started by the line manager, or the manager of the person's team.
    public static func canReportUnexpectedAbsence(_ p: Principal, of s: StaffAllocation) -> Bool { manages(p, s) }

    /// The person themselves, or their line or team manager.
    public static func isSelfOrManager(_ p: Principal, _ s: StaffAllocation) -> Bool {
        (p.organisationID == s.organisationID && p.staffID == s.staffID) || manages(p, s)
    }

    /// LIN-7: a message taken for someone is answered by them, or by a manager of theirs.
    public static func canAnswerMessages(_ p: Principal, for s: StaffAllocation) -> Bool { isSelfOrManager(p, s) }

    /// LIN-7, COV-5: team managers and the DSL see others' overdue messages and follow-ups.
    public static func overseesOthers(_ p: Principal) -> Bool { p.roles.contains(.manager) || p.roles.contains(.dsl) }

    /// LIN-9, LIN-10: anyone in the organisation may take a message for a colleague, except auditors,
    /// who change nothing.
    public static func canTakeMessages(_ p: Principal) -> Bool { !p.roles.isEmpty && !p.roles.isSubset(of: [.auditor]) }

    public static func can(_ p: Principal, _ permission: Permission) -> Bool {
        switch permission {
        case .readDirectory: !p.roles.isEmpty
        case .administer: p.roles.contains(.admin)
        case .manageDirectory: p.roles.contains(.admin) || p.roles.contains(.businessSupport)
        case .createCase: p.roles.contains(.manager) || p.roles.contains(.dsl)
        // Information governance and the DSL; IT administrators run the system but do not audit it.
        case .readAudit: p.roles.contains(.auditor) || p.roles.contains(.dsl)
        case .reconcile: !p.roles.isDisjoint(with: [.manager, .dsl, .auditor])
        }
    }

    /// Who may see an incident: the DSL and auditors; whoever raised it and their managers; and, unless
    /// its kind is restricted (indecent images, concerns about staff), whoever may see its case.
    public static func canRead(_ p: Principal, _ i: IncidentAllocation) -> Bool {
        guard p.organisationID == i.reporter.organisationID else { return false }
        if p.roles.contains(.dsl) || p.roles.contains(.auditor) { return true }
        if p.staffID == i.reporter.staffID || manages(p, i.reporter) || manages(p, i.managed) { return true }
        guard !i.kind.isRestricted, let c = i.caseAllocation else { return false }
        return canRead(p, c)
    }

    /// Who may do a step of an incident: its owner (the reporter, or the line manager of the member of
    /// staff it concerns, else of the reporter), the reporter's managers for the reporter's steps, and
    /// the DSL, who may always act; never an auditor.
    public static func canComplete(_ p: Principal, _ owner: StepOwner, of i: IncidentAllocation) -> Bool {
        guard p.organisationID == i.reporter.organisationID, !p.roles.isSubset(of: [.auditor]) else { return false }
        if p.roles.contains(.dsl) { return true }
        switch owner {
        case .reporter: return p.staffID == i.reporter.staffID || manages(p, i.reporter)
        case .lineManager: return manages(p, i.managed)
        case .dsl: return false
        }
    }

    /// Who sees a review item about a worker's message: the DSL (all of them) and auditors, and the
    /// worker's line or team manager. Never the worker: the queue is their managers' to work.
    public static func canReadReview(_ p: Principal, of worker: StaffAllocation) -> Bool {
        guard p.organisationID == worker.organisationID else { return false }
        return p.roles.contains(.dsl) || p.roles.contains(.auditor) || manages(p, worker)
    }

    /// Who resolves one: the DSL and the worker's managers; never an auditor.
    public static func canResolveReview(_ p: Principal, of worker: StaffAllocation) -> Bool {
        guard p.organisationID == worker.organisationID else { return false }
        return p.roles.contains(.dsl) || manages(p, worker)
    }

    /// A manager opens cases only for the teams they manage; the DSL for any team of the organisation.
    public static func canAllocate(_ p: Principal, toTeam teamID: UUID?) -> Bool {
        if p.roles.contains(.dsl) { return true }
        guard p.roles.contains(.manager), let teamID else { return false }
        return p.managedTeamIDs.contains(teamID)
    }
}
