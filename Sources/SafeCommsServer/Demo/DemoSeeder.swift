import Fluent
import Foundation
import SafeCommsCore
import SafeCommsImport
import SafeCommsStore
import Vapor

/// Fills an empty store with a believable demo organisation: three teams with hunt groups, staff in
/// every role, work mobiles and desk phones, 50 cases across every status with their people and
/// consents, and four months of contact. Names are invented; numbers are from Ofcom's drama ranges.
struct DemoSeeder {
    let app: Application
    static let organisationName = "Northbridge Borough Council (demo)"
    /// The demo organisation's id, the same on every machine, so that a demo pointed at an identity
    /// provider can name it (`SAFECOMMS_OIDC_ORGANISATION`) before it starts.
    static let organisationID = UUID(uuidString: "0000dec0-0000-4000-8000-000000000001")!

    struct SignIn: Sendable {
        var role: String
        var name: String
        var email: String
        var password: String
        var sees: String
    }

    struct StaffSpec {
        var name: String
        var email: String
        var roles: Set<Role>
        var team: Int?
        var title: String
    }

    static let staffSpecs: [StaffSpec] = [
        .init(name: "Priya Shah", email: "priya.shah", roles: [.practitioner], team: 0, title: "Social worker"),
        .init(name: "Tom Reid", email: "tom.reid", roles: [.practitioner], team: 0, title: "Social worker"),
        .init(name: "Amara Okafor", email: "amara.okafor", roles: [.practitioner], team: 1, title: "Social worker"),
        .init(name: "Ben Lewis", email: "ben.lewis", roles: [.practitioner], team: 1, title: "Social worker"),
        .init(
            name: "Chloe Evans",
            email: "chloe.evans",
            roles: [.practitioner],
            team: 2,
            title: "Family support worker"
        ),
        .init(name: "Dan Hughes", email: "dan.hughes", roles: [.manager], team: 0, title: "Team manager"),
        .init(name: "Sarah Collins", email: "sarah.collins", roles: [.manager], team: 1, title: "Team manager"),
        .init(name: "Helen Ward", email: "helen.ward", roles: [.dsl], team: nil, title: "Designated safeguarding lead"),
        .init(
            name: "Jo Patel",
            email: "jo.patel",
            roles: [.businessSupport],
            team: nil,
            title: "Business support officer"
        ),
        .init(name: "Alex Morgan", email: "alex.morgan", roles: [.admin], team: nil, title: "Systems administrator"),
        .init(
            name: "Ruth Evans",
            email: "ruth.evans",
            roles: [.auditor],
            team: nil,
            title: "Information governance officer"
        ),
    ]
    static let domain = "northbridge.example.gov.uk"

    /// Seeds when the store is empty; when the demo organisation already exists its sign-ins get new
    /// passwords so the printed table always works. A store holding any other organisation is refused.
    /// - Parameter size: `.large` grows the organisation to a council's size (`LargeDemo`), once.
    /// - Parameter progress: told the records written so far while a large demo is made.
    func run(size: DemoSize = .small, progress: @Sendable (Int) -> Void = { _ in }) async throws -> [SignIn] {
        let db = app.db
        let orgs = try await Organisation.query(on: db).all()
        let signIns: [SignIn]
        if let existing = orgs.first(where: { $0.name == Self.organisationName }) {
            signIns = try await resetPasswords(existing)
        } else {
            guard orgs.isEmpty else {
                throw RunnerError("--demo needs an empty data directory; this store already holds a real organisation")
            }
            signIns = try await seed()
        }
        if size == .large,
            let org = try await Organisation.query(on: db).filter(\.$name == Self.organisationName).first(),
            try await db.scoped(to: org.id!).query(CaseFile.self).count() < LargeDemo.cases
        {
            try await LargeDemo(app: app).enlarge(org, progress: progress)
        }
        return signIns
    }

