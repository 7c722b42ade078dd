import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// Replays the organisation's recorded contact of the last days against a changed pack
/// (`PolicySimulation`), for an administrator deciding whether to switch it on. Nothing is written
/// but the audit event of having run it.
public enum PolicySimulations {
    /// - Parameter packs: the packs the organisation uses now.
    /// - Throws: `Refusal.forbidden` for anyone but an administrator; `ValidationError` on `days`.
    public static func run(
        _ candidate: PolicyPack,
        days: Int,
        packs: [PolicyPack],
        for p: Principal,
        audit: AuditContext,
        now: Date = Date(),
        on db: any Database
    ) async throws -> PolicySimulation.Report {
        guard AccessPolicy.can(p, .administer) else {
            throw Refusal.forbidden("only an administrator tries a changed policy against past contact")
        }
        guard (1...366).contains(days) else {
            throw ValidationError(field: "days", reason: "must be between 1 and 366")
        }
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        let scope = db.scoped(to: p.organisationID)
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let rows = try await sql.select().column(SQLLiteral.all).from(CommunicationRecord.schema)
            .where("organisation_id", .equal, SQLBind(p.organisationID))
            .where("occurred_at", .greaterThanOrEqual, SQLBind(since))
            .orderBy("occurred_at").all().map(CommunicationRow.decode)
        let teamOf = Dictionary(
            try await scope.query(StaffMember.self).all().compactMap { s in s.id.map { ($0, s.teamID) } },
            uniquingKeysWith: { a, _ in a }
        )
        let teamNames = Dictionary(
            try await scope.query(Team.self).all().compactMap { t in t.id.map { ($0, t.name) } },
            uniquingKeysWith: { a, _ in a }
        )
        let byCase = Dictionary(grouping: rows, by: \.caseID)
        var messages: [PolicySimulation.Message] = []
        messages.reserveCapacity(rows.count)
        var settings = OrganisationSettings.standard
        for caseIDs in Array(byCase.keys).chunked(500) {
            for c in try await scope.query(CaseFile.self).filter(\.$id ~~ Array(caseIDs)).all() {
                let facts = try await ReviewQueue.CaseFacts.load(c, on: db)
                settings = facts.settings
                for row in byCase[c.id!] ?? [] {
                    guard let request = facts.request(for: .init(row), imported: !["web", "api"].contains(row.source))
                    else { continue }
                    let team = teamOf[row.staffID].flatMap { $0 }.flatMap { teamNames[$0] } ?? "No team"
                    messages.append(.init(team: team, request: request))
                }
            }
        }
        let simulation = PolicySimulation(
            before: Evaluator(packs: packs),
            after: Evaluator(packs: PolicySimulation.packs(packs, with: candidate)),
            settings: settings
        )
        let report = simulation.run(messages)
        try await AuditLog.record(
            [
                AuditEntry(
                    action: .policySimulated,
                    entity: "policy",
                    entityID: candidate.id,
                    detail:
                        "\(candidate.id) \(candidate.version) over \(days) days: \(report.messages) messages, \(report.changed) decided differently"
                )
            ],
            audit,
            on: db
        )
        return report
    }
}
