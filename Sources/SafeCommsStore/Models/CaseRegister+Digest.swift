import FluentKit
import Foundation
import SafeCommsCore

/// A case register's or the phones' row, sealed into the audit event that writes it (`RowDigest`):
/// every stored value but when the row was made, in a fixed order. A row changed by the application
/// (a message answered, a follow-up closed) is sealed again by the event that changes it.
public protocol SealedRow: Model where IDValue == UUID {
    /// The entity its audit events name.
    static var auditEntity: String { get }
    var digest: String { get }
}

extension CasePerson: SealedRow {
    public static let auditEntity = "case_person"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(role)
        d.add(name)
        d.add(aliases)
        d.add(dateOfBirth)
        d.add(address)
        d.add(postcode)
        d.add(phone)
        d.add(email)
        return d.hex
    }
}

extension Consent: SealedRow {
    public static let auditEntity = "consent"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(personID)
        d.add(recordedByID)
        d.add(kind.rawValue)
        d.add(channel)
        d.add(givenBy)
        d.add(reason)
        d.add(givenOn)
        d.add(withdrawnOn)
        // Sealed only once set, so a row written before these fields existed keeps its digest.
        if endsOn != nil || withdrawnByID != nil {
            d.add(endsOn)
            d.add(withdrawnByID)
            d.add(withdrawnReason)
            d.add(withdrawnAt)
        }
        return d.hex
    }
}

extension NumberSharing: SealedRow {
    public static let auditEntity = "number_sharing"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(staffID)
        d.add(personID)
        d.add(managerAgreedByID)
        d.add(shared)
        d.add(number)
        d.add(reason)
        d.add(decidedOn)
        // Sealed only once set, so a row written before these fields existed keeps its digest.
        if lineManagerID != nil || acknowledgedByID != nil {
            d.add(lineManagerID)
            d.add(acknowledgedByID)
            d.add(acknowledgedAt)
        }
        return d.hex
    }
}

extension MessageSlipRecord: SealedRow {
    public static let auditEntity = "message"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(forStaffID)
        d.add(takenByID)
        d.add(respondedByID)
        d.add(takenAt)
        d.add(callerName)
        d.add(callerFrom)
        d.add(returnNumber)
        d.add(reason)
        d.add(callBackBy)
        d.add(respondedAt)
        d.add(response)
        return d.hex
    }
}

extension FollowUpRecord: SealedRow {
    public static let auditEntity = "follow_up"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(staffID)
        d.add(loggedByID)
        d.add(closedByID)
        d.add(kind)
        d.add(occurredAt)
        d.add(callerName)
        d.add(callerNumber)
        d.add(summary)
        d.add(dueAt)
        d.add(closedAt)
        d.add(outcome)
        d.add(note)
        d.add(divertedTo)
        return d.hex
    }
}

extension CaseFactChange: SealedRow {
    public static let auditEntity = "case_fact"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(changedByID)
        d.add(changedAt)
        d.add(fact)
        d.add(before)
        d.add(after)
        d.add(reason)
        return d.hex
    }
}

extension PolicyAcknowledgement: SealedRow {
    public static let auditEntity = "policy_acknowledgement"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(staffID)
        d.add(packID)
        d.add(version)
        d.add(acknowledgedAt)
        return d.hex
    }
}

extension PhoneAgreement: SealedRow {
    public static let auditEntity = "phone_agreement"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(personID)
        d.add(recordedByID)
        d.add(setting.rawValue)
        d.add(rule)
        d.add(personalUse)
        d.add(agreedOn)
        d.add(recordedAt)
        return d.hex
    }
}

extension PhoneHandIn: SealedRow {
    public static let auditEntity = "phone_hand_in"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(personID)
        d.add(receivedByID)
        d.add(returnedByID)
        d.add(kind.rawValue)
        d.add(at)
        d.add(keptWhere)
        d.add(returnedAt)
        return d.hex
    }
}

extension DeviceHolding: SealedRow {
    public static let auditEntity = "device_holding"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(deviceID)
        d.add(holderID)
        d.add(handedOverByID)
        d.add(fromAt)
        return d.hex
    }
}

extension DeviceAuthorisation: SealedRow {
    public static let auditEntity = "device_authorisation"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(deviceID)
        d.add(staffID)
        d.add(authorisedByID)
        d.add(authorisedAt)
        d.add(revokedByID)
        d.add(revokedAt)
        return d.hex
    }
}

extension DevicePersonalUse: SealedRow {
    public static let auditEntity = "device_personal_use"

    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(deviceID)
        d.add(staffID)
        d.add(at)
        d.add(emergency)
        d.add(agreedByID)
        d.add(reason)
        return d.hex
    }
}
