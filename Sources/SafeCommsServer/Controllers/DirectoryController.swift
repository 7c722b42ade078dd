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
        let org = try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
            guard let org = try await Organisation.find(p.organisationID, on: tx) else { throw Abort(.notFound) }
            org.settings = settings
            try await org.save(on: tx)
            return (
                org, [AuditEntry(action: .settingsChanged, entity: "organisation", entityID: org.id?.uuidString)]
            )
        }
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
        try await requireStaff(input.managerId, field: "manager_id", p, req)
        if try await req.db.scoped(to: p.organisationID).query(Team.self).filter(\.$name == input.name)
            .first() != nil
        {
            throw Self.duplicateTeam(input.name)
        }
        let team = Team(
            organisationID: p.organisationID,
            name: input.name,
            managerID: input.managerId,
            huntGroupNumber: hunt,
            coveredLandline: landline
        )
        team.id = UUID()
        try await req.createAudited(
            team,
            AuditEntry(action: .teamCreated, entity: "team", entityID: team.id?.uuidString),
            duplicate: Self.duplicateTeam(input.name)
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
        if let t = input.teamId,
            try await req.db.scoped(to: p.organisationID).query(Team.self).filter(\.$id == t).first()
                == nil
        {
            throw ValidationError(field: "team_id", reason: "no team \(t) in your organisation")
        }
        try await requireStaff(input.lineManagerId, field: "line_manager_id", p, req)
        if try await StaffMember.query(on: req.db).filter(\.$email == input.email.lowercased()).first() != nil {
            throw Self.duplicateEmail
        }
        let hash = try await req.password.async.hash(input.password)
        let s = StaffMember(
            organisationID: p.organisationID,
            teamID: input.teamId,
            lineManagerID: input.lineManagerId,
            name: input.name,
            email: input.email,
            passwordHash: hash,
            roles: roles,
            jobTitle: input.jobTitle,
            workMobile: mobile
        )
        s.id = UUID()
        try await req.createAudited(
            s,
            AuditEntry(action: .staffCreated, entity: "staff", entityID: s.id?.uuidString, detail: s.rolesText),
            duplicate: Self.duplicateEmail
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
        let kind = try DeviceKind.parse(input.kind, field: "kind")
        let address: String
        switch kind {
        case .workEmail, .personalEmail:
            guard EmailAddress.isPlausible(input.address) else {
                throw ValidationError(field: "address", reason: "'\(input.address)' is not an e-mail address")
            }
            address = input.address.lowercased()
        default:
            address = try PhoneNumber(parsing: input.address, field: "address").e164
        }
        try await requireStaff(input.holderId, field: "holder_id", p, req)
        if try await req.db.scoped(to: p.organisationID).query(Device.self).filter(
            \.$address == address
        ).first() != nil {
            throw Self.duplicateDevice
        }
        let d = Device(
            organisationID: p.organisationID,
            holderID: input.holderId,
            kind: kind,
            address: address,
            callerIDWithheld: input.callerIdWithheld ?? true,
            voicemailEnabled: input.voicemailEnabled ?? true,
            whatsappEnabled: input.whatsappEnabled ?? false,
            onOutOfHours: input.onOutOfHours ?? (kind == .landline)
        )
        d.id = UUID()
        try await req.createAudited(
            d,
            AuditEntry(action: .deviceCreated, entity: "device", entityID: d.id?.uuidString),
            duplicate: Self.duplicateDevice
        )
        return try await DeviceDTO(d).encodeResponse(status: .created, for: req)
    }

    /// COV-7 (voicemail off by dialling 91760), COV-6, PD-1.11: the holder, their managers, or the
    /// directory's keepers change a device's settings; the change is audited.
    func updateDevice(req: Request) async throws -> DeviceDTO {
        let p = try await req.principal()
        let id = try req.id("deviceID", field: "device_id")
        guard
            let d = try await req.db.scoped(to: p.organisationID).query(Device.self).filter(\.$id == id)
                .first()
        else {
            throw Abort(.notFound, reason: "no such device")
        }
        let holder = try await d.holderID.asyncMap { try await PhoneFollowUps.staffMember($0, of: p, on: req.db) }
        let holdersManager = try holder.map { AccessPolicy.canManagePhones(p, of: try $0.allocation) } == true
        guard AccessPolicy.can(p, .manageDirectory) || holdersManager else {
            throw Abort(
                .forbidden,
                reason: "only its holder, their managers, administrators or business support change a device"
            )
        }
        let input = try req.content.decode(DeviceSettingsInput.self)
        // Changed inside the transaction, on the row as it is then: only the settings asked for.
        let organisationID = p.organisationID
        let device = try await AuditLog.transaction(on: req.db, try req.auditContext()) { tx in
            guard
                let d = try await tx.scoped(to: organisationID).query(Device.self).filter(\.$id == id)
                    .first()
            else {
                throw Abort(.notFound, reason: "no such device")
            }
            var changed: [String] = []
            func set(_ value: Bool?, _ key: ReferenceWritableKeyPath<Device, Bool>, _ name: String) {
                guard let value, d[keyPath: key] != value else { return }
                d[keyPath: key] = value
                changed.append("\(name)=\(value)")
            }
            set(input.callerIdWithheld, \.callerIDWithheld, "caller_id_withheld")
            set(input.voicemailEnabled, \.voicemailEnabled, "voicemail_enabled")
            set(input.whatsappEnabled, \.whatsappEnabled, "whatsapp_enabled")
            set(input.onOutOfHours, \.onOutOfHours, "on_out_of_hours")
            guard !changed.isEmpty else { return (d, []) }
            try await d.save(on: tx)
            return (
                d,
                [
                    AuditEntry(
                        action: .deviceUpdated,
                        entity: "device",
                        entityID: d.id?.uuidString,
                        detail: changed.joined(separator: ",")
                    )
                ]
            )
        }
        return DeviceDTO(device)
    }

    static func duplicateTeam(_ name: String) -> ValidationError {
        ValidationError(field: "name", reason: "a team called '\(name)' already exists")
    }

    // E-mail addresses are sign-in names, so they are unique across every organisation.
    static let duplicateEmail = ValidationError(
        field: "email",
        reason: "an account with this e-mail address already exists"
    )
    static let duplicateDevice = ValidationError(
        field: "address",
        reason: "a device with this number or address is already registered"
    )

    private func requireStaff(_ id: UUID?, field: String, _ p: Principal, _ req: Request) async throws {
        guard let id else { return }
        if try await req.db.scoped(to: p.organisationID).query(StaffMember.self).filter(\.$id == id)
            .first() == nil
        {
            throw ValidationError(field: field, reason: "no member of staff \(id) in your organisation")
        }
    }
}
