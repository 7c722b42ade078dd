import FluentKit
import Foundation
import SafeCommsCore
import SafeCommsImport

/// The unrecorded-contact report as one member of staff may see it (PD-1.1, PD-1.8): the whole
/// organisation's bill is compared, but only the cases the reader may see are listed, and who looked
/// is audited, as for any view of case data (counts only). The API and the reconciliation page both
/// call this.
/// - Throws: `Refusal.forbidden` for a role the report is not for.
public enum ReconcileForReader {
    public static func run(
        _ bill: LineReader,
        columns: CarrierCallLog.ColumnMap?,
        window: TimeInterval,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Reconcile.Report {
        guard AccessPolicy.can(p, .reconcile) else {
            throw Refusal.forbidden("the unrecorded-contact report is for managers, the DSL and auditors")
        }
        var report = try await Reconcile.run(
            .init(reader: bill, map: columns, organisationID: p.organisationID, window: window),
            on: db
        )
        let readable = Set(
            try await db.scoped(to: p).query(CaseFile.self).all()
                .filter { AccessPolicy.canRead(p, $0.allocation) }.map(\.reference)
        )
        report.unrecorded = report.unrecorded.compactMap { u in
            var u = u
            u.caseReferences = u.caseReferences.filter(readable.contains)
            return u.caseReferences.isEmpty ? nil : u
        }
        try await AuditLog.record(
            [
                AuditEntry(
                    action: .reconciliationRun,
                    entity: "organisation",
                    detail: "\(report.rows) bill rows, \(report.unrecorded.count) unrecorded shown"
                )
            ],
            audit,
            on: db
        )
        return report
    }
}
