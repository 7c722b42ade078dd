import SafeCommsCore

/// The words pages use for the codes the store and the API keep: "Text message", not `sms`.
enum Labels {
    static func channel(_ code: String) -> String {
        switch Channel(rawValue: code) {
        case .sms: "Text message"
        case .whatsapp: "WhatsApp message"
        case .whatsappCall: "WhatsApp call"
        case .whatsappVideo: "WhatsApp video call"
        case .email: "E-mail"
        case .phoneCall: "Phone call"
        case .videoCall: "Video call"
        case .socialMedia: "Social media message"
        case .photo: "Photo"
        case .videoRecording: "Video recording"
        case .audioRecording: "Audio recording"
        case .voicemail: "Voicemail"
        case .faceToFace: "Face to face"
        case .letter: "Letter"
        case nil: code.replacingOccurrences(of: "_", with: " ")
        }
    }

    static func personRole(_ code: String) -> String {
        switch PersonRole(rawValue: code) {
        case .child: "child"
        case .parentCarer: "parent or carer"
        case .professional: "professional"
        case .other, nil: "other"
        }
    }

    static func role(_ role: Role) -> String {
        switch role {
        case .practitioner: "Practitioner"
        case .manager: "Team manager"
        case .dsl: "Designated safeguarding lead"
        case .businessSupport: "Business support"
        case .admin: "Administrator"
        case .auditor: "Auditor"
        }
    }

    /// What an audit event's action means, for the audit trail's pages.
    static func auditAction(_ code: String) -> String {
        switch AuditAction(rawValue: code) {
        case .signedIn: "signed in"
        case .signInFailed: "failed to sign in"
        case .tokenIssued: "issued an API token"
        case .tokenRevoked: "revoked an API token"
        case .signedOutEverywhere: "signed out everywhere"
        case .providerRefused: "ended every session and token of someone the identity provider no longer accepts"
        case .factorEnrolled: "set up an authenticator"
        case .factorFailed: "gave a wrong authenticator code"
        case .factorReset: "reset someone's authenticator"
        case .recoveryCodeUsed: "used a recovery code"
        case .casesListed: "listed cases"
        case .caseRead: "read a case"
        case .chronologyRead: "read a chronology"
        case .caseCreated: "opened a case"
        case .personAdded: "added a person to a case"
        case .consentRecorded: "recorded a consent"
        case .consentWithdrawn: "recorded a consent withdrawn"
        case .caseFactsChanged: "changed a case's facts"
        case .numberSharingAcknowledged: "acknowledged a number shared"
        case .policyAcknowledged: "acknowledged a policy"
        case .policySimulated: "tried a changed policy against past contact"
        case .phoneAgreed: "recorded a young person's phone agreement"
        case .phoneHandedIn: "took in a young person's phone"
        case .phoneReturned: "returned a young person's phone"
        case .numberShared: "recorded a number shared"
        case .numberNotShared: "recorded a decision not to share a number"
        case .communicationRecorded: "recorded a contact"
        case .communicationCorrected: "corrected a record"
        case .communicationImported: "imported records"
        case .reconciliationRun: "checked a carrier's bill"
        case .checked: "checked a message"
        case .phoneStatusSet: "set a phone status"
        case .leaveRecorded: "recorded leave"
        case .unexpectedAbsenceRecorded: "recorded an unexpected absence"
        case .absenceStepDone: "completed an absence checklist step"
        case .messageTaken: "took a message"
        case .messageAnswered: "answered a message"
        case .notificationQueued: "queued an e-mail"
        case .followUpOpened: "opened a follow-up"
        case .followUpClosed: "closed a follow-up"
        case .incidentRaised: "raised an incident"
        case .incidentStepDone: "completed an incident step"
        case .incidentAmended: "amended an incident"
        case .incidentPersonLinked: "linked a person to an incident"
        case .incidentRead: "read an incident"
        case .incidentEscalated: "escalated an incident"
        case .reviewFlagged: "flagged contact for review"
        case .reviewResolved: "resolved a review item"
        case .reviewRead: "read a review item"
        case .messageQueued: "sent a message"
        case .messageStatus: "received a delivery receipt"
        case .taskSet: "set a task"
        case .taskDone: "marked a task done"
        case .directoryConfirmed: "confirmed directory details"
        case .voicemailTurnedOff: "turned off voicemail"
        case .deviceHandedOver: "handed over a device"
        case .deviceAuthorised: "authorised someone on a device"
        case .deviceAuthorisationRevoked: "revoked a device authorisation"
        case .devicePersonalUse: "recorded personal use of a device"
        case .devicesMonitored: "looked at device monitoring"
        case .organisationCreated: "created the organisation"
        case .settingsChanged: "changed the organisation's settings"
        case .teamCreated: "created a team"
        case .staffCreated: "created a staff account"
        case .passwordReset: "reset a password"
        case .rolesChanged: "changed someone's roles"
        case .roleRequested: "asked for a role to be given"
        case .roleGranted: "approved a role"
        case .roleRefused: "refused a role"
        case .staffDeactivated: "deactivated an account"
        case .staffReactivated: "reactivated an account"
        case .teamChanged: "changed a team"
        case .deviceCreated: "added a device"
        case .deviceUpdated: "changed a device"
        case .demoSeeded: "made the demonstration data"
        case .auditSearched: "searched the audit trail"
        case .auditVerified: "checked the audit trail"
        case .auditExported: "exported the audit trail"
        case nil: code
        }
    }
}
