import FluentKit
import Foundation
import SafeCommsCore

/// A young person's phone as the Worknlearn policy asks it to be kept: their acceptable-use
/// agreement (WNL-1.4) with the rule of the setting they spend the rest of the week in
/// (WNL-6.3.1–WNL-6.3.4), and each time their phone is handed in and returned (WNL-6.3.3) or, at our
/// centre, confirmed switched off (WNL-6.3.4). Kept on the case by those who may change it; each
/// entry written with its audit event and digest.
public enum YoungPeoplesPhones {
    public struct Register: Sendable {
        /// Newest first: the first is the agreement in force.
        public var agreements: [PhoneAgreement]
        /// Newest first.
        public var handIns: [PhoneHandIn]
    }

    public static func register(of c: CaseFile, on db: any Database) async throws -> Register {
        let scope = db.scoped(to: c.organisationID), caseID = try c.requireID()
        return Register(
            agreements: try await scope.query(PhoneAgreement.self).filter(\.$caseID == caseID)
                .sort(\.$agreedOn, .descending).sort(\.$recordedAt, .descending).all(),
            handIns: try await scope.query(PhoneHandIn.self).filter(\.$caseID == caseID).sort(\.$at, .descending)
                .limit(500).all()
        )
    }

    /// WNL-1.4: records the young person's agreement; it replaces any earlier one, which stays as history.
    public static func agree(
        person personID: UUID?,
        on c: CaseFile,
        setting: PhoneSetting,
        rule: String,
        personalUse: String,
        agreedOn: String,
        by p: Principal,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> PhoneAgreement {
        let person = try await youngPerson(personID, on: c, db)
        let row = PhoneAgreement(
            organisationID: c.organisationID,
            caseID: try c.requireID(),
            personID: person,
            recordedByID: p.staffID,
            setting: setting,
            rule: rule,
            personalUse: personalUse,
            agreedOn: agreedOn,
            recordedAt: RowDigest.storable(now)
        )
        row.id = UUID()
        try await AuditLog.create(
            row,
            AuditEntry(
                action: .phoneAgreed,
                entity: PhoneAgreement.auditEntity,
                entityID: row.id?.uuidString,
                caseID: c.id,
                detail: setting.clause,
                rowDigest: row.digest
            ),
            audit,
            on: db
        )
        return row
    }

    /// A phone handed in (WNL-6.3.3), or at our centre confirmed switched off (WNL-6.3.4), as the
    /// agreement in force says. A phone already handed in and not returned cannot be handed in again.
    /// - Throws: `ValidationError` naming `kept_where` when a phone handed in has nowhere recorded,
    ///   or `person_id` for someone who is not the case's young person; `Refusal.conflict` when
    ///   the phone is already in.
    public static func handIn(
        person personID: UUID?,
        on c: CaseFile,
        keptWhere: String?,
        at: Date,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> PhoneHandIn {
        let person = try await youngPerson(personID, on: c, db)
        let caseID = try c.requireID()
        let scope = db.scoped(to: c.organisationID)
        let agreement = try await scope.query(PhoneAgreement.self).filter(\.$caseID == caseID)
            .filter(\.$personID == person).sort(\.$agreedOn, .descending).sort(\.$recordedAt, .descending).first()
        let atCentre = agreement?.setting == .ourCentre
        let place = keptWhere?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !atCentre, place.isEmpty {
            throw ValidationError(field: "kept_where", reason: "is required: where the phone is stored (WNL-6.3.3)")
        }
        let row = PhoneHandIn(
            organisationID: c.organisationID,
            caseID: caseID,
            personID: person,
            receivedByID: p.staffID,
            kind: atCentre ? .switchedOff : .handedIn,
            at: RowDigest.storable(at),
            keptWhere: atCentre ? nil : String(place.prefix(500))
        )
        let stored = try Rewritable(row), digest = row.digest
        try await AuditLog.transaction(on: db, audit) { tx in
            // Read inside the transaction: two people taking the same phone at once, the second is told.
            if !atCentre,
                try await tx.scoped(to: c.organisationID).query(PhoneHandIn.self).filter(\.$personID == person)
                    .filter(\.$kind == .handedIn).filter(\.$returnedAt == nil).first() != nil
            {
                throw Refusal.conflict("this young person's phone is already handed in and not yet returned")
            }
            try await stored.save(on: tx)
            let event = AuditEntry(
                action: .phoneHandedIn,
                entity: PhoneHandIn.auditEntity,
                entityID: row.id?.uuidString,
                caseID: caseID,
                detail: atCentre ? "WNL-6.3.4" : "WNL-6.3.3",
                rowDigest: digest
            )
            return ((), [event])
        }
        return row
    }

    /// The phone given back, once.
    public static func returnPhone(
        _ id: UUID,
        on c: CaseFile,
        at: Date,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> PhoneHandIn {
        let caseID = try c.requireID(), by = p.staffID
        return try await AuditLog.transaction(on: db, audit) { tx in
            guard
                let row = try await tx.scoped(to: c.organisationID).query(PhoneHandIn.self).filter(\.$id == id)
                    .filter(\.$caseID == caseID).first()
            else { throw Refusal.notFound("no such phone handed in on this case") }
            guard row.kind == .handedIn else {
                throw Refusal.conflict("this phone was switched off, not handed in: there is nothing to return")
            }
            guard row.returnedAt == nil else { throw Refusal.conflict("this phone was already returned") }
            guard at >= row.at else {
                throw ValidationError(field: "returned_at", reason: "is before the phone was handed in")
            }
            row.returnedAt = RowDigest.storable(at)
            row.returnedByID = by
            try await row.save(on: tx)
            let event = AuditEntry(
                action: .phoneReturned,
                entity: PhoneHandIn.auditEntity,
                entityID: row.id?.uuidString,
                caseID: caseID,
                detail: "WNL-6.3.3",
                rowDigest: row.digest
            )
            return (row, [event])
        }
    }

    /// The case's young person: the one named, who must be a child on the case, or the case's only child.
    private static func youngPerson(_ id: UUID?, on c: CaseFile, _ db: any Database) async throws -> UUID {
        let children = try await db.scoped(to: c.organisationID).query(CasePerson.self)
            .filter(\.$caseID == c.requireID()).filter(\.$role == PersonRole.child.rawValue).all()
        if let id {
            guard children.contains(where: { $0.id == id }) else {
                throw ValidationError(field: "person_id", reason: "is not a young person on this case")
            }
            return id
        }
        guard children.count == 1, let only = children[0].id else {
            throw ValidationError(
                field: "person_id",
                reason: children.isEmpty
                    ? "is required: add the young person to the case first" : "is required: say which young person"
            )
        }
        return only
    }
}
