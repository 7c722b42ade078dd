import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// The review queue: what the analysers find in messages recorded, imported or scanned again later
/// (`MessageScanner`), one item per message and clause, on the worker's line manager's queue; the DSL
/// sees every item. A reviewer resolves each one: no action (with a reason), a false positive, an
/// incident opened (linked to the message), or the worker told by e-mail which clause and when,
/// never the message's words. Every flag and resolution is audited with its row's digest.
public enum ReviewQueue {
    /// What a scan needs of a message.
    public struct Message: Sendable {
        public var id: UUID
        public var caseID: UUID
        public var staffID: UUID
        public var deviceID: UUID?
        public var channel: String
        public var direction: String
        public var counterpartRole: String?
        public var occurredAt: Date
        public var text: String?

        public init(_ row: CommunicationRow) {
            id = row.id
            caseID = row.caseID
            staffID = row.staffID
            deviceID = row.deviceID
            channel = row.channel
            direction = row.direction
            counterpartRole = row.counterpartRole
            occurredAt = row.occurredAt
            // A call's summary is what was said; a written message's transcript is its words.
            text = row.transcript ?? row.summary
        }
    }

    /// What a scan needs to know of a case, read once for all its messages.
    public struct CaseFacts: Sendable {
        public let organisationID: UUID
        let info: CheckRequest.CaseInfo
        let consents: [(kind: ConsentKind, channel: String?)]
        public let settings: OrganisationSettings
        /// The kind of each of the organisation's devices a message may name.
        let devices: [UUID: DeviceKind]

        public init(
            organisationID: UUID,
            people: [CasePersonInfo],
            status: CaseStatus? = nil,
            consents: [(kind: ConsentKind, channel: String?)] = [],
            settings: OrganisationSettings,
            devices: [UUID: DeviceKind] = [:]
        ) {
            self.organisationID = organisationID
            info = .init(status: status, people: people)
            self.consents = consents
            self.settings = settings
            self.devices = devices
        }

        init(
            organisationID: UUID,
            info: CheckRequest.CaseInfo,
            consents: [(kind: ConsentKind, channel: String?)],
            settings: OrganisationSettings,
            devices: [UUID: DeviceKind]
        ) {
            self.organisationID = organisationID
            self.info = info
            self.consents = consents
            self.settings = settings
            self.devices = devices
        }

        /// - Parameter deviceIDs: the devices the messages name (nil: any of the organisation's, for a
        ///   scan of stored messages); a message recorded on one device needs only that one.
        public static func load(
            _ c: CaseFile,
            deviceIDs: Set<UUID>? = nil,
            on db: any Database
        ) async throws -> CaseFacts {
            let filled = try await CheckRequest(channel: .sms).filled(
                from: c,
                by: nil,
                day: OfficeHours.standard.localDay(of: Date()).description,
                on: db
            )
            let scope = db.scoped(to: c.organisationID)
            let consents = try await scope.query(Consent.self).filter(\.$caseID == c.requireID())
                .filter(\.$withdrawnOn == nil).all()
            var devices: [Device] = []
            if let deviceIDs {
                if !deviceIDs.isEmpty {
                    devices = try await scope.query(Device.self).filter(\.$id ~~ Array(deviceIDs)).all()
                }
            } else {
                devices = try await scope.query(Device.self).all()
            }
            return CaseFacts(
                organisationID: c.organisationID,
                info: filled.caseInfo ?? .init(),
                consents: consents.map { ($0.kind, $0.channel) },
                settings: try await Organisation.find(c.organisationID, on: db)?.settings ?? .standard,
                devices: Dictionary(
                    devices.compactMap { d in d.id.map { ($0, d.kind) } },
                    uniquingKeysWith: { a, _ in a }
                )
            )
        }

