import FluentKit
import Foundation
import SafeCommsCore

/// A row that belongs to one organisation. Such rows are queried only through `OrganisationScope`, so
/// no query can reach another organisation's (a test holds the code to it).
public protocol OrganisationOwned: Model where IDValue == UUID {
    static var organisationKey: KeyPath<Self, FieldProperty<Self, UUID>> { get }
}

/// The one entry point for queries of organisation-owned rows: every builder it gives is already
/// limited to the organisation.
public struct OrganisationScope: Sendable {
    public let organisationID: UUID
    public let db: any Database

    public func query<M: OrganisationOwned>(_ type: M.Type) -> QueryBuilder<M> {
        M.query(on: db).filter(M.organisationKey == organisationID)
    }

    /// The organisation's audit events (an event of no organisation, such as a failed sign-in for an
    /// unknown address, is in none).
    public func auditEvents() -> QueryBuilder<AuditEvent> {
        AuditEvent.query(on: db).filter(\.$organisationID == organisationID)
    }

    /// The row with this id, if it is the organisation's.
    public func find<M: OrganisationOwned>(_ type: M.Type, _ id: UUID) async throws -> M? {
        try await query(type).filter(\._$id == id).first()
    }
}

extension Database {
    public func scoped(to organisationID: UUID) -> OrganisationScope {
        OrganisationScope(organisationID: organisationID, db: self)
    }

    public func scoped(to p: Principal) -> OrganisationScope { scoped(to: p.organisationID) }
}

extension AbsenceStep: OrganisationOwned {
    public static var organisationKey: KeyPath<AbsenceStep, FieldProperty<AbsenceStep, UUID>> { \.$organisationID }
}
extension CaseFile: OrganisationOwned {
    public static var organisationKey: KeyPath<CaseFile, FieldProperty<CaseFile, UUID>> { \.$organisationID }
}
extension CasePerson: OrganisationOwned {
    public static var organisationKey: KeyPath<CasePerson, FieldProperty<CasePerson, UUID>> { \.$organisationID }
}
extension CommunicationRecord: OrganisationOwned {
    public static var organisationKey: KeyPath<CommunicationRecord, FieldProperty<CommunicationRecord, UUID>> {
        \.$organisationID
    }
}
extension Consent: OrganisationOwned {
    public static var organisationKey: KeyPath<Consent, FieldProperty<Consent, UUID>> { \.$organisationID }
}
extension Device: OrganisationOwned {
    public static var organisationKey: KeyPath<Device, FieldProperty<Device, UUID>> { \.$organisationID }
}
extension FollowUpRecord: OrganisationOwned {
    public static var organisationKey: KeyPath<FollowUpRecord, FieldProperty<FollowUpRecord, UUID>> {
        \.$organisationID
    }
}
extension MessageSlipRecord: OrganisationOwned {
    public static var organisationKey: KeyPath<MessageSlipRecord, FieldProperty<MessageSlipRecord, UUID>> {
        \.$organisationID
    }
}
extension Incident: OrganisationOwned {
    public static var organisationKey: KeyPath<Incident, FieldProperty<Incident, UUID>> { \.$organisationID }
}
extension IncidentAmendment: OrganisationOwned {
    public static var organisationKey: KeyPath<IncidentAmendment, FieldProperty<IncidentAmendment, UUID>> {
        \.$organisationID
    }
}
extension IncidentPerson: OrganisationOwned {
    public static var organisationKey: KeyPath<IncidentPerson, FieldProperty<IncidentPerson, UUID>> {
        \.$organisationID
    }
}
extension IncidentStep: OrganisationOwned {
    public static var organisationKey: KeyPath<IncidentStep, FieldProperty<IncidentStep, UUID>> { \.$organisationID }
}
extension Notification: OrganisationOwned {
    public static var organisationKey: KeyPath<Notification, FieldProperty<Notification, UUID>> { \.$organisationID }
}
extension CaseTask: OrganisationOwned {
    public static var organisationKey: KeyPath<CaseTask, FieldProperty<CaseTask, UUID>> { \.$organisationID }
}
extension OutgoingMessage: OrganisationOwned {
    public static var organisationKey: KeyPath<OutgoingMessage, FieldProperty<OutgoingMessage, UUID>> {
        \.$organisationID
    }
}
extension ReviewItem: OrganisationOwned {
    public static var organisationKey: KeyPath<ReviewItem, FieldProperty<ReviewItem, UUID>> { \.$organisationID }
}
extension NumberSharing: OrganisationOwned {
    public static var organisationKey: KeyPath<NumberSharing, FieldProperty<NumberSharing, UUID>> { \.$organisationID }
}
extension PhoneStatus: OrganisationOwned {
    public static var organisationKey: KeyPath<PhoneStatus, FieldProperty<PhoneStatus, UUID>> { \.$organisationID }
}
extension StaffAbsence: OrganisationOwned {
    public static var organisationKey: KeyPath<StaffAbsence, FieldProperty<StaffAbsence, UUID>> { \.$organisationID }
}
extension StaffMember: OrganisationOwned {
    public static var organisationKey: KeyPath<StaffMember, FieldProperty<StaffMember, UUID>> { \.$organisationID }
}
extension Team: OrganisationOwned {
    public static var organisationKey: KeyPath<Team, FieldProperty<Team, UUID>> { \.$organisationID }
}
extension CaseFactChange: OrganisationOwned {
    public static var organisationKey: KeyPath<CaseFactChange, FieldProperty<CaseFactChange, UUID>> {
        \.$organisationID
    }
}
extension PolicyAcknowledgement: OrganisationOwned {
    public static var organisationKey: KeyPath<PolicyAcknowledgement, FieldProperty<PolicyAcknowledgement, UUID>> {
        \.$organisationID
    }
}
extension PhoneAgreement: OrganisationOwned {
    public static var organisationKey: KeyPath<PhoneAgreement, FieldProperty<PhoneAgreement, UUID>> {
        \.$organisationID
    }
}
extension PhoneHandIn: OrganisationOwned {
    public static var organisationKey: KeyPath<PhoneHandIn, FieldProperty<PhoneHandIn, UUID>> { \.$organisationID }
}
extension DeviceHolding: OrganisationOwned {
    public static var organisationKey: KeyPath<DeviceHolding, FieldProperty<DeviceHolding, UUID>> { \.$organisationID }
}
extension DeviceAuthorisation: OrganisationOwned {
    public static var organisationKey: KeyPath<DeviceAuthorisation, FieldProperty<DeviceAuthorisation, UUID>> {
        \.$organisationID
    }
}
extension DevicePersonalUse: OrganisationOwned {
    public static var organisationKey: KeyPath<DevicePersonalUse, FieldProperty<DevicePersonalUse, UUID>> {
        \.$organisationID
    }
}

extension LongWorkRecord: OrganisationOwned {
    public static var organisationKey: KeyPath<LongWorkRecord, FieldProperty<LongWorkRecord, UUID>> {
        \.$organisationID
    }
}

extension RoleGrant: OrganisationOwned {
    public static var organisationKey: KeyPath<RoleGrant, FieldProperty<RoleGrant, UUID>> { \.$organisationID }
}
