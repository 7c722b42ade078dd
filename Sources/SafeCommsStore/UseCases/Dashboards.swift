import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import SafeCommsCore

/// What a team manager sees of their team, and the DSL of the whole organisation, on their home page:
/// work gone overdue, incidents and the review queue, when and how late contact is recorded, and
/// where the policy is not yet met. One read of each register, narrowed to the people the reader
/// oversees (`PhoneFollowUps.overseen`).
public enum Dashboards {
    public struct Oversight: Sendable {
        public var now: Date
        /// The DSL's view: everyone in the organisation.
        public var organisationWide: Bool
        public var overdueMessages: [MessageSlipRecord]
        public var overdueFollowUps: [FollowUpRecord]
        public var overdueTasks: [CaseTask]
        public var openIncidents: [Incidents.View]
        public var review: ReviewQueue.Summary
        /// Out-of-hours contact recorded in the last seven days, per worker, most first.
        public var outOfHoursThisWeek: [(staffID: UUID, count: Int)]
        /// Recording delay over the last `windowDays`, per worker, against `targetHours`.
        public var delays: [DashboardFigures.Delay]
        public var targetHours: Int
        /// Contact in the last `windowDays` by channel and local hour.
        public var byHour: [String: [Int]]
        public var hoursOutsideOffice: Set<Int>
        /// Open work by kind and age band (`DashboardFigures.AgeBand` order).
        public var openByAge: [(kind: String, counts: [Int])]
        /// The newest run of the unrecorded-contact report in the organisation.
        public var lastReconciliation: AuditEvent?
        public var sharingsToAcknowledge: [NumberSharing]
        public var notAcknowledged: [PolicyAcknowledgements.Outstanding]
        /// Cases with texts or WhatsApp messages in the window and no texting agreement in force (PD-1.6).
        public var textingWithoutAgreement: [CaseListing]
        /// The DSL's: open review items that only a DSL's written consent answers (WNL-1.5, PD-12.b).
        public var awaitingDSL: [ReviewItem]
        public var names: [UUID: String]
    }

    /// How far back the contact figures look.
    public static let windowDays = 28

    /// `reconciliation.run` quoted as SQL, for the partial index over those events and its query.
    static let reconciliationRunLiteral = "'\(AuditAction.reconciliationRun.rawValue)'"

    /// Clauses a DSL's written consent answers.
    static let dslConsentClauses = ["WNL-1.5", "PD-12.b"]

