import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// A case's registers, called directly with a database.
@Suite struct CaseRegistersTests {
    @Test(arguments: TestBackend.available)
    func sharingANumberNeedsAnotherManagersAgreementAndOneOfTheCasesPeople(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let manager = StaffMember(
                id: UUID(),
                organisationID: w.org.id!,
                teamID: w.team.id,
                name: "Mo Manager",
                email: "mo.\(UUID().uuidString.prefix(6))@example.org",
                passwordHash: "x",
                roles: [.manager]
            )
            try await manager.create(on: db)
            let worker = Principal(
                staffID: w.staff.id!,
                organisationID: w.org.id!,
                roles: [.practitioner],
                teamIDs: [w.team.id!],
                managedTeamIDs: []
            )
            let parent = try await CaseRegisters.addPerson(
                CasePerson(organisationID: w.org.id!, caseID: w.caseFile.id!, role: "parent", name: "Sam Turner"),
                to: w.caseFile,
                audit: w.context,
                on: db
            )
            func decision(agreedBy: UUID?, person: UUID?) -> NumberSharing {
                NumberSharing(
                    organisationID: w.org.id!,
                    caseID: w.caseFile.id!,
                    staffID: w.staff.id!,
                    personID: person,
                    managerAgreedByID: agreedBy,
                    shared: true,
                    number: "+447700900001",
                    reason: "Mum needs to reach me about contact",
                    decidedOn: "2026-11-20"
                )
            }
            func field(_ row: NumberSharing) async -> String? {
                do {
                    _ = try await CaseRegisters.addSharing(
                        row,
                        to: w.caseFile,
                        by: worker,
                        link: "",
                        audit: w.context,
                        on: db
                    )
                    return nil
                } catch let e as ValidationError {
                    return e.field
                } catch {
                    return "\(error)"
                }
            }

            // COV-3: agreed by oneself, by a practitioner, by nobody in the organisation, or about someone
            // not on the case: each refused by its field; agreed by the team manager: kept.
            #expect(await field(decision(agreedBy: w.staff.id, person: parent.id)) == "manager_agreed_by_id")
            #expect(await field(decision(agreedBy: UUID(), person: parent.id)) == "manager_agreed_by_id")
            #expect(await field(decision(agreedBy: manager.id, person: UUID())) == "person_id")
            #expect(await field(decision(agreedBy: manager.id, person: parent.id)) == nil)

            let kept = try await db.scoped(to: w.org.id!).query(NumberSharing.self).all()
            #expect(kept.count == 1 && kept.first?.number == "+447700900001" && kept.first?.staffID == w.staff.id)
            let actions = try await AuditEvent.query(on: db).filter(\.$caseID == w.caseFile.id).all().map(\.action)
            #expect(Set(actions) == ["person.create", "number.shared"] && actions.count == 2, "\(actions)")
        }
    }
}
