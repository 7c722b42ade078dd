import FluentKit
import Foundation
import SafeCommsCore

/// "May I?" about a message to someone on a case, as the compose page asks it: the request built from
/// the stored case (its status, people and the consents on file), the person written to (their role,
/// and their e-mail address for LIN-14), and the worker's own device for the channel, decided by the
/// organisation's packs.
public enum CaseCheck {
    /// What the worker wrote, and to whom.
    public struct Draft: Sendable {
        public var personID: UUID?
        public var channel: Channel
        public var subject: String?
        public var text: String

        public init(personID: UUID?, channel: Channel, subject: String?, text: String) {
            self.personID = personID
            self.channel = channel
            self.subject = subject
            self.text = text
        }
    }

    /// The decision, and the request it was made on (its text is the one the spans point into).
    public struct Checked: Sendable {
        public var request: CheckRequest
        public var decision: Decision
        public var person: CasePerson?
    }

    /// - Throws: `ValidationError` naming `person_id` for someone not on the case.
    public static func decide(
        _ d: Draft,
        on c: CaseFile,
        by p: Principal,
        library: PolicyLibrary,
        on db: any Database,
        now: Date = Date()
    ) async throws -> Checked {
        let scope = db.scoped(to: p)
        let caseID = try c.requireID()
        var person: CasePerson?
        if let id = d.personID {
            guard
                let found = try await scope.query(CasePerson.self).filter(\.$id == id).filter(\.$caseID == caseID)
                    .first()
            else { throw ValidationError(field: "person_id", reason: "is not someone on this case") }
            person = found
        }
        // The worker's own device for the channel: a work mobile for texts, WhatsApp and calls.
        let kind: DeviceKind? =
            switch d.channel {
            case .email: .workEmail
            case .sms, .whatsapp, .whatsappCall, .whatsappVideo, .phoneCall, .videoCall: .workMobile
            default: nil
            }
        var device: CheckRequest.Device?
        if let kind {
            let held = try await scope.query(Device.self).filter(\.$holderID == p.staffID).filter(\.$kind == kind)
                .first()
            device = CheckRequest.Device(kind: kind, whatsappEnabled: held?.whatsappEnabled ?? false)
        }
        let subject = d.subject?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var request = CheckRequest(
            at: now,
            channel: d.channel,
            direction: .outgoing,
            device: device,
            recipient: person.map {
                CheckRequest.Recipient(role: RecipientRole(rawValue: $0.role), email: $0.email)
            },
            text: subject.isEmpty ? d.text : subject + "\n" + d.text
        )
        let settings = try await Organisation.find(p.organisationID, on: db)?.settings ?? .standard
        request = try await request.filled(
            from: c,
            by: p.staffID,
            day: settings.officeHours.localDay(of: now).description,
            on: db
        )
        let decision = try library.evaluator(for: settings.packs, field: "packs").evaluate(
            request,
            settings: settings,
            now: now
        )
        return Checked(request: request, decision: decision, person: person)
    }
}
