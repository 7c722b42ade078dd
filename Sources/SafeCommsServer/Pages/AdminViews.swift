import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Small pieces every admin page writes.
enum AdminParts {
    static func notice(_ text: String?, _ h: inout HTML) {
        guard let text else { return }
        h.raw("<div class=\"notification-success\" role=\"status\"><p>")
        h.text(text)
        h.raw("</p></div>\n")
    }

    static func csrf(_ token: String, _ h: inout HTML) {
        h.raw("<input type=\"hidden\" name=\"csrf\" value=\"")
        h.text(token)
        h.raw("\">\n")
    }

    static func input(_ id: String, _ value: String, type: String = "text", width: String = "input", _ h: inout HTML) {
        h.raw("<input class=\"")
        h.text(width)
        h.raw("\" id=\"")
        h.text(id)
        h.raw("\" name=\"")
        h.text(id)
        h.raw("\" type=\"")
        h.text(type)
        h.raw("\" value=\"")
        h.text(value)
        h.raw("\">\n")
    }

    static func checkbox(_ id: String, _ label: String, checked: Bool, _ h: inout HTML) {
        h.raw("<div class=\"checkbox-row\"><input type=\"checkbox\" id=\"")
        h.text(id)
        h.raw("\" name=\"")
        h.text(id)
        h.raw(checked ? "\" value=\"on\" checked> <label for=\"" : "\" value=\"on\"> <label for=\"")
        h.text(id)
        h.raw("\">")
        h.text(label)
        h.raw("</label></div>\n")
    }

    static func select(_ id: String, none: String, _ options: [(String, String)], chosen: String, _ h: inout HTML) {
        h.raw("<select class=\"select\" id=\"")
        h.text(id)
        h.raw("\" name=\"")
        h.text(id)
        h.raw("\"><option value=\"\">")
        h.text(none)
        h.raw("</option>\n")
        for (value, label) in options {
            h.raw("<option value=\"")
            h.text(value)
            h.raw(value == chosen ? "\" selected>" : "\">")
            h.text(label)
            h.raw("</option>\n")
        }
        h.raw("</select>\n")
    }

    /// The roles as checkboxes, `role_<code>`, with what each may do.
    static func roles(_ chosen: Set<Role>, _ h: inout HTML) {
        h.raw("<fieldset class=\"radios\" id=\"roles\"><legend>Roles</legend>\n")
        h.raw(
            "<p class=\"hint\">The DSL's and an administrator's roles are given once a second administrator approves.</p>\n"
        )
        for role in Role.allCases {
            checkbox("role_" + role.rawValue, Labels.role(role), checked: chosen.contains(role), &h)
        }
        h.raw("</fieldset>\n")
    }
}

// MARK: Settings

/// `/admin/settings`: what the policies leave to the organisation, as one form.
struct SettingsView {
    struct Form: Content {
        var opensAt = "08:30"
        var closesAt = "17:00"
        var day1, day2, day3, day4, day5, day6, day7: String?
        var timeZone = "Europe/London"
        var bankHolidays: String?
        var emergencyDutyTeamNumber = ""
        var organisationNumbers = ""
        var receptionNumbers = ""
        var customerServiceCentreNumber = ""
        var workEmailDomains = ""
        var voicemailPickupHours = "24"
        var whatsappReviewDate = ""
        var recordingTargetHours = "24"
        var sessionIdleMinutes = "30"
        var sessionHours = "10"
        var workMobilesOn: String?
        /// `pack_<id>` checkboxes, read by hand (their names depend on the packs installed).
        var packs: Set<String> = []

        enum CodingKeys: String, CodingKey {
            case opensAt = "opens_at", closesAt = "closes_at"
            case day1 = "day_1", day2 = "day_2", day3 = "day_3", day4 = "day_4", day5 = "day_5", day6 = "day_6"
            case day7 = "day_7"
            case timeZone = "time_zone", bankHolidays = "bank_holidays"
            case emergencyDutyTeamNumber = "emergency_duty_team_number"
            case organisationNumbers = "organisation_numbers", receptionNumbers = "reception_numbers"
            case customerServiceCentreNumber = "customer_service_centre_number"
            case workEmailDomains = "work_email_domains", voicemailPickupHours = "voicemail_pickup_hours"
            case whatsappReviewDate = "whatsapp_review_date", recordingTargetHours = "recording_target_hours"
            case sessionIdleMinutes = "session_idle_minutes", sessionHours = "session_hours"
            case workMobilesOn = "work_mobiles_on"
        }

