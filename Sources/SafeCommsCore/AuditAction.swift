/// What an audit event records. Stored as its raw text, which is what earlier events hold, so the
/// vocabulary can grow without touching stored rows; a new action is a new case here.
public enum AuditAction: String, Sendable, CaseIterable {
    // Sign-in and access.
    case signedIn = "auth.signed_in"
    case signInFailed = "auth.failed"
    case tokenIssued = "token.issue"
    case tokenRevoked = "token.revoke"
    case signedOutEverywhere = "auth.signed_out_everywhere"
    /// The identity provider no longer accepts someone (a leaver): their sessions and tokens ended.
    case providerRefused = "auth.provider_refused"
    case factorEnrolled = "auth.factor_enrolled"
    case factorFailed = "auth.factor_failed"
    case factorReset = "auth.factor_reset"
    case recoveryCodeUsed = "auth.recovery_code_used"

    // Reading a case (PD-1.8: every view is on record).
    case casesListed = "cases.list"
    case caseRead = "case.read"
    case chronologyRead = "chronology.read"

    // Cases and their registers.
    case caseCreated = "case.create"
    case personAdded = "person.create"
    case consentRecorded = "consent.create"
    case consentWithdrawn = "consent.withdraw"
    case caseFactsChanged = "case.facts"
    case numberSharingAcknowledged = "number.acknowledged"
    case policyAcknowledged = "policy.acknowledge"
    case policySimulated = "policy.simulate"
    case phoneAgreed = "young_phone.agreement"
    case phoneHandedIn = "young_phone.hand_in"
    case phoneReturned = "young_phone.returned"
    case numberShared = "number.shared"
    case numberNotShared = "number.not_shared"

    // The chronology (PD-1.1).
    case communicationRecorded = "communication.create"
    case communicationCorrected = "communication.correct"
    case communicationImported = "communication.import"
    case reconciliationRun = "reconciliation.run"

    // The pre-send check.
    case checked = "check"

    // Phones (the Lincolnshire and Coventry clauses).
    case phoneStatusSet = "phone.status"
    case leaveRecorded = "absence.leave"
    case unexpectedAbsenceRecorded = "absence.unexpected"
    case absenceStepDone = "absence.step"
    case messageTaken = "message.taken"
    case messageAnswered = "message.answered"
    case notificationQueued = "notification.queued"
    case followUpOpened = "follow_up.open"
    case followUpClosed = "follow_up.close"
    case incidentRaised = "incident.raise"
    case incidentStepDone = "incident.step"
    case incidentAmended = "incident.amend"
    case incidentPersonLinked = "incident.person"
    case incidentRead = "incident.read"
    case incidentEscalated = "incident.escalate"
    case reviewFlagged = "review.flag"
    case reviewResolved = "review.resolve"
    case reviewRead = "review.read"
    case messageQueued = "sent_message.queue"
    case messageStatus = "sent_message.status"
    case taskSet = "task.set"
    case taskDone = "task.done"
    case directoryConfirmed = "directory.confirmed"
    case voicemailTurnedOff = "device.voicemail_off"
    case deviceHandedOver = "device.hand_over"
    case deviceAuthorised = "device.authorise"
    case deviceAuthorisationRevoked = "device.revoke"
    case devicePersonalUse = "device.personal_use"
    case devicesMonitored = "device.monitoring"

    // The organisation and its directory.
    case organisationCreated = "organisation.create"
    case settingsChanged = "organisation.settings"
    case teamCreated = "team.create"
    case staffCreated = "staff.create"
    case passwordReset = "staff.password_reset"
    case rolesChanged = "staff.roles"
    case roleRequested = "staff.role_requested"
    case roleGranted = "staff.role_granted"
    case roleRefused = "staff.role_refused"
    case staffDeactivated = "staff.deactivate"
    case staffReactivated = "staff.reactivate"
    case teamChanged = "team.update"
    case deviceCreated = "device.create"
    case deviceUpdated = "device.update"
    case demoSeeded = "demo.seed"

    // The trail itself: who searched it, checked it or took a copy away.
    case auditSearched = "audit.search"
    case auditVerified = "audit.verify"
    case auditExported = "audit.export"
}
