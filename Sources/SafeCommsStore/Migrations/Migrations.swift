import FluentKit

/// Every migration of the store, in order (page sessions included).
public enum StoreMigrations {
    public static var all: [any Migration] {
        [
            M001_CreateOrganisations(), M002_CreateTeams(), M003_CreateStaff(), M004_CreateDevices(),
            M005_CreateCases(),
            M006_CreateCasePeople(), M007_CreateConsents(), M008_CreateNumberSharing(), M009_CreateCommunications(),
            M010_CreateAuditEvents(), M011_CreateAPITokens(), M012_CreatePhoneStatus(), M013_CreateMessageSlips(),
            M014_CreateAbsenceSteps(), M015_AddContactConfirmed(),
            M016_CreateFollowUps(), M017_AddDeviceHours(), M018_CreateNotifications(), M019_CreateAuditHead(),
            M020_AddSessionStaff(),
            M021_AddAuditRowDigest(), M022_SealPersonalData(), M023_CreateIncidents(), M024_CreateReviewItems(),
            M025_CreateOutgoingMessages(), M026_AddContactFailures(), M027_CreateTasks(), M028_ConsentLifecycle(),
            M029_CreateCaseFactChanges(), M030_NumberSharingAcknowledgement(), M031_CreatePolicyAcknowledgements(),
            M032_CreateYoungPeoplesPhones(), M033_CreateDeviceRegister(), M034_IndexContactByTime(),
            M035_IndexCaseRegisters(), M036_CreateRoleGrants(), M037_IndexReconciliationRuns(),
            M038_IndexCaseReferenceText(), M039_CreateLongWork(), M040_AddTokenScopeAndExpiry(),
            M041_CreateSecondFactors(), M042_CreateProviderGrants(),
        ]
    }
}
