import Foundation

/// Where a call goes now: a pure function of the organisation's phones, its people's
/// availability and the time, so that a telephony platform can ask it and a worker can see it.
///
/// - Out of office hours (weekends and England and Wales bank holidays included, as the organisation
///   sets them): the emergency duty team (COV-4, COV-5).
/// - In office hours: the key worker when available, at their desk and logged in (LIN-3) or out with
///   the desk phone paired to their mobile (LIN-4); LIN-1 and LIN-2 make them the point of contact.
/// - Otherwise the team's hunt group (LIN-6), or the worker's own divert when it is to a hunt group. A
///   divert to an individual business-support officer or a reception phone is refused (LIN-12), and
///   the call goes to the hunt group instead.
/// - Never to the voicemail of someone away for longer than the organisation's pick-up time (LIN-5).
public struct CallRouter: Sendable {
    public let directory: PhoneDirectory
    public let settings: OrganisationSettings

    public init(directory: PhoneDirectory, settings: OrganisationSettings) {
        self.directory = directory
        self.settings = settings
    }

    /// Routes a call for `worker` (the key worker of the case, or whoever's number was dialled).
    public func route(forWorker workerID: UUID?, team teamID: UUID? = nil, at instant: Date) -> RouteDecision {
        if settings.officeHours.isOutOfHours(instant) {
            guard let edt = settings.emergencyDutyTeamNumber else {
                return RouteDecision(
                    destination: .unroutable,
                    number: nil,
                    clauses: ["COV-4"],
                    reason:
                        "Out of office hours and the organisation has no emergency duty team number: set emergency_duty_team_number."
                )
            }
            return RouteDecision(
                destination: .emergencyDutyTeam,
                number: edt,
                clauses: ["COV-4", "COV-5"],
                reason: "Out of office hours: calls go to the emergency duty team."
            )
        }
        let worker = workerID.flatMap { directory.workers[$0] }
        let team = (teamID ?? worker?.teamID).flatMap { directory.teams[$0] }
        if let w = worker {
            if let away = w.absence(at: instant) {
                return huntGroup(
                    team,
                    because: "\(w.name) is \(away.kind.phrase) until \(away.untilText)",
                    clauses: ["LIN-6", "LIN-13"]
                )
            }
            if w.deskLoggedIn, let desk = w.deskNumber {
                return RouteDecision(
                    destination: .worker(w.id),
                    number: desk,
                    clauses: ["LIN-1", "LIN-3"],
                    reason: "\(w.name) is at their desk and logged in."
                )
            }
            if w.deskPairedToMobile, let desk = w.deskNumber ?? w.mobileNumber {
                return RouteDecision(
                    destination: .worker(w.id),
                    number: desk,
                    clauses: ["LIN-1", "LIN-4"],
                    reason: "\(w.name) is out of the office with the desk phone paired to their mobile."
                )
            }
            if let divert = w.divertTo {
                switch directory.divertProblem(divert) {
                case nil:
                    return RouteDecision(
                        destination: .divert(w.id),
                        number: divert,
                        clauses: ["LIN-6", "LIN-12"],
                        reason: "\(w.name) is not available; their calls are diverted to a hunt group."
                    )
                case let problem?:
                    return huntGroup(
                        team,
                        because: "\(w.name)'s divert is refused: \(problem)",
                        clauses: ["LIN-12", "LIN-6"]
                    )
                }
            }
            return huntGroup(
                team,
                because: "\(w.name) is not at their desk or paired to their mobile",
                clauses: ["LIN-6"]
            )
        }
        return huntGroup(
            team,
            because: workerID == nil ? "No key worker is named" : "The key worker is not in the directory",
            clauses: ["LIN-6"]
        )
    }

    func huntGroup(_ team: PhoneDirectory.Team?, because why: String, clauses: [String]) -> RouteDecision {
        if let team, let hunt = team.huntGroupNumber {
            return RouteDecision(
                destination: .huntGroup(team.id),
                number: hunt,
                clauses: clauses,
                reason: "\(why): calls go to \(team.name)'s hunt group."
            )
        }
        return RouteDecision(
            destination: .unroutable,
            number: nil,
            clauses: clauses + ["LIN-6"],
            reason:
                "\(why), and \(team.map { "\($0.name)" } ?? "the call's team") has no hunt group number: set one for the team."
        )
    }
}

/// Where the router sends a call, and why, citing the clauses.
public struct RouteDecision: Sendable, Equatable {
    public enum Destination: Sendable, Equatable {
        case worker(UUID)
        /// The worker's own divert, to a hunt group.
        case divert(UUID)
        case huntGroup(UUID)
        case emergencyDutyTeam
        /// Nowhere allowed: the reason names the setting to fix.
        case unroutable
    }

