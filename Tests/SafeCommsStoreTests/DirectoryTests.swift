import FluentKit
import Foundation
import Testing

@testable import SafeCommsCore
@testable import SafeCommsStore

/// Keeping the directory, called directly with a database.
@Suite struct DirectoryTests {
    static func caller(_ w: StoreWorld, _ roles: Set<Role>, staffID: UUID = UUID()) -> Principal {
        Principal(staffID: staffID, organisationID: w.org.id!, roles: roles, teamIDs: [w.team.id!], managedTeamIDs: [])
    }

    @Test(arguments: TestBackend.available)
    func oneTeamNameAddedByManyAtOnceIsOneTeam(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let admin = Self.caller(w, [.admin])
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await Directory.addTeam(
                                Team(organisationID: w.org.id!, name: "Duty"),
                                for: admin,
                                audit: w.context,
                                on: db
                            )
                            return "added"
                        } catch let e as ValidationError {
                            return e.field
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "added" }.count == 1 && outcomes.filter { $0 == "name" }.count == 7)
            #expect(try await db.scoped(to: w.org.id!).query(Team.self).filter(\.$name == "Duty").count() == 1)
            let events = try await AuditEvent.query(on: db).filter(\.$action == AuditAction.teamCreated.rawValue)
                .count()
            #expect(events == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func devicesNameOnlyTheOrganisationsStaffAndChangeOnlyForTheirHolderOrKeepers(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let db = store.db
            let w = try await StoreWorld.make(on: db)
            let other = try await StoreWorld.make(on: db, name: "Other Council")
            let support = Self.caller(w, [.businessSupport])
            var lastNumber = 100
            func device(holder: UUID?) -> Device {
                lastNumber += 1  // each device a number of its own: a repeated one is refused
                return Device(
                    organisationID: w.org.id!,
                    holderID: holder,
                    kind: .workMobile,
                    address: "+447700900\(lastNumber)",
                    callerIDWithheld: true,
                    voicemailEnabled: true,
                    whatsappEnabled: false,
                    onOutOfHours: false
                )
            }
            do {
                _ = try await Directory.addDevice(
                    device(holder: other.staff.id),
                    for: support,
                    audit: w.context,
                    on: db
                )
                Issue.record("another organisation's member of staff was accepted as a holder")
            } catch let e as ValidationError {
                #expect(e.field == "holder_id")
            }
            let phone = try await Directory.addDevice(
                device(holder: w.staff.id),
                for: support,
                audit: w.context,
                on: db
            )
            await #expect(throws: Refusal.forbidden("your role does not allow this")) {
                try await Directory.addDevice(
                    device(holder: nil),
                    for: Self.caller(w, [.practitioner]),
                    audit: w.context,
                    on: db
                )
            }

            // COV-7: the holder turns voicemail off; a colleague may not; another organisation cannot find it.
            let off = Directory.DeviceChange(
                callerIDWithheld: nil,
                voicemailEnabled: false,
                whatsappEnabled: nil,
                onOutOfHours: nil
            )
            let holder = Self.caller(w, [.practitioner], staffID: w.staff.id!)
            let changed = try await Directory.changeDevice(phone.id!, off, for: holder, audit: w.context, on: db)
            #expect(changed.voicemailEnabled == false && changed.callerIDWithheld == true)
            await #expect(
                throws: Refusal.forbidden(
                    "only its holder, their managers, administrators or business support change a device"
                )
            ) {
                try await Directory.changeDevice(
                    phone.id!,
                    off,
                    for: Self.caller(w, [.practitioner]),
                    audit: w.context,
                    on: db
                )
            }
            await #expect(throws: Refusal.notFound("no such device")) {
                try await Directory.changeDevice(
                    phone.id!,
                    off,
                    for: Self.caller(other, [.admin]),
                    audit: other.context,
                    on: db
                )
            }
            let updates = try await AuditEvent.query(on: db).filter(\.$action == AuditAction.deviceUpdated.rawValue)
                .all()
            #expect(updates.map(\.detail) == ["voicemail_enabled=false"])
        }
    }
}
