import FluentKit
import Foundation
import SafeCommsCore

/// What GOV.UK Notify tells SafeComms after a message goes: a delivery receipt updates the message's
/// status; a permanent failure marks the person's number or address on the case as possibly wrong and
/// tells the worker; a text received is recorded on the case of the person whose number sent it, and
/// scanned for the review queue (an abusive reply: PD-1.10).
public enum NotifyCallbacks {
    /// The statuses a receipt may bring; earlier ones never overwrite a final one.
    static let final: Set<String> = ["delivered", "permanent-failure", "temporary-failure", "technical-failure"]

    /// A delivery receipt: `reference` is the message's id, `id` Notify's.
    /// - Returns: false when no message has that reference (a receipt for something else).
    public static func receipt(
        reference: String,
        notifyID: String,
        status: String,
        at: Date,
        link: String,
        key: AuditKey,
        witness: AuditWitness? = nil,
        on db: any Database
    ) async throws -> Bool {
        guard OutgoingMessage.statuses.contains(status) else {
            throw ValidationError(field: "status", reason: "'\(status)' is not a status GOV.UK Notify sends")
        }
        guard let id = UUID(uuidString: reference), let m = try await OutgoingMessage.find(id, on: db) else {
            return false
        }
        guard m.notifyID == nil || m.notifyID == notifyID else { return false }
        if final.contains(m.status), !final.contains(status) { return true }
        let context = AuditContext(
            organisationID: m.organisationID,
            actorID: nil,
            source: "notify",
            key: key,
            witness: witness
        )
        let failedForGood = status == "permanent-failure" && m.status != "permanent-failure"
        var email: Rewritable<Notification>?
        if failedForGood, let worker = try await db.scoped(to: m.organisationID).find(StaffMember.self, m.staffID) {
            let kind = m.channel == "sms" ? "text message" : "e-mail"
            email = try Rewritable(
                Notification(
                    organisationID: m.organisationID,
                    staffID: m.staffID,
                    recipient: worker.email,
                    subject: "A \(kind) you sent could not be delivered",
                    body: """
                        A \(kind) you sent from SafeComms could not be delivered: GOV.UK Notify says the \(m.channel == "sms" ? "number" : "address") does not work. It is marked on the case as possibly wrong.

                        Open the case to check it: \(link)/cases/\(m.caseID.uuidString)
                        """,
                    urgent: true,
                    now: Date()
                )
            )
        }
        let queued = email
        try await AuditLog.transaction(on: db, context) { tx in
            m.status = status
            m.notifyID = notifyID
            m.statusAt = RowDigest.storable(at)
            try await m.save(on: tx)
            if failedForGood, let person = try await tx.scoped(to: m.organisationID).find(CasePerson.self, m.personID) {
                if m.channel == "sms" {
                    person.phoneFailedAt = RowDigest.storable(at)
                } else {
                    person.emailFailedAt = RowDigest.storable(at)
                }
                try await person.save(on: tx)
            }
            if let queued { try await queued.save(on: tx) }
            return (
                (),
                [
                    AuditEntry(
                        action: .messageStatus,
                        entity: OutgoingMessage.auditEntity,
                        entityID: m.id?.uuidString,
                        caseID: m.caseID,
                        detail: status
                    )
                ]
            )
        }
        return true
    }

    /// A text received on the service's number: recorded on the case of each person whose number sent
    /// it, as incoming, for the worker who last wrote to them (else the case's key worker), and scanned.
    /// - Returns: how many cases it was recorded on (none when the number is nobody's).
    public static func received(
        notifyID: String,
        from number: String,
        text: String,
        at: Date,
        library: PolicyLibrary,
        key: AuditKey,
        witness: AuditWitness? = nil,
        on db: any Database
    ) async throws -> Int {
        guard let from = try? PhoneNumber(parsing: number, field: "source_number") else {
            throw ValidationError(field: "source_number", reason: "'\(number)' is not a phone number")
        }
        var recorded = 0
        for org in try await Organisation.query(on: db).all() {
            let scope = db.scoped(to: try org.requireID())
            // Numbers are sealed at rest, so they are compared opened.
            let people = try await scope.query(CasePerson.self).all().filter {
                $0.phone.flatMap { try? PhoneNumber(parsing: $0, field: "phone") } == from
            }
            for person in people {
                guard let c = try await scope.find(CaseFile.self, person.caseID) else { continue }
                let lastWriter = try await scope.query(OutgoingMessage.self).filter(\.$personID == person.id!)
                    .sort(\.$createdAt, .descending).first()?.staffID
                guard let staffID = lastWriter ?? c.keyWorkerID else { continue }
                let row = CommunicationRepository.makeRecord(
                    CommunicationDraft(
                        channel: .sms,
                        direction: .incoming,
                        occurredAt: at,
                        counterpartName: person.name,
                        counterpartRole: PersonRole(rawValue: person.role),
                        counterpartAddress: from.e164,
                        transcript: text.isEmpty ? "(an empty message)" : text
                    ),
                    organisationID: org.id!,
                    caseID: c.id!,
                    staffID: staffID,
                    deviceID: nil,
                    personID: person.id,
                    settings: org.settings,
                    recordedAt: Date(),
                    source: "notify:received",
                    naturalKey: "notify:\(notifyID):\(c.id!.uuidText)"
                )
                let flags = ReviewQueue.flags(
                    [ReviewQueue.Message(row)],
                    case: try await ReviewQueue.CaseFacts.load(c, deviceIDs: [], on: db),
                    scanner: library.scanner(for: org.settings.packs),
                    origin: .recorded,
                    now: Date()
                )
                let context = AuditContext(
                    organisationID: org.id,
                    actorID: nil,
                    source: "notify",
                    key: key,
                    witness: witness
                )
                do {
                    try await CommunicationRepository.insert([row], flags: flags, context, on: db)
                    recorded += 1
                } catch  where error.isUniqueViolation {
                    // Notify sent this callback before: the text is on the case already.
                }
            }
        }
        return recorded
    }
}
