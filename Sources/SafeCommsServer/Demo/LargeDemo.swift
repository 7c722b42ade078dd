import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// How big a demo to make.
public enum DemoSize: String, Sendable, CaseIterable {
    /// Three teams, eleven staff, 50 cases, about 1,500 records: for trying it out.
    case small
    /// A council: 24 teams, 200 staff, 5,000 cases, 1,000,000 records over two years, for measuring
    /// pages at scale.
    case large
}

/// Grows the small demo into a council's size: more teams with their managers and practitioners,
/// and cases spread over every team (the small demo's teams included, so its sign-ins see a full
/// caseload), each with its people, consents and two years of contact. Written a batch of cases at
/// a time, each batch with its audit events in one transaction, so memory stays flat.
struct LargeDemo {
    let app: Application
    static let teams = 21
    static let practitionersPerTeam = 8
    static let cases = 5_000
    static let records = 1_000_000
    static let days = 730

    /// - Parameter progress: told the number of records written so far.
    func enlarge(_ org: Organisation, progress: @Sendable (Int) -> Void = { _ in }) async throws {
        let db = app.db
        let orgID = org.id!
        let ctx = app.auditContext(organisationID: orgID, source: "demo")
        var rng = SeededRandom(seed: 20_261_206)
        // Staff who never sign in in the demo: one unguessable password for all of them.
        let hash = try await app.password.async.hash(UUID().uuidString + UUID().uuidString)
        var teams = try await db.scoped(to: orgID).query(Team.self).sort(\.$name).all()
        var staff = try await db.scoped(to: orgID).query(StaffMember.self).all()
        var newTeams: [Team] = [], newStaff: [StaffMember] = []
        for t in 0..<Self.teams {
            let team = Team(
                id: UUID(),
                organisationID: orgID,
                name: "Locality Team \(t + 1)",
                huntGroupNumber: String(format: "+4416329607%02d", t)
            )
            let manager = StaffMember(
                id: UUID(),
                organisationID: orgID,
                teamID: team.id,
                name: "Manager \(t + 1) (demo)",
                email: "manager\(t + 1)@\(DemoSeeder.domain)",
                passwordHash: hash,
                roles: [.manager],
                jobTitle: "Team manager"
            )
            team.managerID = manager.id
            newTeams.append(team)
            newStaff.append(manager)
            for w in 0..<Self.practitionersPerTeam {
                newStaff.append(
                    StaffMember(
                        id: UUID(),
                        organisationID: orgID,
                        teamID: team.id,
                        lineManagerID: manager.id,
                        name: "Worker \(t + 1)-\(w + 1) (demo)",
                        email: "worker\(t + 1).\(w + 1)@\(DemoSeeder.domain)",
                        passwordHash: hash,
                        roles: [.practitioner],
                        jobTitle: "Social worker"
                    )
                )
            }
        }
        let teamRows = try newTeams.map(Rewritable.init), staffRows = try newStaff.map(Rewritable.init)
        let staffEntries =
            newTeams.map { AuditEntry(action: .teamCreated, entity: "team", entityID: $0.id?.uuidString) }
            + newStaff.map { AuditEntry(action: .staffCreated, entity: "staff", entityID: $0.id?.uuidString) }
        try await AuditLog.transaction(on: db, ctx) { tx in
            for r in teamRows { try await r.save(on: tx) }
            for r in staffRows { try await r.save(on: tx) }
            return ((), staffEntries)
        }
        teams += newTeams
        staff += newStaff
        let workersByTeam = Dictionary(
            grouping: staff.filter { $0.roles.contains(.practitioner) && $0.teamID != nil },
            by: { $0.teamID! }
        )
        let teamsWithWorkers = teams.filter { workersByTeam[$0.id!] != nil }

        let existing = try await db.scoped(to: orgID).query(CaseFile.self).count()
        let toMake = Self.cases - existing
        let perCase = Self.records / Self.cases
        let batch = 250
        var written = 0
        for start in stride(from: 0, to: toMake, by: batch) {
            var cases: [CaseFile] = [], people: [CasePerson] = [], consents: [Consent] = []
            var records: [CommunicationRow] = []
            for i in start..<min(start + batch, toMake) {
                let n = existing + i
                let team = teamsWithWorkers[n % teamsWithWorkers.count]
                let workers = workersByTeam[team.id!]!
                let worker = workers[(n / teamsWithWorkers.count) % workers.count]
                let (c, ps, cs) = Self.makeCase(n, orgID: orgID, team: team, worker: worker, rng: &rng)
                cases.append(c)
                people += ps
                consents += cs
                records += DemoSeeder.records(
                    perCase,
                    for: c,
                    people: ps,
                    days: Self.days,
                    device: nil,
                    org: org,
                    rng: &rng
                )
            }
            let caseRows = try cases.map(Rewritable.init), personRows = try people.map(Rewritable.init)
            let consentRows = try consents.map(Rewritable.init)
            let rows = records
            var entries = DemoSeeder.caseEntries(cases, people, consents)
            entries += CommunicationRepository.auditEntries(for: rows, action: .communicationRecorded)
            let batchEntries = entries
            try await AuditLog.transaction(on: db, ctx) { tx in
                for r in caseRows { try await r.save(on: tx) }
                for r in personRows { try await r.save(on: tx) }
                for r in consentRows { try await r.save(on: tx) }
                try await CommunicationRepository.createRows(rows, on: tx)
                return ((), batchEntries)
            }
            written += records.count
            progress(written)
        }
    }