    private func password(_ rng: inout SystemRandomNumberGenerator) -> String {
        let words = [
            "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbour", "island", "juniper", "kestrel",
            "lantern", "meadow", "nettle", "orchard", "pebble",
        ]
        return (0..<3).map { _ in words.randomElement(using: &rng)! }.joined(separator: "-") + "-"
            + String(Int.random(in: 10...99, using: &rng))
    }

    private func resetPasswords(_ org: Organisation) async throws -> [SignIn] {
        var rng = SystemRandomNumberGenerator()
        var out: [SignIn] = []
        for spec in Self.staffSpecs {
            let email = "\(spec.email)@\(Self.domain)"
            guard try await StaffMember.query(on: app.db).filter(\.$email == email).first() != nil else { continue }
            let pw = password(&rng)
            let hash = try await app.password.async.hash(pw)
            try await AuditLog.transaction(on: app.db, app.auditContext(organisationID: org.id, source: "demo")) { tx in
                guard let s = try await StaffMember.query(on: tx).filter(\.$email == email).first() else {
                    return ((), [])
                }
                s.passwordHash = hash
                try await s.save(on: tx)
                return ((), [AuditEntry(action: .passwordReset, entity: "staff", entityID: s.id?.uuidString)])
            }
            out.append(signIn(spec, pw))
        }
        return out
    }

    private func signIn(_ spec: StaffSpec, _ pw: String) -> SignIn {
        let role = spec.roles.sorted().map(\.rawValue).joined(separator: ",")
        let sees: String =
            switch spec.roles.first! {
            case .practitioner: "cases of their team"
            case .manager: "cases of the team they manage"
            case .dsl: "every case (reads and writes)"
            case .auditor: "every case, read only"
            case .admin: "settings, accounts, teams, devices; no cases"
            case .businessSupport: "teams, hunt groups, devices; no cases"
            }
        return SignIn(role: role, name: spec.name, email: "\(spec.email)@\(Self.domain)", password: pw, sees: sees)
    }

