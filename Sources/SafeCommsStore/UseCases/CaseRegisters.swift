import FluentKit
import Foundation
import SafeCommsCore

/// The registers kept on a case: its people, its consents (PD-1.3, WNL-6.3.x) and its number-sharing
/// decisions (COV-3). Each entry is written with its audit event and its row's digest, on a case the
/// caller may change (`VisibleCases.one(_:.write:…)`), naming only that case's people. The API calls
/// these with values already checked for form.
public enum CaseRegisters {
    /// A person on the case; `person`'s organisation and case are set here.
    public static func addPerson(
        _ person: CasePerson,
        to c: CaseFile,
        audit: AuditContext,
        on db: any Database
    ) async throws -> CasePerson {
        person.organisationID = c.organisationID
        person.caseID = try c.requireID()
        person.id = UUID()
        try await AuditLog.create(
            person,
            AuditEntry(
                action: .personAdded,
                entity: CasePerson.auditEntity,
                entityID: person.id?.uuidString,
                caseID: c.id,
                rowDigest: person.digest
            ),
            audit,
            on: db
        )
        return person
    }

    /// A consent recorded by `p` on the case.
    public static func addConsent(
        _ consent: Consent,
        to c: CaseFile,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Consent {
        try await requirePerson(consent.personID, on: c, db)
        consent.organisationID = c.organisationID
        consent.caseID = try c.requireID()
        consent.recordedByID = p.staffID
        consent.id = UUID()
        try await AuditLog.create(
            consent,
            AuditEntry(
                action: .consentRecorded,
                entity: Consent.auditEntity,
                entityID: consent.id?.uuidString,
                caseID: c.id,
                detail: consent.kind.rawValue,
                rowDigest: consent.digest
            ),
            audit,
            on: db
        )
        return consent
    }

    /// COV-3: whether `p` shares a work number with one of the case's people, decided "in conjunction
    /// with their team manager": the manager named must be a manager or the DSL, and not `p`.
    public static func addSharing(
        _ row: NumberSharing,
        to c: CaseFile,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> NumberSharing {
        try await requirePerson(row.personID, on: c, db)
        if let m = row.managerAgreedByID {
            guard let manager = try await db.scoped(to: p).query(StaffMember.self).filter(\.$id == m).first() else {
                throw ValidationError(
                    field: "manager_agreed_by_id",
                    reason: "no member of staff \(m) in your organisation"
                )
            }
            guard manager.roles.contains(.manager) || manager.roles.contains(.dsl), m != p.staffID else {
                throw ValidationError(
                    field: "manager_agreed_by_id",
                    reason: "must be a team manager or the DSL other than yourself (COV-3)"
                )
            }
        }
        row.organisationID = c.organisationID
        row.caseID = try c.requireID()
        row.staffID = p.staffID
        row.id = UUID()
        try await AuditLog.create(
            row,
            AuditEntry(
                action: row.shared ? .numberShared : .numberNotShared,
                entity: NumberSharing.auditEntity,
                entityID: row.id?.uuidString,
                caseID: c.id,
                rowDigest: row.digest
            ),
            audit,
            on: db
        )
        return row
    }

    private static func requirePerson(_ id: UUID?, on c: CaseFile, _ db: any Database) async throws {
        guard let id else { return }
        if try await db.scoped(to: c.organisationID).query(CasePerson.self).filter(\.$id == id)
            .filter(\.$caseID == c.requireID()).first() == nil
        {
            throw ValidationError(field: "person_id", reason: "no person \(id) on this case")
        }
    }
}