    static let first = [
        "Aisha", "Bailey", "Callum", "Daisy", "Ellis", "Freya", "George", "Harper", "Isaac", "Jade", "Kai", "Lily",
        "Mason", "Nia", "Oscar", "Poppy", "Reece", "Skye", "Tyler", "Zara", "Amir", "Chloe", "Dylan", "Ella",
    ]
    static let last = [
        "Atkinson", "Brennan", "Clarke", "Doyle", "Ellison", "Fletcher", "Gallagher", "Hussain", "Iqbal", "Jennings",
        "Kowalski", "Lambert", "Mensah", "Nowak", "O'Connor", "Pearson", "Quinn", "Rahman", "Shaw", "Turner",
    ]

    static func makeCase(
        _ n: Int,
        orgID: UUID,
        team: Team,
        worker: StaffMember,
        rng: inout SeededRandom
    ) -> (CaseFile, [CasePerson], [Consent]) {
        let statuses: [CaseStatus] = [.lookedAfter, .childProtection, .childInNeed, .earlyHelp, .other]
        let childFirst = rng.pick(first), surname = rng.pick(last)
        let c = CaseFile(
            id: UUID(),
            organisationID: orgID,
            teamID: team.id,
            keyWorkerID: worker.id,
            reference: String(format: "NB-%06d", 200_000 + n),
            displayName: "\(childFirst) \(surname.prefix(1)).",
            status: statuses[n % statuses.count],
            inCrisis: n % 97 == 5,
            openedOn: String(format: "202%d-%02d-%02d", 3 + n % 3, 1 + n % 12, 1 + n % 28)
        )
        let age = 5 + n % 12
        let child = CasePerson(
            id: UUID(),
            organisationID: orgID,
            caseID: c.id!,
            role: PersonRole.child.rawValue,
            name: "\(childFirst) \(surname)",
            phone: age >= 11 ? String(format: "+447700900%03d", n % 1000) : nil
        )
        let parent = CasePerson(
            id: UUID(),
            organisationID: orgID,
            caseID: c.id!,
            role: PersonRole.parentCarer.rawValue,
            name: "\(rng.pick(first)) \(surname)",
            phone: String(format: "+447700901%03d", n % 1000)
        )
        let professional = CasePerson(
            id: UUID(),
            organisationID: orgID,
            caseID: c.id!,
            role: PersonRole.professional.rawValue,
            name: "\(rng.pick(first)) \(rng.pick(last))",
            email: "teacher\(n)@school.example.org.uk"
        )
        var consents: [Consent] = []
        if n % 3 != 0 {
            consents.append(
                Consent(
                    id: UUID(),
                    organisationID: orgID,
                    caseID: c.id!,
                    personID: child.id,
                    recordedByID: worker.id!,
                    kind: .textingAgreed,
                    channel: SafeCommsCore.Channel.sms.rawValue,
                    givenBy: child.name,
                    reason: "Prefers texts to arrange visits",
                    givenOn: c.openedOn
                )
            )
        }
        return (c, [child, parent, professional], consents)
    }
}