    private func seed() async throws -> [SignIn] {
        let db = app.db
        var rng = SeededRandom(seed: 20_261_122)
        var pwRng = SystemRandomNumberGenerator()
        let org = Organisation(
            name: Self.organisationName,
            settings: OrganisationSettings(
                emergencyDutyTeamNumber: "+441632960999",
                workEmailDomains: [Self.domain],
                whatsappReviewDate: "2027-03-31"
            )
        )
        org.id = Self.organisationID
        let orgID = org.id!
        let ctx = app.auditContext(organisationID: orgID, source: "demo")
        let teamNames = [
            ("Children in Care Team", "+441632960100"), ("Child Protection Team", "+441632960200"),
            ("Early Help Team", "+441632960300"),
        ]
        let teams = teamNames.map {
            Team(id: UUID(), organisationID: orgID, name: $0.0, huntGroupNumber: $0.1, coveredLandline: $0.1)
        }
        var staff: [StaffMember] = []
        var signIns: [SignIn] = []
        for (i, spec) in Self.staffSpecs.enumerated() {
            let pw = password(&pwRng)
            let mobile = "+4477009001\(String(format: "%02d", i))"
            let s = StaffMember(
                id: UUID(),
                organisationID: orgID,
                teamID: spec.team.map { teams[$0].id! },
                name: spec.name,
                email: "\(spec.email)@\(Self.domain)",
                passwordHash: try await app.password.async.hash(pw),
                roles: spec.roles,
                jobTitle: spec.title,
                workMobile: mobile
            )
            staff.append(s)
            signIns.append(signIn(spec, pw))
        }
        teams[0].managerID = staff[5].id
        teams[1].managerID = staff[6].id
        teams[2].managerID = staff[6].id
        for s in staff where s.roles.contains(.practitioner) {
            s.lineManagerID = s.teamID == teams[0].id ? staff[5].id : staff[6].id
        }
        var devices: [Device] = []
        for (i, s) in staff.enumerated() where !s.roles.contains(.auditor) {
            devices.append(
                Device(
                    id: UUID(),
                    organisationID: orgID,
                    holderID: s.id,
                    kind: .workMobile,
                    address: s.workMobile!,
                    whatsappEnabled: i < 5
                )
            )
            devices.append(
                Device(
                    id: UUID(),
                    organisationID: orgID,
                    holderID: s.id,
                    kind: .deskPhone,
                    address: "+44163296\(String(format: "%04d", 1000 + i))"
                )
            )
        }
        let practitioners = staff.filter { $0.roles.contains(.practitioner) }
        let (cases, people, consents) = makeCases(orgID: orgID, teams: teams, practitioners: practitioners, rng: &rng)
        let allStaff = staff, allDevices = devices
        let records = makeRecords(org: org, cases: cases, people: people, devices: devices, rng: &rng)
        // One transaction: a demo is either all there or not there at all.
        // Each row kept for a second attempt (see `Rewritable`).
        let orgRow = try Rewritable(org), teamRows = try teams.map(Rewritable.init),
            staffRows = try allStaff.map(Rewritable.init)
        let deviceRows = try allDevices.map(Rewritable.init), caseRows = try cases.map(Rewritable.init)
        let personRows = try people.map(Rewritable.init), consentRows = try consents.map(Rewritable.init)
        // The demo's staff have read every policy already; a member of staff added later is asked
        // to on first sign-in (`/policies?first=1`).
        let acknowledgements = allStaff.flatMap { s in
            app.policyCatalogue.packs.map {
                PolicyAcknowledgement(
                    organisationID: orgID,
                    staffID: s.id!,
                    packID: $0.id,
                    version: $0.version,
                    acknowledgedAt: RowDigest.storable(Date())
                )
            }
        }
        let acknowledgementRows = try acknowledgements.map(Rewritable.init)
        try await AuditLog.transaction(on: db, ctx) { tx in
            try await orgRow.save(on: tx)
            for r in teamRows { try await r.save(on: tx) }
            for r in staffRows { try await r.save(on: tx) }
            for r in deviceRows { try await r.save(on: tx) }
            for r in caseRows { try await r.save(on: tx) }
            for r in personRows { try await r.save(on: tx) }
            for r in consentRows { try await r.save(on: tx) }
            for r in acknowledgementRows { try await r.save(on: tx) }
            try await CommunicationRepository.createRows(records, on: tx)
            var entries = [AuditEntry(action: .demoSeeded, entity: "organisation", entityID: orgID.uuidString)]
            entries += Self.caseEntries(cases, people, consents)
            entries += CommunicationRepository.auditEntries(for: records, action: .communicationRecorded)
            entries += acknowledgements.map {
                AuditEntry(
                    action: .policyAcknowledged,
                    entity: PolicyAcknowledgement.auditEntity,
                    entityID: $0.id?.uuidString,
                    detail: "\($0.packID) \($0.version)",
                    rowDigest: $0.digest
                )
            }
            return ((), entries)
        }
        try await seedIncidents(staff: allStaff, teams: teams, cases: cases, ctx: ctx)
        try await seedReviewQueue(worker: allStaff[0], cases: cases, people: people, zone: org.settings.timeZone)
        return signIns
    }

    /// How long ago the demo's abusive call was reported. A week, so that its manager's step (one working
    /// day after the reporter's, done half an hour in) is overdue whatever day the demo is seeded on:
    /// any seven days hold at least three working days, bank holidays included.
    static let overdueIncidentAge: TimeInterval = 7 * 86_400