    /// - Throws: `Refusal.forbidden` for anyone but a manager or the DSL.
    public static func oversight(
        for p: Principal,
        packs: [PolicyPack],
        settings: OrganisationSettings,
        now: Date = Date(),
        reader: SQLiteReader? = nil,
        on db: any Database
    ) async throws -> Oversight {
        let overseen = try await PhoneFollowUps.overseen(by: p, on: db)
        let wide = overseen == nil
        let scope = db.scoped(to: p)
        func mine(_ id: UUID) -> Bool { overseen?.contains(id) ?? true }
        let since = now.addingTimeInterval(-Double(windowDays) * 86_400)
        let weekAgo = now.addingTimeInterval(-7 * 86_400)

        let openMessages = try await scope.query(MessageSlipRecord.self).filter(\.$respondedAt == nil).all()
            .filter { mine($0.forStaffID) }
        let openFollowUps = try await scope.query(FollowUpRecord.self).filter(\.$closedAt == nil).all()
            .filter { mine($0.staffID) }
        let openTasks = try await scope.query(CaseTask.self).filter(\.$doneAt == nil).all().filter { mine($0.staffID) }
        let incidents = try await Incidents.visible(to: p, on: db).filter { $0.incident.closedAt == nil }
        let openReview = try await scope.query(ReviewItem.self).filter(\.$resolvedAt == nil).all()
            .filter { mine($0.staffID) }

        // Recent contact, only the columns the figures need, only the people overseen.
        let contact =
            overseen?.isEmpty == true
            ? [] : try await recentContact(p.organisationID, since: since, staff: overseen, reader: reader, on: db)

        var outOfHours: [UUID: Int] = [:]
        for c in contact where c.outOfHours && c.occurredAt >= weekAgo { outOfHours[c.staffID, default: 0] += 1 }

        // Cases texted in the window with no agreement from the child in force today (PD-1.6): the
        // agreements read as plain columns in one query, the cases only for those without.
        let today = settings.officeHours.localDay(of: now).description
        let texted = Set(contact.filter { $0.channel == "sms" || $0.channel == "whatsapp" }.map(\.caseID))
        let agreed = try await textingAgreed(p.organisationID, on: today, reader: reader, on: db)
        let withoutAgreement = try await CaseSearch.listings(
            ids: texted.subtracting(agreed),
            for: p,
            reader: reader,
            on: db
        )

        // The action as a literal, so that both engines use the partial index M037 made for it.
        let reconciliation = try await scope.auditEvents().filter(
            .custom(SQLRaw("action = \(reconciliationRunLiteral)"))
        )
        .sort(\.$id, .descending).first()
        let names = Dictionary(
            try await StaffListing.all(of: p.organisationID, reader: reader, on: db).map { ($0.id, $0.name) },
            uniquingKeysWith: { a, _ in a }
        )
        return Oversight(
            now: now,
            organisationWide: wide,
            overdueMessages: openMessages.filter { $0.callBackBy < now }.sorted { $0.callBackBy < $1.callBackBy },
            overdueFollowUps: openFollowUps.filter { $0.dueAt < now }.sorted { $0.dueAt < $1.dueAt },
            overdueTasks: openTasks.filter { $0.dueAt < now }.sorted { $0.dueAt < $1.dueAt },
            openIncidents: incidents,
            review: try await ReviewQueue.summary(for: p, on: db, now: now),
            outOfHoursThisWeek: outOfHours.map { ($0.key, $0.value) }
                .sorted { ($1.count, names[$0.staffID] ?? "") < ($0.count, names[$1.staffID] ?? "") },
            delays: DashboardFigures.recordingDelay(
                contact.map { .init(staffID: $0.staffID, occurredAt: $0.occurredAt, recordedAt: $0.recordedAt) },
                targetMinutes: settings.recordingTarget * 60
            ),
            targetHours: settings.recordingTarget,
            byHour: DashboardFigures.byHour(contact.map { ($0.channel, $0.occurredAt) }, zone: settings.timeZone),
            hoursOutsideOffice: DashboardFigures.hoursOutsideOffice(settings.officeHours),
            openByAge: [
                ("Messages to call back", DashboardFigures.ages(openMessages.map(\.takenAt), now: now)),
                ("Follow-ups", DashboardFigures.ages(openFollowUps.map(\.occurredAt), now: now)),
                ("Tasks", DashboardFigures.ages(openTasks.map(\.createdAt), now: now)),
                ("Review items", DashboardFigures.ages(openReview.map(\.flaggedAt), now: now)),
                ("Incidents", DashboardFigures.ages(incidents.map(\.incident.raisedAt), now: now)),
            ],
            lastReconciliation: reconciliation,
            sharingsToAcknowledge: try await CaseRegisters.sharingsToAcknowledge(for: p, on: db),
            notAcknowledged: try await PolicyAcknowledgements.whoHasNot(for: p, packs: packs, on: db),
            textingWithoutAgreement: withoutAgreement,
            awaitingDSL: p.roles.contains(.dsl)
                ? openReview.filter { dslConsentClauses.contains($0.clause) }.sorted { $0.flaggedAt < $1.flaggedAt }
                : [],
            names: names
        )
    }
}

extension Dashboards {
    /// One record as the dashboards count it.
    struct Contact: Sendable {
        var staffID: UUID
        var caseID: UUID
        var channel: String
        var occurredAt: Date
        var recordedAt: Date
        var outOfHours: Bool
    }