        /// The message as a check would have seen it. A message imported from a phone's export came
        /// through a work phone (the export is of the work phone's WhatsApp or texts); an e-mail
        /// through the work address.
        func request(for m: Message, imported: Bool) -> CheckRequest? {
            guard let channel = Channel(rawValue: m.channel), let direction = Direction(rawValue: m.direction) else {
                return nil
            }
            var kind = m.deviceID.flatMap { devices[$0] }
            if kind == nil, imported {
                kind = channel == .email ? .workEmail : (channel == .sms || channel == .whatsapp) ? .workMobile : nil
            }
            return CheckRequest(
                at: m.occurredAt,
                channel: channel,
                direction: direction,
                device: kind.map { .init(kind: $0) },
                recipient: m.counterpartRole.flatMap(RecipientRole.init(rawValue:)).map { .init(role: $0) },
                caseInfo: info,
                consents: Set(consents.filter { $0.channel == nil || $0.channel == m.channel }.map(\.kind)),
                text: m.text
            )
        }
    }

    /// The review items for these messages of one case: one per message and clause found.
    public static func flags(
        _ messages: some Sequence<Message>,
        case facts: CaseFacts,
        scanner: MessageScanner,
        origin: ReviewItem.Origin,
        now: Date
    ) -> [ReviewItem] {
        var items: [ReviewItem] = []
        for m in messages {
            guard let request = facts.request(for: m, imported: origin != .recorded) else { continue }
            for hit in scanner.scan(request, settings: facts.settings) {
                items.append(
                    ReviewItem(
                        organisationID: facts.organisationID,
                        caseID: m.caseID,
                        communicationID: m.id,
                        staffID: m.staffID,
                        clause: hit.clause,
                        findingTypes: hit.types,
                        occurredAt: m.occurredAt,
                        flaggedAt: now,
                        origin: origin
                    )
                )
            }
        }
        return items
    }