    /// A few incidents at different stages, so that the practitioner, their manager and the DSL each
    /// have something on `/incidents` at first sign-in: one with an overdue step for the manager, one
    /// about an image received twenty minutes ago (seen only by those it concerns), a closed breach and a new one.
    private func seedIncidents(staff: [StaffMember], teams: [Team], cases: [CaseFile], ctx: AuditContext) async throws {
        let db = app.db
        func principal(_ s: StaffMember) -> Principal {
            Principal(
                staffID: s.id!,
                organisationID: s.organisationID,
                roles: s.roles,
                teamIDs: Set([s.teamID].compactMap { $0 }),
                managedTeamIDs: Set(teams.filter { $0.managerID == s.id }.compactMap(\.id))
            )
        }
        let priya = staff[0], manager = staff[5], other = staff[1]
        guard let hers = cases.first(where: { $0.keyWorkerID == priya.id }),
            let theirs = cases.first(where: { $0.keyWorkerID == other.id })
        else { return }
        let now = Date(), age = Self.overdueIncidentAge
        let abuse = try await Incidents.raise(
            .init(
                kind: .abusiveContact,
                caseID: hers.id,
                occurredAt: now.addingTimeInterval(-age - 3_600),
                summary: "Mother rang the work mobile shouting and threatening to come to the office."
            ),
            by: principal(priya),
            audit: ctx,
            on: db,
            now: now.addingTimeInterval(-age)
        )
        _ = try await Incidents.complete(
            step: abuse.steps[0].id!,
            of: abuse.incident.id!,
            .init(note: "Recorded with the call on the chronology.", reference: nil, confirmed: false),
            by: principal(priya),
            audit: ctx,
            on: db,
            now: now.addingTimeInterval(-age + 1_800)
        )
        _ = try await Incidents.raise(
            .init(
                kind: .imageReceived,
                caseID: hers.id,
                occurredAt: now.addingTimeInterval(-1_800),
                summary: "An image arrived by WhatsApp from an unknown number; not opened beyond the preview."
            ),
            by: principal(priya),
            audit: ctx,
            on: db,
            now: now.addingTimeInterval(-1_200)
        )
        let breach = try await Incidents.raise(
            .init(
                kind: .policyBreach,
                caseID: nil,
                breachedClause: "WA-7",
                occurredAt: now.addingTimeInterval(-10 * 86_400),
                summary: "A child's full name and date of birth were posted in the team's WhatsApp group.",
                people: [.init(staffID: other.id, role: .staffMember)]
            ),
            by: principal(manager),
            audit: ctx,
            on: db,
            now: now.addingTimeInterval(-9 * 86_400)
        )
        _ = try await Incidents.complete(
            step: breach.steps[0].id!,
            of: breach.incident.id!,
            .init(note: "Talked it through; the message was deleted from the group.", reference: nil, confirmed: false),
            by: principal(manager),
            audit: ctx,
            on: db,
            now: now.addingTimeInterval(-8 * 86_400)
        )
        _ = try await Incidents.raise(
            .init(
                kind: .socialNetworkConcern,
                caseID: theirs.id,
                occurredAt: now.addingTimeInterval(-86_400),
                summary:
                    "A public profile shows the young person's school and that they are meeting an adult they met online."
            ),
            by: principal(other),
            audit: ctx,
            on: db,
            now: now.addingTimeInterval(-82_800)
        )
    }

