import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The organisation, its teams, staff and devices. Everyone reads the directory; administrators change it.
struct DirectoryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("me", use: me)
        routes.get("organisation", use: organisation)
        routes.patch("organisation", use: updateSettings)
        routes.get("teams", use: teams)
        routes.post("teams", use: createTeam)
        routes.get("staff", use: staff)
        routes.post("staff", use: createStaff)
        routes.get("devices", use: devices)
        routes.post("devices", use: createDevice)
        routes.patch("devices", ":deviceID", use: updateDevice)
    }

    func me(req: Request) async throws -> MeDTO {
        let p = try await req.principal()
        return MeDTO(
            staff: StaffDTO(try req.staff()),
            organisationId: p.organisationID,
            managedTeamIds: p.managedTeamIDs.sorted { $0.uuidString < $1.uuidString }
        )
    }

    func organisation(req: Request) async throws -> OrganisationDTO {
        let p = try await req.require(.readDirectory)
        guard let org = try await Organisation.find(p.organisationID, on: req.db) else { throw Abort(.notFound) }
        return OrganisationDTO(id: org.id, name: org.name, settings: org.settings)
    }

    /// Replaces the organisation's settings (office hours, time zone, numbers, domains).
    func updateSettings(req: Request) async throws -> OrganisationDTO {
        let p = try await req.require(.administer)
        let settings = try req.content.decode(OrganisationSettings.self)
        try settings.validate()
        // every pack id is one we have
        _ = try req.application.policyLibrary.evaluator(for: settings.packs, field: "packs")
        let org = try await Directory.changeSettings(settings, for: p, audit: try req.auditContext(), on: req.db)
        req.application.organisationSettings.forget(p.organisationID)
        return OrganisationDTO(id: org.id, name: org.name, settings: org.settings)
    }

    func teams(req: Request) async throws -> [TeamDTO] {
        let p = try await req.require(.readDirectory)
        return try await req.db.scoped(to: p.organisationID).query(Team.self).sort(\.$name).all().map(
            TeamDTO.init
        )
    }

    func createTeam(req: Request) async throws -> Response {
        let p = try await req.require(.manageDirectory)
        let input = try req.content.decode(TeamInput.self)
        try requireText(input.name, field: "name", max: 100)
        let hunt = try input.huntGroupNumber.map { try PhoneNumber(parsing: $0, field: "hunt_group_number").e164 }
        let landline = try input.coveredLandline.map { try PhoneNumber(parsing: $0, field: "covered_landline").e164 }
        let team = try await Directory.addTeam(
            Team(
                organisationID: p.organisationID,
                name: input.name,
                managerID: input.managerId,
                huntGroupNumber: hunt,
                coveredLandline: landline
            ),
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await TeamDTO(team).encodeResponse(status: .created, for: req)
    }

    func staff(req: Request) async throws -> [StaffDTO] {
        let p = try await req.require(.readDirectory)
        return try await req.db.scoped(to: p.organisationID).query(StaffMember.self).sort(\.$name).all()
            .map(StaffDTO.init)
    }

    func createStaff(req: Request) async throws -> Response {
        let p = try await req.require(.administer)
        let input = try req.content.decode(StaffInput.self)
        var problems: [ValidationError] = []
        do { try requireText(input.name, field: "name", max: 200) } catch { problems.append(error) }
        if !EmailAddress.isPlausible(input.email) {
            problems.append(.init(field: "email", reason: "'\(input.email)' is not an e-mail address"))
        }
        if let problem = PasswordRules.problem(input.password) { problems.append(problem) }
        if input.roles.isEmpty { problems.append(.init(field: "roles", reason: "at least one role is required")) }
        var roles: Set<Role> = []
        for (i, r) in input.roles.enumerated() {
            do { roles.insert(try Role.parse(r, field: "roles[\(i)]")) } catch { problems.append(error) }
        }
        var mobile: String?
        if let m = input.workMobile {
            do { mobile = try PhoneNumber(parsing: m, field: "work_mobile").e164 } catch { problems.append(error) }
        }
        try ValidationErrors(problems).throwIfAny()
        let hash = try await req.password.async.hash(input.password)
        let s = try await Directory.addStaff(
            StaffMember(
                organisationID: p.organisationID,
                teamID: input.teamId,
                lineManagerID: input.lineManagerId,
                name: input.name,
                email: input.email,
                passwordHash: hash,
                roles: roles,
                jobTitle: input.jobTitle,
                workMobile: mobile
            ),
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await StaffDTO(s).encodeResponse(status: .created, for: req)
    }

    func devices(req: Request) async throws -> [DeviceDTO] {
        let p = try await req.require(.readDirectory)
        return try await req.db.scoped(to: p.organisationID).query(Device.self).sort(\.$address).all()
            .map(DeviceDTO.init)
    }

    func createDevice(req: Request) async throws -> Response {
        let p = try await req.require(.manageDirectory)
        let input = try req.content.decode(DeviceInput.self)
        let d = try await Directory.addDevice(
            kind: input.kind,
            address: input.address,
            holderID: input.holderId,
            callerIDWithheld: input.callerIdWithheld ?? true,
            voicemailEnabled: input.voicemailEnabled ?? true,
            whatsappEnabled: input.whatsappEnabled ?? false,
            onOutOfHours: input.onOutOfHours,
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await DeviceDTO(d).encodeResponse(status: .created, for: req)
    }

    /// COV-7, COV-6, PD-1.11: a device's settings changed by its holder, their managers, or the
    /// directory's keepers (`Directory.changeDevice`).
    func updateDevice(req: Request) async throws -> DeviceDTO {
        let p = try await req.principal()
        let id = try req.id("deviceID", field: "device_id")
        let input = try req.content.decode(DeviceSettingsInput.self)
        let device = try await Directory.changeDevice(
            id,
            .init(
                callerIDWithheld: input.callerIdWithheld,
                voicemailEnabled: input.voicemailEnabled,
                whatsappEnabled: input.whatsappEnabled,
                onOutOfHours: input.onOutOfHours
            ),
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return DeviceDTO(device)
    }
}
