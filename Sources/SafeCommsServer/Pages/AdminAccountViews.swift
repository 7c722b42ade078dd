import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/admin/teams`: the teams, each with its manager and hunt group (LIN-6), and a form for a new one.
struct TeamsView {
    struct Form: Content {
        var name = ""
        var managerID: String?
        var huntGroupNumber: String?

        enum CodingKeys: String, CodingKey {
            case name
            case managerID = "manager_id"
            case huntGroupNumber = "hunt_group_number"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            managerID = try c.decodeIfPresent(String.self, forKey: .managerID)
            huntGroupNumber = try c.decodeIfPresent(String.self, forKey: .huntGroupNumber)
        }
    }

    var teams: [Team]
    var staff: [StaffMember]
    var form: Form
    var errors: [PageController.FieldError]
    var csrf: String
    var done: String?

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/\" class=\"back-link\">Home</a>\n<h1 class=\"heading-l\">Teams and hunt groups</h1>\n")
        AdminParts.notice(
            done == "added" ? "The team was added." : done == "changed" ? "The team was changed." : nil,
            &h
        )
        let names = Dictionary(staff.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let managers = staff.filter { !$0.roles.isDisjoint(with: [.manager, .dsl]) }.map {
            ($0.id!.uuidString, $0.name)
        }
        if teams.isEmpty { h.raw("<p class=\"body\">There are no teams yet.</p>\n") }
        for t in teams {
            h.raw("<h2 class=\"heading-m\">")
            h.text(t.name)
            h.raw("</h2>\n<dl class=\"summary-list\">\n<dt>Manager</dt><dd>")
            h.text(t.managerID.flatMap { names[$0] } ?? "None")
            h.raw("</dd>\n<dt>Hunt group</dt><dd>")
            h.text(t.huntGroupNumber ?? "None")
            h.raw("</dd>\n</dl>\n<form method=\"post\" action=\"/admin/teams/")
            h.text(t.id!.uuidString)
            h.raw("\" class=\"filters\" novalidate>\n")
            AdminParts.csrf(csrf, &h)
            let suffix = "_" + t.id!.uuidString.prefix(8)
            h.raw("<div class=\"filters-row\">\n<div class=\"form-group\"><label class=\"label\" for=\"manager")
            h.text(String(suffix))
            h.raw("\">Manager</label>\n<select class=\"select\" id=\"manager")
            h.text(String(suffix))
            h.raw("\" name=\"manager_id\"><option value=\"\">None</option>\n")
            for (id, name) in managers {
                h.raw("<option value=\"")
                h.text(id)
                h.raw(id == t.managerID?.uuidString ? "\" selected>" : "\">")
                h.text(name)
                h.raw("</option>\n")
            }
            h.raw("</select></div>\n<div class=\"form-group\"><label class=\"label\" for=\"hunt")
            h.text(String(suffix))
            h.raw("\">Hunt group number</label>\n<input class=\"input input-medium\" type=\"tel\" id=\"hunt")
            h.text(String(suffix))
            h.raw("\" name=\"hunt_group_number\" value=\"")
            h.text(t.huntGroupNumber ?? "")
            h.raw("\"></div>\n</div>\n<button type=\"submit\" class=\"button button-secondary\">Save ")
            h.text(t.name)
            h.raw("</button>\n</form>\n")
        }
        h.raw("<h2 class=\"heading-m\">Add a team</h2>\n<form method=\"post\" action=\"/admin/teams\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        FormGroup.write(id: "name", label: "The team's name", errors: errors, &h) {
            AdminParts.input("name", form.name, &$0)
        }
        FormGroup.write(id: "manager_id", label: "Manager", errors: errors, &h) {
            AdminParts.select("manager_id", none: "None yet", managers, chosen: form.managerID ?? "", &$0)
        }
        FormGroup.write(
            id: "hunt_group_number",
            label: "Hunt group number",
            hint: "Calls not answered go here (LIN-6)",
            errors: errors,
            &h
        ) {
            AdminParts.input(
                "hunt_group_number",
                form.huntGroupNumber ?? "",
                type: "tel",
                width: "input input-medium",
                &$0
            )
        }
        h.raw("<button type=\"submit\" class=\"button\">Add the team</button>\n</form>\n")
    }
}

/// `/admin/staff`: every account, the requests waiting for a second administrator, and a form for a
/// new account.
struct StaffListView {
    /// The roles ticked on a form (`role_<code>` checkboxes).
    struct RoleChoice: Content {
        var roles: Set<Role> = []

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            roles = Set(
                c.allKeys.compactMap {
                    $0.stringValue.hasPrefix("role_") ? Role(rawValue: String($0.stringValue.dropFirst(5))) : nil
                }
            )
        }

        func encode(to encoder: any Encoder) throws {}
    }

    struct Form: Content {
        var name = ""
        var email = ""
        var teamID: String?
        var jobTitle: String?
        var roles: Set<Role> = []

        enum CodingKeys: String, CodingKey {
            case name, email
            case teamID = "team_id"
            case jobTitle = "job_title"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            email = try c.decodeIfPresent(String.self, forKey: .email) ?? ""
            teamID = try c.decodeIfPresent(String.self, forKey: .teamID)
            jobTitle = try c.decodeIfPresent(String.self, forKey: .jobTitle)
            roles = try RoleChoice(from: decoder).roles
        }

        func encode(to encoder: any Encoder) throws {}
    }

    static let notices = ["created": "The account was created."]

    var staff: [StaffMember]
    var teams: [Team]
    var pending: [RoleGrant]
    var me: UUID
    var form: Form
    var errors: [PageController.FieldError]
    var csrf: String
    var notice: String?

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/\" class=\"back-link\">Home</a>\n<h1 class=\"heading-l\">Staff accounts</h1>\n")
        AdminParts.notice(notice, &h)
        let names = Dictionary(staff.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let teamNames = Dictionary(teams.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        if !pending.isEmpty {
            h.raw("<div class=\"notification-banner\" role=\"region\" aria-labelledby=\"pending-title\">\n")
            h.raw(
                "<h2 class=\"heading-s\" id=\"pending-title\">Waiting for a second administrator</h2>\n<ul class=\"list\" id=\"pending\">\n"
            )
            for g in pending {
                h.raw("<li><a href=\"/admin/staff/")
                h.text(g.staffID.uuidString)
                h.raw("\">")
                h.text(names[g.staffID] ?? "")
                h.raw("</a>: ")
                h.text(Labels.role(g.role))
                h.raw(", asked by ")
                h.text(g.requestedByID == me ? "you" : names[g.requestedByID] ?? "")
                h.raw("</li>\n")
            }
            h.raw("</ul>\n</div>\n")
        }
        h.raw("<table class=\"table\" id=\"staff\">\n<caption class=\"visually-hidden\">Staff accounts</caption>\n")
        h.raw("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Roles</th><th scope=\"col\">Team</th>")
        h.raw("<th scope=\"col\">Account</th></tr></thead>\n<tbody>\n")
        for s in staff {
            h.raw("<tr><td><a href=\"/admin/staff/")
            h.text(s.id!.uuidString)
            h.raw("\">")
            h.text(s.name)
            h.raw("</a><br><span class=\"hint\">")
            h.text(s.email)
            h.raw("</span></td><td>")
            h.text(s.roles.sorted().map(Labels.role).joined(separator: ", "))
            h.raw("</td><td>")
            h.text(s.teamID.flatMap { teamNames[$0] } ?? "")
            h.raw("</td><td>")
            h.raw(s.active ? "In use" : "<strong class=\"tag tag-grey\">Deactivated</strong>")
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
        h.raw(
            "<h2 class=\"heading-m\">Add an account</h2>\n<form method=\"post\" action=\"/admin/staff\" novalidate>\n"
        )
        AdminParts.csrf(csrf, &h)
        FormGroup.write(id: "name", label: "Full name", errors: errors, &h) { AdminParts.input("name", form.name, &$0) }
        FormGroup.write(id: "email", label: "Work e-mail address", hint: "They sign in with it", errors: errors, &h) {
            AdminParts.input("email", form.email, type: "email", &$0)
        }
        FormGroup.write(id: "job_title", label: "Job title (optional)", errors: errors, &h) {
            AdminParts.input("job_title", form.jobTitle ?? "", &$0)
        }
        FormGroup.write(id: "team_id", label: "Team", errors: errors, &h) {
            AdminParts.select(
                "team_id",
                none: "No team",
                teams.map { ($0.id!.uuidString, $0.name) },
                chosen: form.teamID ?? "",
                &$0
            )
        }
        FormGroup.fieldset(
            id: "role_practitioner",
            legend: "Roles",
            hint: "The DSL's and an administrator's roles are given once a second administrator approves.",
            errors: errors,
            &h
        ) { h in
            for role in Role.allCases {
                AdminParts.checkbox("role_" + role.rawValue, Labels.role(role), checked: form.roles.contains(role), &h)
            }
        }
        h.raw("<button type=\"submit\" class=\"button\">Create the account</button>\n</form>\n")
    }
}

/// `/admin/staff/{id}`: one account: its roles, requests waiting, deactivation and a new password.
struct MemberView {
    static let notices = [
        "roles": "The roles were changed.",
        "asked": "The roles were changed; the DSL's or administrator's role waits for a second administrator.",
        "approved": "The role was given.", "refused": "The request was refused.",
        "deactivated": "The account was deactivated: they can no longer sign in, and their tokens stop working.",
        "reactivated": "The account was reactivated.",
        "authenticator":
            "The authenticator was reset: they set up a new one when they next sign in, and have been told by e-mail.",
    ]

    var member: StaffMember
    var teams: [Team]
    var pending: [RoleGrant]
    var me: UUID
    var factor: SecondFactors.Summary
    /// Their sign-ins through the council's identity provider, if any.
    var provider: ProviderGrants.Summary?
    var zone: TimeZone
    var errors: [PageController.FieldError]
    var csrf: String
    var notice: String?

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        let id = member.id!.uuidString
        h.raw("<a href=\"/admin/staff\" class=\"back-link\">Staff accounts</a>\n<h1 class=\"heading-l\">")
        h.text(member.name)
        h.raw("</h1>\n")
        AdminParts.notice(notice, &h)
        h.raw("<dl class=\"summary-list\">\n<dt>E-mail</dt><dd>")
        h.text(member.email)
        h.raw("</dd>\n<dt>Team</dt><dd>")
        h.text(member.teamID.flatMap { t in teams.first { $0.id == t }?.name } ?? "No team")
        h.raw("</dd>\n<dt>Account</dt><dd>")
        h.raw(member.active ? "In use" : "Deactivated")
        if let provider {
            h.raw("</dd>\n<dt>Council sign-in</dt><dd id=\"council-sign-in\">")
            if let refused = provider.refusedAt {
                h.text(
                    "The council's identity provider refused this account on \(WallClockText.dateTime(refused, zone: zone)): "
                        + "their sessions and API tokens were ended, and their password does not sign them in until the provider signs them in again"
                )
            } else {
                h.text(
                    "Signs in through the council's identity provider, last asked whether it still accepts them on \(WallClockText.dateTime(provider.checkedAt, zone: zone))"
                )
            }
        }
        h.raw("</dd>\n</dl>\n")
        for g in pending {
            h.raw(
                "<div class=\"notification-banner\" role=\"region\" aria-label=\"Waiting for a second administrator\">\n<p class=\"body\">"
            )
            h.text(Labels.role(g.role))
            h.raw(" waits for a second administrator.</p>\n")
            if g.requestedByID != me && g.staffID != me {
                h.raw("<form method=\"post\" action=\"/admin/role-grants/")
                h.text(g.id!.uuidString)
                h.raw("\">\n")
                AdminParts.csrf(csrf, &h)
                h.raw("<button type=\"submit\" class=\"button\" name=\"decision\" value=\"approve\">Approve</button> ")
                h.raw(
                    "<button type=\"submit\" class=\"button button-secondary\" name=\"decision\" value=\"refuse\">Refuse</button>\n</form>\n"
                )
            } else {
                h.raw("<p class=\"hint\">Another administrator must decide it.</p>\n")
            }
            h.raw("</div>\n")
        }
        h.raw("<h2 class=\"heading-m\">Roles</h2>\n<form method=\"post\" action=\"/admin/staff/")
        h.text(id)
        h.raw("/roles\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        FormGroup.fieldset(
            id: "role_practitioner",
            legend: "Roles",
            hint: "The DSL's and an administrator's roles are given once a second administrator approves.",
            errors: errors,
            &h
        ) { h in
            for role in Role.allCases {
                AdminParts.checkbox(
                    "role_" + role.rawValue,
                    Labels.role(role),
                    checked: member.roles.contains(role),
                    &h
                )
            }
        }
        h.raw("<button type=\"submit\" class=\"button\">Save the roles</button>\n</form>\n")
        h.raw("<h2 class=\"heading-m\">Password</h2>\n<form method=\"post\" action=\"/admin/staff/")
        h.text(id)
        h.raw("/password\">\n")
        AdminParts.csrf(csrf, &h)
        h.raw("<p class=\"body\">A new password is made and shown to you once, to give them.</p>\n")
        h.raw("<button type=\"submit\" class=\"button button-secondary\">Reset the password</button>\n</form>\n")
        h.raw("<h2 class=\"heading-m\">Authenticator</h2>\n<p class=\"body\" id=\"authenticator\">")
        switch factor.state {
        case .enrolled:
            h.raw("They enter an authenticator's code after their password. If they lost it, reset it: ")
            h.raw("they set up a new one when they next sign in, and are told by e-mail.</p>\n")
            h.raw("<form method=\"post\" action=\"/admin/staff/")
            h.text(id)
            h.raw("/authenticator\">\n")
            AdminParts.csrf(csrf, &h)
            h.raw("<button type=\"submit\" class=\"button button-warning\">Reset the authenticator</button>\n</form>\n")
        case .none, .settingUp:
            h.raw("They have not set up an authenticator.</p>\n")
        }
        if member.id != me {
            h.raw("<h2 class=\"heading-m\">Account</h2>\n<form method=\"post\" action=\"/admin/staff/")
            h.text(id)
            h.raw("/active\">\n")
            AdminParts.csrf(csrf, &h)
            h.raw(
                member.active
                    ? "<input type=\"hidden\" name=\"active\" value=\"0\">\n"
                    : "<input type=\"hidden\" name=\"active\" value=\"1\">\n"
            )
            h.raw(
                member.active
                    ? "<button type=\"submit\" class=\"button button-warning\">Deactivate the account</button>\n"
                    : "<button type=\"submit\" class=\"button\">Reactivate the account</button>\n"
            )
            h.raw("</form>\n")
        }
    }
}

/// An account made or a password reset: the password, shown this once.
struct CreatedView {
    var name: String
    var email: String
    var password: String
    var waiting: [Role]
    var reset = false

    func write(_ h: inout HTML) {
        h.raw("<div class=\"notification-success\" role=\"status\"><h1 class=\"heading-l\">")
        h.raw(reset ? "The password was reset" : "The account was created")
        h.raw("</h1>\n<p>")
        h.text(name)
        h.raw(" signs in as <strong>")
        h.text(email)
        h.raw("</strong> with the password <code id=\"new-password\">")
        h.text(password)
        h.raw("</code></p></div>\n<p class=\"body\">It is shown only now. Give it to them in person or by phone, ")
        h.raw("never in the same e-mail as their address.</p>\n")
        if !waiting.isEmpty {
            h.raw("<p class=\"body\">")
            h.text(waiting.map(Labels.role).joined(separator: " and "))
            h.raw(waiting.count == 1 ? " waits" : " wait")
            h.raw(" for a second administrator to approve.</p>\n")
        }
        h.raw("<p class=\"body\"><a href=\"/admin/staff\">Back to the staff accounts</a></p>\n")
    }
}