    /// A WhatsApp chat between Priya and a child on her caseload, imported as she would import it: two
    /// messages give away who the child is (WA-7) and the child's reply is abusive (PD-1.10, WA-13), so
    /// her manager and the DSL have a review queue at first sign-in.
    private func seedReviewQueue(
        worker: StaffMember,
        cases: [CaseFile],
        people: [CasePerson],
        zone: TimeZone
    ) async throws {
        guard let hers = cases.first(where: { $0.keyWorkerID == worker.id }),
            let child = people.first(where: { $0.caseID == hers.id && $0.role == PersonRole.child.rawValue }),
            let born = child.dateOfBirth.flatMap(BankHolidays.Day.init(parsing:))
        else { return }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func day(_ daysAgo: Int) -> String {
            let d = calendar.dateComponents(
                [.day, .month, .year],
                from: Date().addingTimeInterval(Double(-daysAgo) * 86_400)
            )
            return String(format: "%02d/%02d/%04d", d.day!, d.month!, d.year!)
        }
        let first = worker.name.split(separator: " ")[0]
        let chat = """
            \(day(6)), 09:15 - \(worker.name): Hi, it's \(first) from the team. Are you free Thursday after school?
            \(day(6)), 09:21 - \(child.name): ok
            \(day(6)), 16:40 - \(worker.name): I've sent your details to the new school: \(child.name), born \(String(format: "%02d/%02d/%04d", born.day, born.month, born.year)), \(child.postcode ?? "")
            \(day(4)), 18:02 - \(child.name): leave me alone you stupid bitch
            \(day(4)), 18:10 - \(worker.name): I'm sorry you're upset. I'll ring tomorrow at 4.
            \(day(2)), 10:30 - \(worker.name): Reminder for Monday's review: \(child.name), \(child.address ?? "")
            """
        _ = try await CaseImport.run(
            .init(
                format: .whatsapp,
                reader: LineReader(chat),
                caseReference: hers.reference,
                asEmail: worker.email,
                dryRun: false,
                mappings: [worker.name: worker.email, child.name: child.name]
            ),
            on: app.db,
            key: app.auditKey,
            witness: app.auditWitness,
            library: app.policyLibrary
        )
    }

