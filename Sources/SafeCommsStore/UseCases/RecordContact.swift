import FluentKit
import Foundation
import SafeCommsCore

/// Recording a contact in a child's chronology (PD-1.1, PD-1.8, WA-11), or correcting one: the API and
/// the case page both call this with a checked draft. The record and its audit event commit together,
/// so every communication with a child stays open to scrutiny (PD-12.1).
public enum RecordContact {
    /// - Parameters:
    ///   - personID: the case person it was with, if any; must be on this case.
    ///   - deviceID: the device it was made on, if any; must be the organisation's.
    ///   - correcting: the record this one corrects (it is kept as it was).
    ///   - library: when given, the record is scanned by the organisation's packs and what is found
    ///     goes on the review queue with it.
    /// - Throws: `ValidationError` naming `person_id` or `device_id`; `CommunicationRepository.AlreadyCorrected`
    ///   when the record corrected already has a correction.
    public static func record(
        _ draft: CommunicationDraft,
        personID: UUID?,
        deviceID: UUID?,
        on c: CaseFile,
        by p: Principal,
        source: String,
        correcting: UUID? = nil,
        library: PolicyLibrary? = nil,
        audit: AuditContext,
        on db: any Database,
        now: Date = Date()
    ) async throws -> CommunicationRow {
        let caseID = try c.requireID()
        if let personID,
            try await db.scoped(to: p).query(CasePerson.self).filter(\.$id == personID).filter(\.$caseID == caseID)
                .first() == nil
        {
            throw ValidationError(field: "person_id", reason: "no person \(personID) on this case")
        }
        if let deviceID,
            try await db.scoped(to: p.organisationID).query(Device.self).filter(\.$id == deviceID)
                .first() == nil
        {
            throw ValidationError(field: "device_id", reason: "no device \(deviceID) in your organisation")
        }
        guard let org = try await Organisation.find(p.organisationID, on: db) else {
            throw Refusal.notFound("no such organisation")
        }
        let record = CommunicationRepository.makeRecord(
            draft,
            organisationID: p.organisationID,
            caseID: caseID,
            staffID: p.staffID,
            deviceID: deviceID,
            personID: personID,
            settings: org.settings,
            recordedAt: now,
            source: source,
            correctsID: correcting
        )
        var flags: [ReviewItem] = []
        if let library {
            flags = ReviewQueue.flags(
                [ReviewQueue.Message(record)],
                case: try await ReviewQueue.CaseFacts.load(c, deviceIDs: Set([deviceID].compactMap { $0 }), on: db),
                scanner: library.scanner(for: org.settings.packs),
                origin: .recorded,
                now: now
            )
        }
        try await CommunicationRepository.insert(
            [record],
            action: correcting == nil ? .communicationRecorded : .communicationCorrected,
            flags: flags,
            audit,
            on: db
        )
        return record
    }
}
