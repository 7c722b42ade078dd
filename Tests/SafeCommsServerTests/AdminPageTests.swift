import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import SafeCommsCore
@testable import SafeCommsServer
@testable import SafeCommsStore

/// The administrator's pages: settings, staff accounts with a second administrator's approval, teams.
@Suite struct AdminPageTests {
    static func signedIn(_ app: Application, _ email: String) async throws -> (PageSession, String) {
        let browser = PageSession(app)
        try await browser.signIn(email)
        let csrf = try #require(browser.csrf(from: try await browser.get("/")))
        return (browser, csrf)
    }

    /// A second administrator in North, made as `users add` would.
    static func secondAdmin(_ app: Application, _ world: World) async throws -> String {
        let email = "admin2@north.example.org"
        try await StaffMember(
            organisationID: world.north.id,
            teamID: nil,
            name: "North admin two",
            email: email,
            passwordHash: try Bcrypt.hash(World.password, cost: 4),
            roles: [.admin]
        ).create(on: app.db)
        return email
    }

    @Test(arguments: Backend.available)
    func theSettingsFormSavesWhatTheChecksReadAndNamesEachBadField(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let (admin, csrf) = try await Self.signedIn(app, world.north.staff["admin"]!.email)
            let form = try await admin.get("/admin/settings")
            #expect(form.status == .ok && form.body.string.contains("value=\"08:30\""))
            // The id the server's identity-provider setting names (SAFECOMMS_OIDC_ORGANISATION): its own only.
            #expect(form.body.string.contains(world.north.id.uuidString))
            #expect(!form.body.string.contains(world.south.id.uuidString))
            var fields = [
                "csrf": csrf, "opens_at": "09:00", "closes_at": "17:30", "day_1": "on", "day_2": "on", "day_3": "on",
                "day_4": "on", "time_zone": "Europe/London", "bank_holidays": "on",
                "emergency_duty_team_number": "01632 960999", "organisation_numbers": "01632 96****\n07700 900123",
                "work_email_domains": "north.example.org", "voicemail_pickup_hours": "24",
                "recording_target_hours": "48", "pack_pan-dorset-4.4": "on", "pack_whatsapp-2020": "on",
            ]
            let saved = try await admin.post("/admin/settings", form: fields)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(1500))")
            let s = try #require(try await Organisation.find(world.north.id, on: app.db)).settings
            #expect(s.officeHours.opensAtMinute == 540 && s.officeHours.closesAtMinute == 1050)
            #expect(s.officeHours.workingDays == [1, 2, 3, 4] && s.recordingTarget == 48)
            #expect(s.packs == ["whatsapp-2020", "pan-dorset-4.4"] || s.packs == ["pan-dorset-4.4", "whatsapp-2020"])
            #expect(
                s.organisationNumbers == ["01632 96****", "07700 900123"] && s.workEmailDomains == ["north.example.org"]
            )
            // The cache the checks read is told at once.
            #expect(try await app.organisationSettings.settings(for: world.north.id, on: app.db).recordingTarget == 48)
            // South is untouched.
            #expect(
                try #require(try await Organisation.find(world.south.id, on: app.db)).settings.recordingTarget == 24
            )

            fields["opens_at"] = "nine"
            fields["work_email_domains"] = "not a domain"
            fields["pack_pan-dorset-4.4"] = nil
            fields["pack_whatsapp-2020"] = nil
            let bad = try await admin.post("/admin/settings", form: fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<a href=\"#opens_at\">Enter the opening time"))
            #expect(bad.body.string.contains("<a href=\"#pack_"))
            #expect(bad.body.string.contains("value=\"nine\""), "what was typed is kept")
            fields["opens_at"] = "09:00"
            fields["pack_whatsapp-2020"] = "on"
            let domain = try await admin.post("/admin/settings", form: fields)
            #expect(
                domain.body.string.contains("<a href=\"#work_email_domains\">"),
                "\(domain.body.string.prefix(800))"
            )
            #expect(
                try #require(try await Organisation.find(world.north.id, on: app.db)).settings.recordingTarget == 48
            )

            for role in ["practitioner", "manager", "dsl", "business_support", "auditor"] {
                let (other, token) = try await Self.signedIn(app, world.north.staff[role]!.email)
                #expect(try await other.get("/admin/settings").status == .forbidden, "\(role)")
                #expect(try await other.post("/admin/settings", form: ["csrf": token]).status == .forbidden, "\(role)")
                #expect(try await other.get("/admin/staff").status == .forbidden, "\(role)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func aNewAccountSignsInAndTheDSLsRoleWaitsForASecondAdministrator(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let (admin, csrf) = try await Self.signedIn(app, world.north.staff["admin"]!.email)
            let made = try await admin.post(
                "/admin/staff",
                form: [
                    "csrf": csrf, "name": "Nadia Khan", "email": "Nadia.Khan@north.example.org",
                    "team_id": world.north.teamA.uuidString, "role_practitioner": "on", "role_dsl": "on",
                ]
            )
            #expect(made.status == .ok)
            let password = try #require(
                made.body.string.firstMatch(of: /id="new-password">([^<]+)</).map { String($0.1) }
            )
            #expect(made.body.string.contains("Designated safeguarding lead waits for a second administrator"))
            let nadia = try #require(
                try await StaffMember.query(on: app.db).filter(\.$email == "nadia.khan@north.example.org").first()
            )
            #expect(nadia.roles == [.practitioner], "the DSL's role is not given yet")
            let newcomer = PageSession(app)
            let signIn = try await newcomer.signIn(nadia.email, password)
            #expect(signIn.status == .seeOther && signIn.headers.first(name: .location) != "/login")

            // The administrator who asked cannot approve it; a second one can, once.
            let grant = try #require(try await RoleGrant.query(on: app.db).filter(\.$staffID == nadia.id!).first())
            #expect(
                try await admin.post("/admin/role-grants/\(grant.id!)", form: ["csrf": csrf, "decision": "approve"])
                    .status == .forbidden
            )
            let (second, csrf2) = try await Self.signedIn(app, try await Self.secondAdmin(app, world))
            #expect(try await second.get("/admin/staff").body.string.contains("id=\"pending\""))
            // Two decisions at once: one wins, the other is told it was decided.
            async let a = second.post("/admin/role-grants/\(grant.id!)", form: ["csrf": csrf2, "decision": "approve"])
            let (third, csrf3) = try await Self.signedIn(app, "admin2@north.example.org")
            async let b = third.post("/admin/role-grants/\(grant.id!)", form: ["csrf": csrf3, "decision": "refuse"])
            let codes = [try await a.status.code, try await b.status.code].sorted()
            #expect(codes == [303, 409], "\(codes)")
            let decided = try #require(try await RoleGrant.find(grant.id, on: app.db))
            let after = try #require(try await StaffMember.find(nadia.id, on: app.db))
            #expect(after.roles.contains(.dsl) == (decided.approved == true))

            // Deactivated: cannot sign in, and an open page session stops working.
            let off = try await admin.post("/admin/staff/\(nadia.id!)/active", form: ["csrf": csrf, "active": "0"])
            #expect(off.status == .seeOther)
            #expect(try await newcomer.get("/").status == .seeOther, "the open session ends")
            let refused = try await PageSession(app).signIn(nadia.email, password)
            #expect(refused.status == .unauthorized)
            // A new password, shown once, works once the account is back in use.
            _ = try await admin.post("/admin/staff/\(nadia.id!)/active", form: ["csrf": csrf, "active": "1"])
            let reset = try await admin.post("/admin/staff/\(nadia.id!)/password", form: ["csrf": csrf])
            let fresh = try #require(
                reset.body.string.firstMatch(of: /id="new-password">([^<]+)</).map { String($0.1) }
            )
            #expect(fresh != password)
            #expect(try await PageSession(app).signIn(nadia.email, password).status == .unauthorized)
            #expect(try await PageSession(app).signIn(nadia.email, fresh).status == .seeOther)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$entityID == nadia.id!.uuidString).all().map(
                \.action
            )
            for a in [
                "staff.create", "staff.role_requested", "staff.deactivate", "staff.reactivate", "staff.password_reset",
            ] {
                #expect(actions.contains(a), "\(a)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func theLastAdministratorStaysAndNoOneReachesAnotherOrganisation(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let adminID = world.north.id("admin")
            let (admin, csrf) = try await Self.signedIn(app, world.north.staff["admin"]!.email)
            let demote = try await admin.post(
                "/admin/staff/\(adminID)/roles",
                form: ["csrf": csrf, "role_auditor": "on"]
            )
            #expect(demote.status == .unprocessableEntity)
            #expect(demote.body.string.contains("nobody else is an active administrator"))
            #expect(
                try await admin.post("/admin/staff/\(adminID)/active", form: ["csrf": csrf, "active": "0"]).status
                    == .forbidden
            )
            // Taking a role away is at once; giving the practitioner's is at once.
            let worker = world.north.id("practitionerB")
            let changed = try await admin.post(
                "/admin/staff/\(worker)/roles",
                form: ["csrf": csrf, "role_manager": "on"]
            )
            #expect(changed.status == .seeOther)
            #expect(try #require(try await StaffMember.find(worker, on: app.db)).roles == [.manager])
            // South's people are not North's to see or change.
            let south = world.south.id("practitioner")
            #expect(try await admin.get("/admin/staff/\(south)").status == .notFound)
            #expect(
                try await admin.post("/admin/staff/\(south)/active", form: ["csrf": csrf, "active": "0"]).status
                    == .notFound
            )
            #expect(try #require(try await StaffMember.find(south, on: app.db)).active)
        }
    }

    @Test(arguments: Backend.available)
    func businessSupportKeepsTeamsAndHuntGroups(backend: Backend) async throws {
        try await withTestApp(backend) { app in
            let world = try await World.make(app)
            let (support, csrf) = try await Self.signedIn(app, world.north.staff["business_support"]!.email)
            let added = try await support.post(
                "/admin/teams",
                form: [
                    "csrf": csrf, "name": "Fostering Team", "manager_id": world.north.id("manager").uuidString,
                    "hunt_group_number": "01632 960400",
                ]
            )
            #expect(added.status == .seeOther, "\(added.body.string.prefix(800))")
            let team = try #require(try await Team.query(on: app.db).filter(\.$name == "Fostering Team").first())
            #expect(team.huntGroupNumber == "+441632960400" && team.organisationID == world.north.id)
            let changed = try await support.post(
                "/admin/teams/\(team.id!)",
                form: ["csrf": csrf, "hunt_group_number": "01632 960401", "manager_id": ""]
            )
            #expect(changed.status == .seeOther)
            let after = try #require(try await Team.find(team.id, on: app.db))
            #expect(after.huntGroupNumber == "+441632960401" && after.managerID == nil)
            let bad = try await support.post(
                "/admin/teams",
                form: ["csrf": csrf, "name": "", "hunt_group_number": "12"]
            )
            #expect(bad.status == .unprocessableEntity)
            #expect(
                bad.body.string.contains("<a href=\"#name\">")
                    && bad.body.string.contains("<a href=\"#hunt_group_number\">")
            )
            let duplicate = try await support.post("/admin/teams", form: ["csrf": csrf, "name": "Fostering Team"])
            #expect(duplicate.body.string.contains("already exists"))
            #expect(
                try await support.post(
                    "/admin/teams/\(world.south.teamA)",
                    form: ["csrf": csrf, "hunt_group_number": ""]
                ).status == .notFound
            )
            let (worker, token) = try await Self.signedIn(app, world.north.staff["practitioner"]!.email)
            #expect(try await worker.get("/admin/teams").status == .forbidden)
            #expect(try await worker.post("/admin/teams", form: ["csrf": token, "name": "Mine"]).status == .forbidden)
        }
    }
}