    private func makeCases(
        orgID: UUID,
        teams: [Team],
        practitioners: [StaffMember],
        rng: inout SeededRandom
    ) -> ([CaseFile], [CasePerson], [Consent]) {
        let first = [
            "Aisha", "Bailey", "Callum", "Daisy", "Ellis", "Freya", "George", "Harper", "Isaac", "Jade", "Kai", "Lily",
            "Mason", "Nia", "Oscar", "Poppy", "Reece", "Skye", "Tyler", "Zara",
        ]
        let last = [
            "Atkinson", "Brennan", "Clarke", "Doyle", "Ellison", "Fletcher", "Gallagher", "Hussain", "Iqbal",
            "Jennings", "Kowalski", "Lambert", "Mensah", "Nowak", "O'Connor", "Pearson",
        ]
        let streets = ["Mill Lane", "Station Road", "Church Street", "Park Avenue", "Victoria Road", "Queens Drive"]
        let statuses: [CaseStatus] = [.lookedAfter, .childProtection, .childInNeed, .earlyHelp, .other]
        var cases: [CaseFile] = [], people: [CasePerson] = [], consents: [Consent] = []
        for i in 0..<50 {
            let status = statuses[i % statuses.count]
            let teamIndex = status == .lookedAfter ? 0 : (status == .earlyHelp ? 2 : 1)
            let team = teams[teamIndex]
            let workers = practitioners.filter { $0.teamID == team.id }
            let worker = workers[i % workers.count]
            let childFirst = rng.pick(first), surname = rng.pick(last)
            let c = CaseFile(
                id: UUID(),
                organisationID: orgID,
                teamID: team.id,
                keyWorkerID: worker.id,
                reference: String(format: "NB-%05d", 10_000 + i * 37),
                displayName: "\(childFirst) \(surname.prefix(1)).",
                status: status,
                inCrisis: i % 17 == 3,
                openedOn: String(format: "202%d-%02d-%02d", 4 + i % 2, 1 + i % 12, 1 + i % 28)
            )
            cases.append(c)
            let age = 5 + i % 12
            let postcode = "NB\(1 + i % 9) \(i % 9)\(["AB", "DF", "GH", "JL", "PQ"][i % 5])"
            let address = "\(1 + i * 3 % 90) \(rng.pick(streets)), Northbridge"
            let child = CasePerson(
                id: UUID(),
                organisationID: orgID,
                caseID: c.id!,
                role: PersonRole.child.rawValue,
                name: "\(childFirst) \(surname)",
                aliases: i % 3 == 0 ? [String(childFirst.prefix(3))] : [],
                dateOfBirth: String(format: "%04d-%02d-%02d", 2026 - age, 1 + i % 12, 1 + (i * 7) % 28),
                address: address,
                postcode: postcode,
                phone: age >= 11 ? String(format: "+4477009003%02d", i) : nil
            )
            let parent = CasePerson(
                id: UUID(),
                organisationID: orgID,
                caseID: c.id!,
                role: PersonRole.parentCarer.rawValue,
                name: "\(rng.pick(first)) \(surname)",
                address: address,
                postcode: postcode,
                phone: String(format: "+4477009004%02d", i)
            )
            let professional = CasePerson(
                id: UUID(),
                organisationID: orgID,
                caseID: c.id!,
                role: PersonRole.professional.rawValue,
                name: "\(rng.pick(first)) \(rng.pick(last))",
                phone: String(format: "+4416329605%02d", i),
                email: "designated.teacher\(i)@school.example.org.uk"
            )
            people += [child, parent, professional]
            if status == .lookedAfter || age >= 13 {
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
            if status != .lookedAfter {
                consents.append(
                    Consent(
                        id: UUID(),
                        organisationID: orgID,
                        caseID: c.id!,
                        personID: parent.id,
                        recordedByID: worker.id!,
                        kind: .parentPermission,
                        channel: nil,
                        givenBy: parent.name,
                        reason: "Agreed at first visit that the worker may contact the child",
                        givenOn: c.openedOn
                    )
                )
            }
        }
        return (cases, people, consents)
    }

    private func makeRecords(
        org: Organisation,
        cases: [CaseFile],
        people: [CasePerson],
        devices: [Device],
        rng: inout SeededRandom
    ) -> [CommunicationRow] {
        let mobiles = Dictionary(
            devices.filter { $0.kind == .workMobile }.map { ($0.holderID!, $0.id!) },
            uniquingKeysWith: { a, _ in a }
        )
        let peopleByCase = Dictionary(grouping: people, by: \.caseID)
        var records: [CommunicationRow] = []
        for c in cases {
            let count = 20 + Int.random(in: 0..<21, using: &rng)
            records += Self.records(
                count,
                for: c,
                people: peopleByCase[c.id!]!,
                days: 120,
                device: mobiles[c.keyWorkerID!],
                org: org,
                rng: &rng
            )
        }
        return records
    }

    /// The audit events of cases made with their people and consents, each row's digest sealed in.
    static func caseEntries(_ cases: [CaseFile], _ people: [CasePerson], _ consents: [Consent]) -> [AuditEntry] {
        cases.map { AuditEntry(action: .caseCreated, entity: "case", entityID: $0.id?.uuidString, caseID: $0.id) }
            + people.map {
                AuditEntry(
                    action: .personAdded,
                    entity: CasePerson.auditEntity,
                    entityID: $0.id?.uuidString,
                    caseID: $0.caseID,
                    rowDigest: $0.digest
                )
            }
            + consents.map {
                AuditEntry(
                    action: .consentRecorded,
                    entity: Consent.auditEntity,
                    entityID: $0.id?.uuidString,
                    caseID: $0.caseID,
                    detail: $0.kind.rawValue,
                    rowDigest: $0.digest
                )
            }
    }

    static let texts = [
        "Hi, just confirming I'll visit on Thursday at 4pm. Let me know if that doesn't work.",
        "Thanks for letting me know. I've passed the message to school.",
        "Reminder: review meeting is next Tuesday at 10am at the family centre.",
        "Running 10 minutes late, sorry. See you shortly.",
        "Can we move our catch-up to Friday after school?",
    ]
    static let summaries = [
        "Discussed how the week at school went; agreed next visit date.",
        "Parent called about contact arrangements; explained the plan and will confirm by text.",
        "Designated teacher reported improved attendance this half term.",
        "Home visit: child seen alone, bedroom seen, no concerns raised.",
        "Call about transport to contact; agreed taxi for Saturday.",
    ]

    /// `count` records of contact on a case over the last `days`, by its key worker: mostly in working
    /// hours with some evenings and weekends, mostly recorded within hours and some days late, as real
    /// contact is. The small demo and the large one both make theirs here.
    static func records(
        _ count: Int,
        for c: CaseFile,
        people: [CasePerson],
        days: Int,
        device: UUID?,
        org: Organisation,
        rng: inout SeededRandom
    ) -> [CommunicationRow] {
        let now = Date()
        var out: [CommunicationRow] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let person = rng.pick(people)
            let daysAgo = Double(Int.random(in: 1...days, using: &rng))
            let hour =
                Int.random(in: 0..<10, using: &rng) < 8
                ? Int.random(in: 9...16, using: &rng) : Int.random(in: 17...21, using: &rng)
            let occurred = Calendar.current.startOfDay(for: now.addingTimeInterval(-daysAgo * 86_400))
                .addingTimeInterval(Double(hour * 3600 + Int.random(in: 0..<60, using: &rng) * 60))
            let channel: SafeCommsCore.Channel =
                person.phone == nil
                ? .email : rng.pick([.sms, .sms, .phoneCall, .phoneCall, .email, .faceToFace, .whatsapp])
            let written = channel.isWritten
            let draft = CommunicationDraft(
                channel: channel,
                direction: Bool.random(using: &rng) ? .outgoing : .incoming,
                occurredAt: occurred,
                durationSeconds: channel == .phoneCall ? Int.random(in: 60...1500, using: &rng) : nil,
                counterpartName: person.name,
                counterpartRole: PersonRole(rawValue: person.role),
                counterpartAddress: channel == .email ? person.email : person.phone,
                transcript: written ? rng.pick(texts) : nil,
                summary: written ? nil : rng.pick(summaries),
                significant: Int.random(in: 0..<25, using: &rng) == 0
            )
            let lag =
                Double(
                    Int.random(in: 0..<10, using: &rng) < 8
                        ? Int.random(in: 5...240, using: &rng) : Int.random(in: 1...14, using: &rng) * 1440
                ) * 60
            out.append(
                CommunicationRepository.makeRecord(
                    draft,
                    organisationID: org.id!,
                    caseID: c.id!,
                    staffID: c.keyWorkerID!,
                    deviceID: channel == .faceToFace ? nil : device,
                    personID: person.id,
                    settings: org.settings,
                    recordedAt: min(now, occurred.addingTimeInterval(lag)),
                    source: "demo"
                )
            )
        }
        return out
    }