    public var destination: Destination
    public var number: String?
    public var clauses: [String]
    public var reason: String
}

/// The organisation's phones and who is available, as the router needs them.
public struct PhoneDirectory: Sendable {
    public struct Worker: Sendable {
        public var id: UUID
        public var name: String
        public var teamID: UUID?
        public var deskNumber: String?
        public var mobileNumber: String?
        /// LIN-3: at the desk and logged in to the phone.
        public var deskLoggedIn: Bool
        /// LIN-4: out of the office with the desk phone paired to the mobile.
        public var deskPairedToMobile: Bool
        public var voicemailEnabled: Bool
        /// Where the worker's calls are diverted when they cannot answer (a number).
        public var divertTo: String?
        /// Leave and unexpected absences, in any order.
        public var absences: [Absence]

        public init(
            id: UUID,
            name: String,
            teamID: UUID?,
            deskNumber: String? = nil,
            mobileNumber: String? = nil,
            deskLoggedIn: Bool = false,
            deskPairedToMobile: Bool = false,
            voicemailEnabled: Bool = false,
            divertTo: String? = nil,
            absences: [Absence] = []
        ) {
            self.id = id
            self.name = name
            self.teamID = teamID
            self.deskNumber = deskNumber
            self.mobileNumber = mobileNumber
            self.deskLoggedIn = deskLoggedIn
            self.deskPairedToMobile = deskPairedToMobile
            self.voicemailEnabled = voicemailEnabled
            self.divertTo = divertTo
            self.absences = absences
        }

        /// The absence covering `instant`, if any.
        public func absence(at instant: Date) -> Absence? { absences.first { $0.covers(instant) } }

        /// LIN-5: voicemail may be on only while someone will pick messages up within `hours`: not
        /// while the worker is away, at `instant`, until later than that.
        public func voicemailAllowed(at instant: Date, pickupHours: Int) -> Bool {
            guard let away = absence(at: instant) else { return true }
            guard let until = away.until else { return false }
            return until.timeIntervalSince(instant) <= Double(pickupHours) * 3600
        }
    }

    public struct Absence: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case leave
            /// LIN-13: off sick or otherwise unexpectedly unavailable.
            case unexpected

            var phrase: String { self == .leave ? "on leave" : "unexpectedly absent" }
        }

        public var kind: Kind
        public var from: Date
        /// When the worker is expected back; nil: not known.
        public var until: Date?

        public init(kind: Kind, from: Date, until: Date?) {
            self.kind = kind
            self.from = from
            self.until = until
        }

        public func covers(_ instant: Date) -> Bool { from <= instant && until.map { instant < $0 } ?? true }

        var untilText: String { until.map { ISOInstant.format($0) } ?? "a date not yet known" }
    }

    public struct Team: Sendable {
        public var id: UUID
        public var name: String
        public var huntGroupNumber: String?

        public init(id: UUID, name: String, huntGroupNumber: String?) {
            self.id = id
            self.name = name
            self.huntGroupNumber = huntGroupNumber
        }
    }

    public var workers: [UUID: Worker]
    public var teams: [UUID: Team]
    /// LIN-12: numbers calls must never be diverted to: individual business-support officers' phones
    /// and reception phones.
    public var forbiddenDivertNumbers: Set<String>

    public init(workers: [Worker], teams: [Team], forbiddenDivertNumbers: Set<String> = []) {
        self.workers = Dictionary(workers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.teams = Dictionary(teams.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.forbiddenDivertNumbers = forbiddenDivertNumbers
    }

    /// Whose number was dialled (E.164): a member of staff's desk or mobile number, or a team's hunt
    /// group; nil when it is nobody's in the directory.
    public func owner(of number: String) -> (worker: UUID?, team: UUID?)? {
        if let w = workers.values.first(where: { $0.deskNumber == number || $0.mobileNumber == number }) {
            return (w.id, w.teamID)
        }
        if let t = teams.values.first(where: { $0.huntGroupNumber == number }) { return (nil, t.id) }
        return nil
    }

    /// Why calls may not be diverted to `number` (LIN-12), or nil when they may: it must be one of the
    /// organisation's hunt groups, and never an individual business-support officer or a reception phone.
    public func divertProblem(_ number: String) -> String? {
        if forbiddenDivertNumbers.contains(number) {
            return "\(number) is an individual business-support officer's or a reception phone (LIN-12)"
        }
        guard teams.values.contains(where: { $0.huntGroupNumber == number }) else {
            return "\(number) is not one of the organisation's hunt groups (LIN-6, LIN-12)"
        }
        return nil
    }
}