        struct PackKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ k: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: k) ?? "" }
            opensAt = try text(.opensAt)
            closesAt = try text(.closesAt)
            day1 = try c.decodeIfPresent(String.self, forKey: .day1)
            day2 = try c.decodeIfPresent(String.self, forKey: .day2)
            day3 = try c.decodeIfPresent(String.self, forKey: .day3)
            day4 = try c.decodeIfPresent(String.self, forKey: .day4)
            day5 = try c.decodeIfPresent(String.self, forKey: .day5)
            day6 = try c.decodeIfPresent(String.self, forKey: .day6)
            day7 = try c.decodeIfPresent(String.self, forKey: .day7)
            timeZone = try text(.timeZone)
            bankHolidays = try c.decodeIfPresent(String.self, forKey: .bankHolidays)
            emergencyDutyTeamNumber = try text(.emergencyDutyTeamNumber)
            organisationNumbers = try text(.organisationNumbers)
            receptionNumbers = try text(.receptionNumbers)
            customerServiceCentreNumber = try text(.customerServiceCentreNumber)
            workEmailDomains = try text(.workEmailDomains)
            voicemailPickupHours = try text(.voicemailPickupHours)
            whatsappReviewDate = try text(.whatsappReviewDate)
            recordingTargetHours = try text(.recordingTargetHours)
            sessionIdleMinutes = try text(.sessionIdleMinutes)
            sessionHours = try text(.sessionHours)
            workMobilesOn = try c.decodeIfPresent(String.self, forKey: .workMobilesOn)
            let all = try decoder.container(keyedBy: PackKey.self)
            packs = Set(all.allKeys.map(\.stringValue).filter { $0.hasPrefix("pack_") }.map { String($0.dropFirst(5)) })
        }

        func encode(to encoder: any Encoder) throws {}

        /// The form as the settings hold them now.
        init(_ s: OrganisationSettings) {
            opensAt = OfficeHours.clock(s.officeHours.opensAtMinute)
            closesAt = OfficeHours.clock(s.officeHours.closesAtMinute)
            let on = s.officeHours.workingDays
            (day1, day2, day3, day4, day5, day6, day7) = (
                on.contains(1) ? "on" : nil, on.contains(2) ? "on" : nil, on.contains(3) ? "on" : nil,
                on.contains(4) ? "on" : nil, on.contains(5) ? "on" : nil, on.contains(6) ? "on" : nil,
                on.contains(7) ? "on" : nil
            )
            timeZone = s.officeHours.timeZone
            bankHolidays = s.officeHours.excludeBankHolidays ? "on" : nil
            emergencyDutyTeamNumber = s.emergencyDutyTeamNumber ?? ""
            organisationNumbers = (s.organisationNumbers ?? []).joined(separator: "\n")
            receptionNumbers = (s.receptionNumbers ?? []).joined(separator: "\n")
            customerServiceCentreNumber = s.customerServiceCentreNumber ?? ""
            workEmailDomains = s.workEmailDomains.joined(separator: "\n")
            voicemailPickupHours = String(s.voicemailPickupHours)
            whatsappReviewDate = s.whatsappReviewDate ?? ""
            recordingTargetHours = String(s.recordingTarget)
            sessionIdleMinutes = String(s.sessionIdle)
            sessionHours = String(s.sessionLimit)
            workMobilesOn = s.workMobilesOnOutOfHours == true ? "on" : nil
            packs = Set(s.packs ?? [])
            allPacks = s.packs == nil
        }

        /// The settings were "every pack" (none chosen): every box shows ticked.
        var allPacks = false

        var days: [String?] { [day1, day2, day3, day4, day5, day6, day7] }

        static func lines(_ text: String) -> [String] {
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        }

        /// The settings this form asks for, on top of `current` (settings the form does not show stay).
        func settings(keeping current: OrganisationSettings, packs installed: [String]) throws -> OrganisationSettings {
            var problems: [PageController.FieldError] = []
            var s = current
            do {
                s.officeHours.opensAtMinute = try OfficeHours.parseClock(
                    opensAt.trimmingCharacters(in: .whitespaces),
                    field: "opens_at"
                )
            } catch {
                problems.append(
                    .init(field: "opens_at", message: "Enter the opening time as hours and minutes, such as 08:30")
                )
            }
            do {
                s.officeHours.closesAtMinute = try OfficeHours.parseClock(
                    closesAt.trimmingCharacters(in: .whitespaces),
                    field: "closes_at"
                )
            } catch {
                problems.append(
                    .init(field: "closes_at", message: "Enter the closing time as hours and minutes, such as 17:00")
                )
            }
            s.officeHours.workingDays = Set(days.enumerated().compactMap { $0.element == nil ? nil : $0.offset + 1 })
            s.officeHours.timeZone = timeZone.trimmingCharacters(in: .whitespaces)
            s.officeHours.excludeBankHolidays = bankHolidays != nil
            s.emergencyDutyTeamNumber = emergencyDutyTeamNumber.isEmpty ? nil : emergencyDutyTeamNumber
            s.organisationNumbers = Self.lines(organisationNumbers)
            s.receptionNumbers = Self.lines(receptionNumbers)
            s.customerServiceCentreNumber = customerServiceCentreNumber.isEmpty ? nil : customerServiceCentreNumber
            s.workEmailDomains = Self.lines(workEmailDomains).map { $0.lowercased() }
            if let h = Int(voicemailPickupHours.trimmingCharacters(in: .whitespaces)) {
                s.voicemailPickupHours = h
            } else {
                problems.append(
                    .init(field: "voicemail_pickup_hours", message: "Enter the voicemail hours as a whole number")
                )
            }
            s.whatsappReviewDate = whatsappReviewDate.isEmpty ? nil : whatsappReviewDate
            if let h = Int(recordingTargetHours.trimmingCharacters(in: .whitespaces)) {
                s.recordingTargetHours = h
            } else {
                problems.append(
                    .init(
                        field: "recording_target_hours",
                        message: "Enter the recording target as a whole number of hours"
                    )
                )
            }
            // Left empty: the default.
            let idle = sessionIdleMinutes.trimmingCharacters(in: .whitespaces)
            let hours = sessionHours.trimmingCharacters(in: .whitespaces)
            if idle.isEmpty {
                s.sessionIdleMinutes = nil
            } else if let m = Int(idle) {
                s.sessionIdleMinutes = m
            } else {
                problems.append(
                    .init(field: "session_idle_minutes", message: "Enter the minutes without use as a whole number")
                )
            }
            if hours.isEmpty {
                s.sessionHours = nil
            } else if let h = Int(hours) {
                s.sessionHours = h
            } else {
                problems.append(.init(field: "session_hours", message: "Enter the session's hours as a whole number"))
            }
            s.workMobilesOnOutOfHours = workMobilesOn != nil
            let chosen = installed.filter(packs.contains)
            if chosen.isEmpty {
                problems.append(
                    .init(field: "pack_\(installed.first ?? "")", message: "Choose at least one policy to use")
                )
            }
            s.packs = chosen.count == installed.count ? nil : chosen
            guard problems.isEmpty else { throw Problems(errors: problems) }
            try s.validate()
            return s
        }
    }

    struct Problems: Error {
        var errors: [PageController.FieldError]
    }

    /// The form field a settings problem belongs to.
    static func formField(_ field: String) -> String {
        if field.hasPrefix("organisation_numbers") { return "organisation_numbers" }
        if field.hasPrefix("reception_numbers") { return "reception_numbers" }
        if field.hasPrefix("work_email_domains") { return "work_email_domains" }
        switch field {
        case "office_hours.time_zone": return "time_zone"
        case "office_hours.opens_at_minute": return "opens_at"
        case "office_hours.working_days": return "day_1"
        default: return field
        }
    }

    var form: Form
    var packs: [PolicyPack]
    var csrf: String
    var saved: Bool
    var errors: [PageController.FieldError] = []
    /// Shown for the server's settings that name the organisation (`SAFECOMMS_OIDC_ORGANISATION`).
    var organisationID: UUID?

    func write(_ h: inout HTML) {
        if !errors.isEmpty { PageErrors.summary(errors, &h) }
        h.raw("<a href=\"/\" class=\"back-link\">Home</a>\n<h1 class=\"heading-l\">Organisation settings</h1>\n")
        AdminParts.notice(saved ? "The settings were saved. Checks and routing use them from now." : nil, &h)
        h.raw("<form method=\"post\" action=\"/admin/settings\" novalidate>\n")
        AdminParts.csrf(csrf, &h)
        h.raw("<h2 class=\"heading-m\">Office hours</h2>\n<div class=\"filters-row\">\n")
        group("opens_at", "Opens at", "For example, 08:30", &h) {
            AdminParts.input("opens_at", form.opensAt, width: "input input-short", &$0)
        }
        group("closes_at", "Closes at", "17:00 itself is out of hours", &h) {
            AdminParts.input("closes_at", form.closesAt, width: "input input-short", &$0)
        }
        h.raw("</div>\n")
        FormGroup.fieldset(id: "day_1", legend: "Working days", errors: errors, &h) { h in
            let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            for (i, on) in form.days.enumerated() {
                AdminParts.checkbox("day_\(i + 1)", names[i], checked: on != nil, &h)
            }
        }
        group("time_zone", "Time zone", "An IANA zone, such as Europe/London", &h) {
            AdminParts.input("time_zone", form.timeZone, &$0)
        }
        AdminParts.checkbox(
            "bank_holidays",
            "Bank holidays in England and Wales are out of hours",
            checked: form.bankHolidays != nil,
            &h
        )
        h.raw("<h2 class=\"heading-m\">Numbers</h2>\n")
        group(
            "emergency_duty_team_number",
            "The emergency duty team's number",
            "Where calls go out of hours (COV-4)",
            &h
        ) {
            AdminParts.input("emergency_duty_team_number", form.emergencyDutyTeamNumber, type: "tel", &$0)
        }
        area(
            "organisation_numbers",
            "The organisation's own numbers",
            "One a line; a range ends in stars, such as 01202 45**** (PD-1.9, PD-12.a)",
            form.organisationNumbers,
            &h
        )
        area(
            "reception_numbers",
            "Reception numbers",
            "One a line; calls are never diverted to them (LIN-12)",
            form.receptionNumbers,
            &h
        )
        group(
            "customer_service_centre_number",
            "The customer service centre's number",
            "Never the alternative number a voicemail gives (LIN-5)",
            &h
        ) {
            AdminParts.input("customer_service_centre_number", form.customerServiceCentreNumber, type: "tel", &$0)
        }
        group("voicemail_pickup_hours", "Voicemail picked up within (hours)", "LIN-5", &h) {
            AdminParts.input("voicemail_pickup_hours", form.voicemailPickupHours, width: "input input-short", &$0)
        }
        AdminParts.checkbox(
            "work_mobiles_on",
            "Work mobiles stay on outside office hours (PD-1.11)",
            checked: form.workMobilesOn != nil,
            &h
        )
        h.raw("<h2 class=\"heading-m\">E-mail, WhatsApp and records</h2>\n")
        area(
            "work_email_domains",
            "Work e-mail domains",
            "One a line, such as coventry.gov.uk; any other address is external (LIN-14)",
            form.workEmailDomains,
            &h
        )
        group("whatsapp_review_date", "WhatsApp permission reviewed by", "A date, such as 2027-03-31 (WA-1)", &h) {
            AdminParts.input("whatsapp_review_date", form.whatsappReviewDate, width: "input input-medium", &$0)
        }
        group(
            "recording_target_hours",
            "Contact recorded within (hours)",
            "The dashboards measure recording delay against it",
            &h
        ) {
            AdminParts.input("recording_target_hours", form.recordingTargetHours, width: "input input-short", &$0)
        }
        group(
            "session_idle_minutes",
            "Sign people out after this many minutes without use",
            "From 5 to 480; it applies from each person's next sign-in",
            &h
        ) {
            AdminParts.input("session_idle_minutes", form.sessionIdleMinutes, width: "input input-short", &$0)
        }
        group("session_hours", "Sign people out this many hours after they sign in", "From 1 to 24", &h) {
            AdminParts.input("session_hours", form.sessionHours, width: "input input-short", &$0)
        }
        h.raw("<h2 class=\"heading-m\">Policies in use</h2>\n")
        FormGroup.fieldset(
            id: "pack_\(packs.first?.id ?? "")",
            legend: "Policies the check uses",
            hint: "Try a changed policy on the simulation page first",
            errors: errors,
            &h
        ) { h in
            for p in packs {
                AdminParts.checkbox("pack_\(p.id)", p.title, checked: form.allPacks || form.packs.contains(p.id), &h)
            }
        }
        h.raw(
            "<p class=\"body\">How texts and e-mails are sent (GOV.UK Notify or the mail relay) is set on the server; see the operations guide.</p>\n"
        )
        if let organisationID {
            h.raw(
                "<p class=\"body\" id=\"organisation-id\">This organisation's id, for signing in through your council's identity provider (<code>SAFECOMMS_OIDC_ORGANISATION</code> on the server): <code>"
            )
            h.text(organisationID.uuidString)
            h.raw("</code></p>\n")
        }
        h.raw("<button type=\"submit\" class=\"button\">Save the settings</button>\n</form>\n")
    }

    private func group(_ id: String, _ label: String, _ hint: String?, _ h: inout HTML, _ control: (inout HTML) -> Void)
    {
        FormGroup.write(id: id, label: label, hint: hint, errors: errors, &h, control)
    }

    private func area(_ id: String, _ label: String, _ hint: String, _ value: String, _ h: inout HTML) {
        FormGroup.write(id: id, label: label, hint: hint, errors: errors, &h) { h in
            h.raw("<textarea class=\"textarea\" id=\"")
            h.text(id)
            h.raw("\" name=\"")
            h.text(id)
            h.raw("\" rows=\"3\">")
            h.text(value)
            h.raw("</textarea>\n")
        }
    }
}