    /// Adds the items not already on the queue (one per message and clause), inside the caller's
    /// transaction; returns the audit events of those added.
    static func add(_ items: [ReviewItem], on tx: any Database) async throws -> [AuditEntry] {
        guard let organisationID = items.first?.organisationID else { return [] }
        var existing: Set<String> = []
        let ids = Array(Set(items.map(\.communicationID)))
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[start..<min(start + 500, ids.count)])
            for found in try await tx.scoped(to: organisationID).query(ReviewItem.self)
                .filter(\.$communicationID ~~ slice).field(\.$communicationID).field(\.$clause).all()
            {
                existing.insert("\(found.communicationID) \(found.clause)")
            }
        }
        let new = items.filter { existing.insert("\($0.communicationID) \($0.clause)").inserted }
        try await ReviewItem.insert(new, on: tx)
        return flagEntries(new)
    }

    /// The audit events of items flagged: ids, the clause and the row's digest, never words.
    static func flagEntries(_ items: [ReviewItem]) -> [AuditEntry] {
        items.map {
            AuditEntry(
                action: .reviewFlagged,
                entity: ReviewItem.auditEntity,
                entityID: $0.id?.uuidString,
                caseID: $0.caseID,
                detail: $0.clause,
                rowDigest: $0.digest
            )
        }
    }

    // MARK: Scanning again

    /// What a scan of stored messages did.
    public struct ScanReport: Sendable, Encodable, Equatable {
        public var cases = 0
        public var messages = 0
        /// Items added to the queue (a message and clause already on it is not added again).
        public var flagged = 0
    }

    /// Scans the stored messages of one case, or of every case of every organisation, and adds what
    /// it finds to the queue: the retrospective scan (`safecomms scan`). It reads and writes a batch
    /// at a time, so it can be stopped and run again; nothing is flagged twice.
    public static func scan(
        caseReference: String?,
        library: PolicyLibrary,
        key: AuditKey,
        witness: AuditWitness? = nil,
        on db: any Database,
        now: Date = Date(),
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> ScanReport {
        // Organisation by organisation: a reference names a case within one.
        var cases: [CaseFile] = []
        for org in try await Organisation.query(on: db).all() {
            var query = db.scoped(to: try org.requireID()).query(CaseFile.self)
            if let caseReference { query = query.filter(\.$reference == caseReference) }
            cases += try await query.all()
        }
        if let caseReference, cases.isEmpty {
            throw ValidationError(field: "case", reason: "no case has the reference \(caseReference)")
        }
        var report = ScanReport()
        for c in cases {
            report.cases += 1
            let facts = try await CaseFacts.load(c, on: db)
            let scanner = library.scanner(for: facts.settings.packs)
            let context = AuditContext(
                organisationID: c.organisationID,
                actorID: nil,
                source: "scan",
                key: key,
                witness: witness
            )
            var after: UUID?
            while true {
                let rows = try await storedMessages(of: c, after: after, limit: 2000, on: db)
                guard let last = rows.last else { break }
                after = last.id
                report.messages += rows.count
                progress(report.messages)
                let items = flags(rows.map(Message.init), case: facts, scanner: scanner, origin: .scan, now: now)
                guard !items.isEmpty else { continue }
                // Two scans at once may both find a message new; the second's batch then breaks the
                // unique index whole, and once more it adds only what the first did not.
                for attempt in 1...2 {
                    do {
                        report.flagged += try await AuditLog.transaction(on: db, context) { tx in
                            let events = try await add(items, on: tx)
                            return (events.count, events)
                        }
                        break
                    } catch  where error.isUniqueViolation && attempt == 1 {}
                }
            }
        }
        return report
    }

    private static func storedMessages(
        of c: CaseFile,
        after: UUID?,
        limit: Int,
        on db: any Database
    ) async throws -> [CommunicationRow] {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        var q = sql.select().column(SQLLiteral.all).from(CommunicationRecord.schema)
            .where("case_id", .equal, SQLBind(try c.requireID()))
        if let after { q = q.where("id", .greaterThan, SQLBind(after)) }
        return try await q.orderBy("id").limit(limit).all().map(CommunicationRow.decode)
    }

    // MARK: Reading the queue

    /// One item with what a reviewer needs beside it.
    public struct View: Sendable {
        public var item: ReviewItem
        public var workerName: String
        /// The case's reference and the message's words, when the reviewer may read the case.
        public var caseReference: String?
        public var message: CommunicationRecord?
        public var channel: String?
    }

    public struct Filter: Sendable {
        public enum Status: String, Sendable { case open, resolved, all }
        public var status: Status = .open
        public var clause: String?
        public var staffID: UUID?
        public var caseID: UUID?
        /// One item alone (`one`).
        var itemID: UUID?
        public var limit = 200

        public init(status: Status = .open, clause: String? = nil, staffID: UUID? = nil, caseID: UUID? = nil) {
            self.status = status
            self.clause = clause
            self.staffID = staffID
            self.caseID = caseID
        }
    }

    /// The workers whose items `p` may see, by id, with their names.
    static func reviewable(by p: Principal, on db: any Database) async throws -> [UUID: StaffMember] {
        var out: [UUID: StaffMember] = [:]
        for s in try await db.scoped(to: p).query(StaffMember.self).all() {
            if let id = s.id, let a = try? s.allocation, AccessPolicy.canReadReview(p, of: a) { out[id] = s }
        }
        return out
    }

    /// The items `p` may see, oldest message first, at most `filter.limit`.
    public static func visible(_ filter: Filter, to p: Principal, on db: any Database) async throws -> [View] {
        let workers = try await reviewable(by: p, on: db)
        guard !workers.isEmpty else { return [] }
        let scope = db.scoped(to: p)
        var q = scope.query(ReviewItem.self)
        if !p.roles.contains(.dsl), !p.roles.contains(.auditor) { q = q.filter(\.$staffID ~~ Array(workers.keys)) }
        switch filter.status {
        case .open: q = q.filter(\.$resolvedAt == nil)
        case .resolved: q = q.filter(\.$resolvedAt != nil)
        case .all: break
        }
        if let clause = filter.clause { q = q.filter(\.$clause == clause) }
        if let staffID = filter.staffID { q = q.filter(\.$staffID == staffID) }
        if let caseID = filter.caseID { q = q.filter(\.$caseID == caseID) }
        if let itemID = filter.itemID { q = q.filter(\.$id == itemID) }
        let items = try await q.sort(\.$occurredAt).sort(\.$id).limit(filter.limit).all()
        guard !items.isEmpty else { return [] }
        let cases = Dictionary(
            try await scope.query(CaseFile.self).filter(\.$id ~~ Array(Set(items.map(\.caseID)))).all()
                .map { ($0.id!, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        let messages = Dictionary(
            try await scope.query(CommunicationRecord.self).filter(\.$id ~~ items.map(\.communicationID)).all()
                .map { ($0.id!, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        return items.map { item in
            let c = cases[item.caseID]
            let readable = c.map { AccessPolicy.canRead(p, $0.allocation) } ?? false
            let message = messages[item.communicationID]
            return View(
                item: item,
                workerName: workers[item.staffID]?.name ?? "someone no longer in the directory",
                caseReference: readable ? c?.reference : nil,
                message: readable ? message : nil,
                channel: message?.channel
            )
        }
    }

    /// One item, when `p` may see it.
    public static func one(_ id: UUID, for p: Principal, on db: any Database) async throws -> View {
        guard let item = try await db.scoped(to: p).find(ReviewItem.self, id),
            let worker = try await db.scoped(to: p).find(StaffMember.self, item.staffID),
            AccessPolicy.canReadReview(p, of: try worker.allocation)
        else { throw Refusal.notFound("no review item \(id.uuidString) that you can see") }
        var filter = Filter(status: .all, staffID: item.staffID, caseID: item.caseID)
        filter.itemID = id
        if let view = try await visible(filter, to: p, on: db).first { return view }
        throw Refusal.notFound("no review item \(id.uuidString) that you can see")
    }

    /// How the open queue stands for `p`: items per clause and per worker, and how long the oldest
    /// has waited.
    public struct Summary: Sendable, Encodable, Equatable {
        public struct Count: Sendable, Encodable, Equatable {
            public var name: String
            public var open: Int
            /// Whole days since the oldest open one was flagged.
            public var oldestDays: Int
        }
        public var open = 0
        public var byClause: [Count] = []
        public var byWorker: [Count] = []
    }

    public static func summary(for p: Principal, on db: any Database, now: Date = Date()) async throws -> Summary {
        let workers = try await reviewable(by: p, on: db)
        let open = try await db.scoped(to: p).query(ReviewItem.self).filter(\.$resolvedAt == nil)
            .field(\.$id).field(\.$staffID).field(\.$clause).field(\.$flaggedAt).all()
            .filter { workers[$0.staffID] != nil }
        func counts(_ key: (ReviewItem) -> String) -> [Summary.Count] {
            Dictionary(grouping: open, by: key).map { name, items in
                let oldest = items.map(\.flaggedAt).min() ?? now
                return Summary.Count(
                    name: name,
                    open: items.count,
                    oldestDays: max(0, Int(now.timeIntervalSince(oldest) / 86_400))
                )
            }
            .sorted { ($1.open, $0.name) < ($0.open, $1.name) }
        }
        return Summary(
            open: open.count,
            byClause: counts(\.clause),
            byWorker: counts { workers[$0.staffID]?.name ?? "" }
        )
    }

    // MARK: Resolving

    public struct Resolution: Sendable {
        public var outcome: ReviewItem.Outcome
        public var reason: String?
        /// For `incident`: the kind to open (the clause's suggestion when nil).
        public var incidentKind: IncidentKind?

        public init(outcome: ReviewItem.Outcome, reason: String?, incidentKind: IncidentKind? = nil) {
            self.outcome = outcome
            self.reason = reason
            self.incidentKind = incidentKind
        }
    }

    /// Resolves an open item. An incident it opens, the e-mail it queues and the item itself commit
    /// together; of two reviewers resolving it at once, the second is told it is done.
    /// - Parameter link: the server's public address, for the e-mail's link.
    /// - Throws: `Refusal.notFound` for an item `p` may not see; `Refusal.forbidden` for one they may
    ///   see but not resolve (an auditor); `Refusal.conflict` for one already resolved;
    ///   `ValidationError` naming `reason` or `incident_kind`.
    public static func resolve(
        _ id: UUID,
        _ r: Resolution,
        by p: Principal,
        link: String,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> View {
        let view = try await one(id, for: p, on: db)
        let item = view.item
        guard let worker = try await db.scoped(to: p).find(StaffMember.self, item.staffID),
            AccessPolicy.canResolveReview(p, of: try worker.allocation)
        else { throw Refusal.forbidden("review items are resolved by the worker's managers and the DSL") }
        guard item.resolvedAt == nil else { throw Refusal.conflict("this item was already resolved") }
        let reason = r.reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfBlank
        if reason == nil, r.outcome == .noAction || r.outcome == .falsePositive {
            throw ValidationError(field: "reason", reason: "is required: say why no action is needed")
        }
        if (reason?.count ?? 0) > 5000 {
            throw ValidationError(field: "reason", reason: "is longer than 5000 characters")
        }
        if r.incidentKind != nil, r.outcome != .incident {
            throw ValidationError(field: "incident_kind", reason: "is only for the outcome incident")
        }
        var planned: Incidents.Planned?
        if r.outcome == .incident {
            let kind = r.incidentKind ?? MessageScanner.suggestedKind(for: item.clause)
            let channel = (view.channel ?? "message").replacingOccurrences(of: "_", with: " ")
            planned = try await Incidents.plan(
                .init(
                    kind: kind,
                    caseID: item.caseID,
                    breachedClause: kind == .policyBreach ? item.clause : nil,
                    occurredAt: item.occurredAt,
                    summary: "Raised from the review queue: \(item.clause) (\(item.types.joined(separator: ", "))) "
                        + "in a \(channel) of \(worker.name)'s." + (reason.map { " \($0)" } ?? ""),
                    source: ("communication", item.communicationID),
                    people: [.init(staffID: item.staffID, role: .staffMember)]
                ),
                by: p,
                on: db,
                now: now
            )
        }
        var email: Rewritable<Notification>?
        if r.outcome == .notifyWorker {
            let day = WallClockText.date(item.occurredAt, zone: (try await settings(p, db)).timeZone)
            email = try Rewritable(
                Notification(
                    organisationID: p.organisationID,
                    staffID: item.staffID,
                    recipient: worker.email,
                    subject: "A message of yours was reviewed against \(item.clause)",
                    body: """
                        A message of yours from \(day) was reviewed by your manager against clause \(item.clause) of the policies your service works to.

                        Please read the clause again, and talk to your manager if anything is unclear. The message is on the case in SafeComms: \(link)/cases/\(item.caseID.uuidString)

                        This e-mail does not quote the message.
                        """,
                    urgent: false,
                    now: now
                )
            )
        }
        let resolvedAt = RowDigest.storable(now)
        let (incident, queued) = (planned, email)
        try await AuditLog.transaction(on: db, audit) { tx in
            // Claimed by a conditional update: of two resolving it at once, the second finds it done.
            let claimed = try await (tx as! any SQLDatabase).update(ReviewItem.schema)
                .set(SQLIdentifier("resolved_by_id"), to: SQLBind(p.staffID))
                .where("id", .equal, SQLBind(id)).where("resolved_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !claimed.isEmpty else { throw Refusal.conflict("this item was already resolved") }
            var events: [AuditEntry] = []
            if let incident { events += try await incident.write(on: tx) }
            if let queued { try await queued.save(on: tx) }
            item.outcome = r.outcome
            item.reason = reason
            item.resolvedAt = resolvedAt
            item.resolvedByID = p.staffID
            item.incidentID = incident?.incident.id
            try await item.save(on: tx)
            events.append(
                AuditEntry(
                    action: .reviewResolved,
                    entity: ReviewItem.auditEntity,
                    entityID: id.uuidString,
                    caseID: item.caseID,
                    detail: "\(item.clause) \(r.outcome.rawValue)",
                    rowDigest: item.digest
                )
            )
            return ((), events)
        }
        return try await one(id, for: p, on: db)
    }

    private static func settings(_ p: Principal, _ db: any Database) async throws -> OrganisationSettings {
        try await Organisation.find(p.organisationID, on: db)?.settings ?? .standard
    }
}

extension String {
    fileprivate var nilIfBlank: String? { isEmpty ? nil : self }
}
