import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct AccessPolicyTests {
    let org = UUID(), otherOrg = UUID(), teamA = UUID(), teamB = UUID(), me = UUID(), someoneElse = UUID()

    func principal(_ roles: Set<Role>, org: UUID? = nil, teams: Set<UUID> = [], managed: Set<UUID> = []) -> Principal {
        Principal(staffID: me, organisationID: org ?? self.org, roles: roles, teamIDs: teams, managedTeamIDs: managed)
    }

    @Test func practitionerSeesOwnAndTeamCasesOnly() {
        let p = principal([.practitioner], teams: [teamA])
        #expect(AccessPolicy.canRead(p, .init(organisationID: org, teamID: teamB, keyWorkerID: me)))
        #expect(AccessPolicy.canRead(p, .init(organisationID: org, teamID: teamA, keyWorkerID: someoneElse)))
        #expect(!AccessPolicy.canRead(p, .init(organisationID: org, teamID: teamB, keyWorkerID: someoneElse)))
        #expect(AccessPolicy.canWrite(p, .init(organisationID: org, teamID: teamA, keyWorkerID: someoneElse)))
    }

    @Test func managerSeesManagedTeams() {
        let p = principal([.manager], managed: [teamB])
        #expect(AccessPolicy.canRead(p, .init(organisationID: org, teamID: teamB, keyWorkerID: someoneElse)))
        #expect(!AccessPolicy.canRead(p, .init(organisationID: org, teamID: teamA, keyWorkerID: someoneElse)))
        #expect(AccessPolicy.canAllocate(p, toTeam: teamB))
        #expect(!AccessPolicy.canAllocate(p, toTeam: teamA))
    }

    @Test func auditorReadsEverythingWritesNothing() {
        let p = principal([.auditor])
        let c = CaseAllocation(organisationID: org, teamID: teamA, keyWorkerID: someoneElse)
        #expect(AccessPolicy.canRead(p, c))
        #expect(!AccessPolicy.canWrite(p, c))
        #expect(!AccessPolicy.can(p, .createCase))
        #expect(!AccessPolicy.can(p, .administer))
        #expect(AccessPolicy.can(p, .readAudit))
    }

    @Test func dutiesAreSeparated() {
        let admin = principal([.admin]), support = principal([.businessSupport]), dsl = principal([.dsl])
        #expect(
            AccessPolicy.can(admin, .administer) && AccessPolicy.can(admin, .manageDirectory)
                && !AccessPolicy.can(admin, .readAudit)
        )
        #expect(
            !AccessPolicy.can(support, .administer) && AccessPolicy.can(support, .manageDirectory)
                && !AccessPolicy.can(support, .createCase)
        )
        #expect(
            AccessPolicy.can(dsl, .readAudit) && AccessPolicy.can(dsl, .createCase)
                && !AccessPolicy.can(dsl, .administer)
        )
    }

    @Test func adminAndBusinessSupportDoNotReadCases() {
        let c = CaseAllocation(organisationID: org, teamID: teamA, keyWorkerID: someoneElse)
        #expect(!AccessPolicy.canRead(principal([.admin], teams: [teamA]), c))
        #expect(!AccessPolicy.canRead(principal([.businessSupport], teams: [teamA]), c))
    }

    @Test(arguments: Role.allCases)
    func nobodyCrossesOrganisations(role: Role) {
        let p = principal([role], org: otherOrg, teams: [teamA], managed: [teamA])
        let c = CaseAllocation(organisationID: org, teamID: teamA, keyWorkerID: me)
        #expect(!AccessPolicy.canRead(p, c))
        #expect(!AccessPolicy.canWrite(p, c))
    }
}
