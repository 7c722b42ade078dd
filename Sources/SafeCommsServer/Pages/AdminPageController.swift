import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The administrator's pages: the organisation's settings (`/admin/settings`), staff accounts
/// (`/admin/staff`, with a second administrator approving the DSL's and an administrator's roles),
/// and teams with their hunt groups (`/admin/teams`, for business support too).
struct AdminPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(StaffMember.redirectMiddleware(path: "/login")).grouped("admin")
        admin.get("settings", use: settings)
        admin.post("settings", use: saveSettings)
        admin.get("teams", use: teams)
        admin.post("teams", use: addTeam)
        admin.post("teams", ":teamID", use: changeTeam)
        admin.get("staff", use: staff)
        admin.post("staff", use: addStaff)
        admin.get("staff", ":staffID", use: member)
        admin.post("staff", ":staffID", "roles", use: changeRoles)
        admin.post("staff", ":staffID", "active", use: setActive)
        admin.post("staff", ":staffID", "password", use: resetPassword)
        admin.post("staff", ":staffID", "authenticator", use: resetAuthenticator)
        admin.post("role-grants", ":grantID", use: decide)
    }

    private func require(_ req: Request, _ permission: Permission) async throws -> Principal {
        let p = try await req.principal()
        guard AccessPolicy.can(p, permission) else {
            throw Abort(.forbidden, reason: "This page is for the organisation's administrators.")
        }
        return p
    }

    // MARK: Settings

    func settings(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let current = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let view = SettingsView(
            form: .init(current),
            packs: req.application.policyCatalogue.packs,
            csrf: CSRF.token(for: req),
            saved: req.queryText("saved") == "1",
            organisationID: p.organisationID
        )
        return try PageLayout.response(req, "Organisation settings", view.write)
    }

    func saveSettings(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let form = try req.content.decode(SettingsView.Form.self)
        let current = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        var view = SettingsView(
            form: form,
            packs: req.application.policyCatalogue.packs,
            csrf: CSRF.token(for: req),
            saved: false,
            organisationID: p.organisationID
        )
        do {
            let settings = try form.settings(keeping: current, packs: req.application.policyCatalogue.packs.map(\.id))
            _ = try await Directory.changeSettings(settings, for: p, audit: try req.auditContext(), on: req.db)
            req.application.organisationSettings.forget(p.organisationID)
            return req.redirect(to: "/admin/settings?saved=1")
        } catch let e as SettingsView.Problems {
            view.errors = e.errors
        } catch {
            guard let errors = PageController.fieldErrors(error) else { throw error }
            view.errors = errors.map { .init(field: SettingsView.formField($0.field), message: $0.message) }
        }
        return try PageLayout.response(req, "Organisation settings", status: .unprocessableEntity, view.write)
    }

    // MARK: Teams

    func teams(req: Request) async throws -> Response {
        let p = try await require(req, .manageDirectory)
        return try await renderTeams(req, p, form: .init(), errors: [], status: .ok)
    }

    private func renderTeams(
        _ req: Request,
        _ p: Principal,
        form: TeamsView.Form,
        errors: [PageController.FieldError],
        status: HTTPStatus
    ) async throws -> Response {
        let scope = req.db.scoped(to: p)
        let view = TeamsView(
            teams: try await scope.query(Team.self).sort(\.$name).all(),
            staff: try await scope.query(StaffMember.self).filter(\.$active == true).sort(\.$name).all(),
            form: form,
            errors: errors,
            csrf: CSRF.token(for: req),
            done: req.queryText("done")
        )
        return try PageLayout.response(req, "Teams and hunt groups", status: status, view.write)
    }

    func addTeam(req: Request) async throws -> Response {
        let p = try await require(req, .manageDirectory)
        let form = try req.content.decode(TeamsView.Form.self)
        var errors: [PageController.FieldError] = []
        let name = form.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 {
            errors.append(.init(field: "name", message: "Enter the team's name, at most 100 characters"))
        }
        let hunt = Self.number(form.huntGroupNumber, field: "hunt_group_number", label: "hunt group", &errors)
        let managerID = Self.id(form.managerID, field: "manager_id", label: "manager", &errors)
        if errors.isEmpty {
            do {
                _ = try await Directory.addTeam(
                    Team(
                        organisationID: p.organisationID,
                        name: name,
                        managerID: managerID ?? nil,
                        huntGroupNumber: hunt ?? nil
                    ),
                    for: p,
                    audit: try req.auditContext(),
                    on: req.db
                )
                return req.redirect(to: "/admin/teams?done=added")
            } catch {
                guard let e = PageController.fieldErrors(error) else { throw error }
                errors = e
            }
        }
        return try await renderTeams(req, p, form: form, errors: errors, status: .unprocessableEntity)
    }

    struct TeamChange: Content {
        var managerID: String?
        var huntGroupNumber: String?
        enum CodingKeys: String, CodingKey {
            case managerID = "manager_id"
            case huntGroupNumber = "hunt_group_number"
        }
    }

    func changeTeam(req: Request) async throws -> Response {
        let p = try await require(req, .manageDirectory)
        let id = try req.id("teamID", field: "team")
        let form = try req.content.decode(TeamChange.self)
        var errors: [PageController.FieldError] = []
        let hunt = Self.number(form.huntGroupNumber, field: "hunt_group_number", label: "hunt group", &errors)
        let managerID = Self.id(form.managerID, field: "manager_id", label: "manager", &errors)
        if errors.isEmpty {
            do {
                _ = try await Directory.changeTeam(
                    id,
                    managerID: managerID,
                    huntGroupNumber: hunt,
                    coveredLandline: nil,
                    for: p,
                    audit: try req.auditContext(),
                    on: req.db
                )
                return req.redirect(to: "/admin/teams?done=changed")
            } catch {
                guard let e = PageController.fieldErrors(error) else { throw error }
                errors = e
            }
        }
        return try await renderTeams(req, p, form: .init(), errors: errors, status: .unprocessableEntity)
    }

    /// A phone number typed into a form: nil when the field was not sent, `.some(nil)` when left empty.
    static func number(
        _ text: String?,
        field: String,
        label: String,
        _ errors: inout [PageController.FieldError]
    ) -> String?? {
        guard let text else { return nil }
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return .some(nil) }
        do {
            return .some(try PhoneNumber(parsing: t, field: field).e164)
        } catch {
            errors.append(
                .init(field: field, message: "Enter the \(label) number as a UK phone number, such as 01632 960100")
            )
            return nil
        }
    }

    /// A choice from a list of people or teams: nil when not sent, `.some(nil)` when "none".
    static func id(_ text: String?, field: String, label: String, _ errors: inout [PageController.FieldError]) -> UUID??
    {
        guard let text else { return nil }
        guard !text.isEmpty else { return .some(nil) }
        guard let id = UUID(uuidString: text) else {
            errors.append(.init(field: field, message: "Choose the \(label) from the list"))
            return nil
        }
        return .some(id)
    }

    // MARK: Staff accounts

    func staff(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        return try await renderStaff(req, p, form: .init(), errors: [], status: .ok)
    }

    private func renderStaff(
        _ req: Request,
        _ p: Principal,
        form: StaffListView.Form,
        errors: [PageController.FieldError],
        status: HTTPStatus,
        created: String? = nil
    ) async throws -> Response {
        let scope = req.db.scoped(to: p)
        let view = StaffListView(
            staff: try await scope.query(StaffMember.self).sort(\.$name).all(),
            teams: try await scope.query(Team.self).sort(\.$name).all(),
            pending: try await StaffAccounts.pending(for: p, on: req.db),
            me: p.staffID,
            form: form,
            errors: errors,
            csrf: CSRF.token(for: req),
            notice: req.queryText("done").flatMap(StaffListView.notices.index(forKey:)).map {
                StaffListView.notices[$0].value
            }
        )
        return try PageLayout.response(req, "Staff accounts", status: status, view.write)
    }

    func addStaff(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let form = try req.content.decode(StaffListView.Form.self)
        var errors: [PageController.FieldError] = []
        let name = form.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 {
            errors.append(.init(field: "name", message: "Enter the person's full name, at most 100 characters"))
        }
        let email = form.email.trimmingCharacters(in: .whitespaces).lowercased()
        if !EmailAddress.isPlausible(email) {
            errors.append(
                .init(field: "email", message: "Enter their work e-mail address, such as name@council.gov.uk")
            )
        }
        let roles = form.roles
        if roles.isEmpty { errors.append(.init(field: "role_practitioner", message: "Choose at least one role")) }
        let teamID = Self.id(form.teamID, field: "team_id", label: "team", &errors)
        let password = Self.temporaryPassword()
        if errors.isEmpty {
            do {
                let s = StaffMember(
                    organisationID: p.organisationID,
                    teamID: teamID ?? nil,
                    name: name,
                    email: email,
                    passwordHash: try await req.password.async.hash(password),
                    roles: roles,
                    jobTitle: form.jobTitle.flatMap { $0.isEmpty ? nil : $0 }
                )
                let (created, grants) = try await StaffAccounts.create(
                    s,
                    for: p,
                    audit: try req.auditContext(),
                    on: req.db
                )
                let view = CreatedView(
                    name: created.name,
                    email: created.email,
                    password: password,
                    waiting: grants.map(\.role)
                )
                return try PageLayout.response(req, "Account created", view.write)
            } catch {
                guard let e = PageController.fieldErrors(error) else { throw error }
                errors = e
            }
        }
        return try await renderStaff(req, p, form: form, errors: errors, status: .unprocessableEntity)
    }

    /// A password to give the person once, which they are told to change: four words and a number.
    static func temporaryPassword() -> String {
        let words = [
            "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbour", "island", "juniper", "kestrel",
            "lantern", "meadow", "nettle", "orchard", "pebble", "quarry", "river", "spruce", "thistle", "willow",
        ]
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in words.randomElement(using: &rng)! }.joined(separator: "-") + "-"
            + String(Int.random(in: 10...99, using: &rng))
    }

    func member(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        return try await renderMember(req, p, try req.id("staffID", field: "staff"), errors: [], status: .ok)
    }

    private func renderMember(
        _ req: Request,
        _ p: Principal,
        _ id: UUID,
        errors: [PageController.FieldError],
        status: HTTPStatus
    ) async throws -> Response {
        let scope = req.db.scoped(to: p)
        guard let s = try await scope.find(StaffMember.self, id) else { throw Abort(.notFound) }
        let view = MemberView(
            member: s,
            teams: try await scope.query(Team.self).sort(\.$name).all(),
            pending: try await StaffAccounts.pending(for: p, on: req.db).filter { $0.staffID == id },
            me: p.staffID,
            factor: try await SecondFactors.summary(of: id, on: req.db),
            provider: try await ProviderGrants.summary(of: id, on: req.db),
            zone: try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone,
            errors: errors,
            csrf: CSRF.token(for: req),
            notice: req.queryText("done").flatMap(MemberView.notices.index(forKey:)).map {
                MemberView.notices[$0].value
            }
        )
        return try PageLayout.response(req, s.name, status: status, view.write)
    }

    func changeRoles(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let id = try req.id("staffID", field: "staff")
        let roles = try req.content.decode(StaffListView.RoleChoice.self).roles
        do {
            guard !roles.isEmpty else {
                throw ValidationError(field: "roles", reason: "must include at least one role")
            }
            let (_, grants) = try await StaffAccounts.changeRoles(
                of: id,
                to: roles,
                for: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return req.redirect(to: "/admin/staff/\(id.uuidString)?done=" + (grants.isEmpty ? "roles" : "asked"))
        } catch {
            guard let e = PageController.fieldErrors(error) else { throw error }
            return try await renderMember(
                req,
                p,
                id,
                errors: e.map { .init(field: "role_practitioner", message: $0.message) },
                status: .unprocessableEntity
            )
        }
    }

    func setActive(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let id = try req.id("staffID", field: "staff")
        let active = (try? req.content.get(String.self, at: "active")) == "1"
        _ = try await StaffAccounts.setActive(id, active, for: p, audit: try req.auditContext(), on: req.db)
        return req.redirect(to: "/admin/staff/\(id.uuidString)?done=" + (active ? "reactivated" : "deactivated"))
    }

    func resetPassword(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let id = try req.id("staffID", field: "staff")
        guard let s = try await req.db.scoped(to: p).find(StaffMember.self, id) else { throw Abort(.notFound) }
        let password = Self.temporaryPassword()
        try await StaffAccounts.resetPassword(
            id,
            hash: try await req.password.async.hash(password),
            for: p,
            audit: try req.auditContext(),
            on: req.db
        )
        let view = CreatedView(name: s.name, email: s.email, password: password, waiting: [], reset: true)
        return try PageLayout.response(req, "Password reset", view.write)
    }

    func resetAuthenticator(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let id = try req.id("staffID", field: "staff")
        try await SecondFactors.reset(staffID: id, by: p, audit: try req.auditContext(), on: req.db)
        return req.redirect(to: "/admin/staff/\(id.uuidString)?done=authenticator")
    }

    func decide(req: Request) async throws -> Response {
        let p = try await require(req, .administer)
        let id = try req.id("grantID", field: "request")
        let approve = (try? req.content.get(String.self, at: "decision")) == "approve"
        let g = try await StaffAccounts.decide(id, approve: approve, for: p, audit: try req.auditContext(), on: req.db)
        return req.redirect(to: "/admin/staff/\(g.staffID.uuidString)?done=" + (approve ? "approved" : "refused"))
    }
}