    /// The sign-ins as a table for the terminal.
    /// The sign-in table `serve --demo` prints, and how the second factor goes on this server.
    static func table(_ rows: [SignIn], url: String, secondFactorRequired: Bool = true) -> String {
        let headers = ["role", "name", "e-mail", "password", "sees"]
        let cells = rows.map { [$0.role, $0.name, $0.email, $0.password, $0.sees] }
        let widths = headers.indices.map { i in ([headers[i]] + cells.map { $0[i] }).map(\.count).max()! }
        func line(_ r: [String]) -> String {
            r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        var out =
            "\nSafeComms demo: \(organisationName)\nSign in at \(url)/login with any of these (passwords are new each start):\n\n"
        out += line(headers) + "\n" + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        out += cells.map(line).joined(separator: "\n") + "\n"
        out +=
            secondFactorRequired
            ? """

            A second factor: the practitioner, manager, DSL and auditor read case history, so at their first
            sign-in they set up an authenticator app (any TOTP app; on this machine, `oathtool --totp -b KEY`
            with the key the page shows); after that, sign-in asks for its code after the password.
            The administrator and business support may set one up from Your account.

            """
            : """

            A second factor: offered here (SAFECOMMS_SECOND_FACTOR=offered). Once signed in, open Your account,
            then Set up an authenticator (any TOTP app, or `oathtool --totp -b KEY`); after that, sign-in asks
            for its code after the password.

            """
        out += "\nAPI tokens: swift run safecomms users token EMAIL\n"
        return out
    }
}