    /// The cases with the child's agreement to texting in force on `day` (PD-1.6).
    static func textingAgreed(
        _ organisationID: UUID,
        on day: String,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> Set<UUID> {
        let sql = """
            SELECT case_id, given_on, ends_on FROM consents \
            WHERE organisation_id = ? AND kind = 'texting_agreed' AND withdrawn_on IS NULL
            """
        @Sendable func inForce(_ given: String, _ ends: String?) -> Bool {
            given <= day && (ends.map { day <= $0 } ?? true)
        }
        if let reader {
            return try await reader.read { connection in
                var out = Set<UUID>()
                try connection.each(sql, [.text(organisationID.uuidText)]) { row in
                    if inForce(try row.text("given_on"), row.optionalText("ends_on")) {
                        out.insert(try row.id("case_id"))
                    }
                }
                return out
            }
        }
        guard let sqlDB = db as? any SQLDatabase else { throw SQLRequired() }
        let rows = try await sqlDB.select().columns("case_id", "given_on", "ends_on").from(Consent.schema)
            .where("organisation_id", .equal, organisationID).where("kind", .equal, ConsentKind.textingAgreed.rawValue)
            .where("withdrawn_on", .is, SQLLiteral.null).all()
        var out = Set<UUID>()
        for row in rows
        where inForce(
            try row.decode(column: "given_on", as: String.self),
            try row.decode(column: "ends_on", as: String?.self)
        ) {
            out.insert(try row.decode(column: "case_id", as: UUID.self))
        }
        return out
    }

    /// The organisation's contact since `since`, of `staff` when given, as plain columns: a DSL's
    /// four weeks of a council are tens of thousands of rows, too many to read as Fluent models.
    static func recentContact(
        _ organisationID: UUID,
        since: Date,
        staff: Set<UUID>?,
        reader: SQLiteReader?,
        on db: any Database
    ) async throws -> [Contact] {
        let ids = staff.map(Array.init)
        if let reader {
            var sql = """
                SELECT staff_id, case_id, channel, occurred_at, recorded_at, out_of_hours FROM communications \
                WHERE organisation_id = ? AND occurred_at >= ?
                """
            var binds: [SQLiteData] = [.text(organisationID.uuidText), .float(since.timeIntervalSince1970)]
            if let ids {
                sql += " AND staff_id IN (" + Array(repeating: "?", count: ids.count).joined(separator: ",") + ")"
                binds += ids.map { .text($0.uuidText) }
            }
            let statement = sql, values = binds
            return try await reader.read { connection in
                var out: [Contact] = []
                try connection.each(statement, values) { row in
                    out.append(
                        Contact(
                            staffID: try row.id("staff_id"),
                            caseID: try row.id("case_id"),
                            channel: try row.text("channel"),
                            occurredAt: try row.time("occurred_at"),
                            recordedAt: try row.time("recorded_at"),
                            outOfHours: try row.flag("out_of_hours")
                        )
                    )
                }
                return out
            }
        }
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        var select = sql.select()
            .columns("staff_id", "case_id", "channel", "occurred_at", "recorded_at", "out_of_hours")
            .from(CommunicationRecord.schema).where("organisation_id", .equal, organisationID)
            .where("occurred_at", .greaterThanOrEqual, since)
        if let ids { select = select.where(SQLIdentifier("staff_id"), .in, SQLBind.group(ids)) }
        return try await select.all().map { row in
            Contact(
                staffID: try row.decode(column: "staff_id", as: UUID.self),
                caseID: try row.decode(column: "case_id", as: UUID.self),
                channel: try row.decode(column: "channel", as: String.self),
                occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                recordedAt: try row.decode(column: "recorded_at", as: Date.self),
                outOfHours: try row.decode(column: "out_of_hours", as: Bool.self)
            )
        }
    }
}

extension Array {
    /// The array in runs of at most `size`, for `IN` lists within every engine's limit on bound values.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
