import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The rest of the phone rules as pages: leave and the out-of-office reply (LIN-8), an unexpected
/// absence and its checklist for managers (LIN-13), the voicemail greeting with its check (COV-4,
/// LIN-5), and logging a voicemail so that it is followed up (COV-7, LIN-5).
struct PhoneWorkPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let phones = routes.grouped(StaffMember.redirectMiddleware(path: "/login")).grouped("phones")
        phones.get("absences", use: absenceForm)
        phones.post("absences", use: recordAbsence)
        phones.get("absences", ":absenceID", use: checklist)
        phones.post("absences", ":absenceID", "steps", ":step", use: completeStep)
        phones.get("greeting", use: greeting)
        phones.post("greeting", use: checkGreeting)
        phones.get("voicemail", use: voicemailForm)
        phones.post("voicemail", use: logVoicemail)
    }

    /// The people whose phones `p` may look after (themselves first), and those they manage.
    private func people(_ p: Principal, _ req: Request) async throws -> (phones: [StaffMember], managed: [StaffMember])
    {
        let all = try await req.db.scoped(to: p).query(StaffMember.self).filter(\.$active == true).sort(\.$name).all()
        let phones = all.filter { s in (try? s.allocation).map { AccessPolicy.canManagePhones(p, of: $0) } ?? false }
        let managed = all.filter { s in
            (try? s.allocation).map { AccessPolicy.canReportUnexpectedAbsence(p, of: $0) } ?? false
        }
        return (phones.filter { $0.id == p.staffID } + phones.filter { $0.id != p.staffID }, managed)
    }

    // MARK: Absences

    struct AbsenceForm: Content {
        var staffID = ""
        var kind = "leave"
        var startsAt = ""
        var endsAt = ""
        var colleagueID = ""

        enum CodingKeys: String, CodingKey {
            case kind
            case staffID = "staff_id", startsAt = "starts_at", endsAt = "ends_at", colleagueID = "colleague_id"
        }

        init(
            staffID: String = "",
            kind: String = "leave",
            startsAt: String = "",
            endsAt: String = "",
            colleagueID: String = ""
        ) {
            (self.staffID, self.kind, self.startsAt, self.endsAt, self.colleagueID) = (
                staffID, kind, startsAt, endsAt, colleagueID
            )
        }

        /// A field left out of the form reads as empty, and is then named by what checks it.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ k: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: k) ?? "" }
            self.init(
                staffID: try text(.staffID),
                kind: try text(.kind),
                startsAt: try text(.startsAt),
                endsAt: try text(.endsAt),
                colleagueID: try text(.colleagueID)
            )
        }
    }

    func absenceForm(req: Request) async throws -> Response {
        let p = try await req.principal()
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let form = AbsenceForm(staffID: p.staffID.uuidString, startsAt: PageController.localInput(Date(), zone))
        return try await renderAbsence(req, p, form, errors: [], status: .ok)
    }

    private func renderAbsence(
        _ req: Request,
        _ p: Principal,
        _ form: AbsenceForm,
        errors: [PageController.FieldError],
        status: HTTPStatus
    ) async throws -> Response {
        let (phones, managed) = try await people(p, req)
        let managedIDs = managed.compactMap(\.id)
        let open =
            managedIDs.isEmpty
            ? []
            : try await req.db.scoped(to: p).query(StaffAbsence.self).filter(\.$kind == "unexpected")
                .filter(\.$staffID ~~ managedIDs).sort(\.$startsAt, .descending).limit(20).all()
        let everyone = try await req.staffNames(p)
        let colleagues = try await req.db.scoped(to: p).query(StaffMember.self).filter(\.$active == true).sort(\.$name)
            .all()
        let csrf = CSRF.token(for: req)
        return try PageLayout.response(req, "Leave and absence", status: status) { h in
            if !errors.isEmpty { PageErrors.summary(errors, &h) }
            h.raw(
                "<a href=\"/phones\" class=\"back-link\">Phones</a>\n<h1 class=\"heading-l\">Leave and absence</h1>\n"
            )
            h.raw(
                "<p class=\"body\">Calls to someone away go to their team's hunt group. Leave gives you the voicemail "
            )
            h.raw(
                "greeting and out-of-office reply to set (LIN-8); an unexpected absence opens its checklist (LIN-13).</p>\n"
            )
            h.raw("<form method=\"post\" action=\"/phones/absences\" novalidate>\n")
            AdminParts.csrf(csrf, &h)
            FormGroup.write(id: "staff_id", label: "Who is away", errors: errors, &h) {
                AdminParts.select(
                    "staff_id",
                    none: "Choose someone",
                    phones.map { ($0.id!.uuidString, $0.id == p.staffID ? "\($0.name) (you)" : $0.name) },
                    chosen: form.staffID,
                    &$0
                )
            }
            FormGroup.fieldset(id: "kind_leave", legend: "What kind of absence", errors: errors, &h) { h in
                for (value, label) in [
                    ("leave", "Leave (planned)"), ("unexpected", "Unexpected (illness, emergency): for their manager"),
                ] {
                    h.raw("<div class=\"radio-row\"><input type=\"radio\" id=\"kind_")
                    h.text(value)
                    h.raw("\" name=\"kind\" value=\"")
                    h.text(value)
                    h.raw(form.kind == value ? "\" checked> <label for=\"kind_" : "\"> <label for=\"kind_")
                    h.text(value)
                    h.raw("\">")
                    h.text(label)
                    h.raw("</label></div>\n")
                }
            }
            FormGroup.write(id: "starts_at", label: "From", errors: errors, &h) {
                AdminParts.input("starts_at", form.startsAt, type: "datetime-local", width: "input input-medium", &$0)
            }
            FormGroup.write(id: "ends_at", label: "Back on (needed for leave)", errors: errors, &h) {
                AdminParts.input("ends_at", form.endsAt, type: "datetime-local", width: "input input-medium", &$0)
            }
            FormGroup.write(id: "colleague_id", label: "Who callers can contact instead (leave)", errors: errors, &h) {
                AdminParts.select(
                    "colleague_id",
                    none: "Nobody named",
                    colleagues.map { ($0.id!.uuidString, $0.name) },
                    chosen: form.colleagueID,
                    &$0
                )
            }
            h.raw("<button type=\"submit\" class=\"button\">Record the absence</button>\n</form>\n")
            if !open.isEmpty {
                h.raw("<h2 class=\"heading-m\">Unexpected absences of people you manage</h2>\n<ul class=\"list\">\n")
                for a in open {
                    h.raw("<li><a href=\"/phones/absences/")
                    h.text(a.id!.uuidString)
                    h.raw("\">")
                    h.text(everyone[a.staffID] ?? "")
                    h.raw(", from ")
                    h.text(WallClockText.dateTime(a.startsAt, zone: TimeZone(identifier: "Europe/London")!))
                    h.raw("</a></li>\n")
                }
                h.raw("</ul>\n")
            }
        }
    }

    func recordAbsence(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(AbsenceForm.self)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let zone = settings.timeZone
        var errors: [PageController.FieldError] = []
        let kind = PhoneDirectory.Absence.Kind(rawValue: form.kind)
        if kind == nil { errors.append(.init(field: "kind_leave", message: "Choose leave or an unexpected absence")) }
        let staffID = UUID(uuidString: form.staffID)
        if staffID == nil { errors.append(.init(field: "staff_id", message: "Choose who is away")) }
        let starts = PageController.parseLocalInput(form.startsAt, zone)
        if starts == nil {
            errors.append(.init(field: "starts_at", message: "Enter when the absence starts, as a date and time"))
        }
        var ends: Date?
        if !form.endsAt.isEmpty {
            ends = PageController.parseLocalInput(form.endsAt, zone)
            if ends == nil {
                errors.append(.init(field: "ends_at", message: "Enter when they are back, as a date and time"))
            }
        }
        guard errors.isEmpty, let kind, let staffID, let starts else {
            return try await renderAbsence(req, p, form, errors: errors, status: .unprocessableEntity)
        }
        let s = try await PhoneFollowUps.staffMember(staffID, of: p, on: req.db)
        let recorded: Absences.Recorded
        do {
            recorded = try await Absences.record(
                kind,
                for: s,
                starts: starts,
                ends: ends,
                by: p,
                settings: settings,
                audit: try req.auditContext(),
                on: req.db
            )
        } catch {
            guard let e = PageController.fieldErrors(error) else { throw error }
            let worded = e.map {
                $0.field == "ends_at"
                    ? PageController.FieldError(
                        field: "ends_at",
                        message: kind == .leave && ends == nil
                            ? "Enter when they are back: leave needs a return date (LIN-8)"
                            : "The return must be after the start"
                    )
                    : $0
            }
            return try await renderAbsence(req, p, form, errors: worded, status: .unprocessableEntity)
        }
        if kind == .unexpected {
            return req.redirect(to: "/phones/absences/\(recorded.absence.id!.uuidString)?recorded=1")
        }
        let colleague = try await UUID(uuidString: form.colleagueID).asyncMap {
            try await PhoneFollowUps.staffMember($0, of: p, on: req.db)
        }
        let messages = try await Absences.leaveMessages(
            for: s,
            returning: ends!,
            colleague: colleague,
            settings: settings,
            on: req.db
        )
        return try PageLayout.response(req, "Leave recorded") { h in
            h.raw("<div class=\"notification-success\" role=\"status\" id=\"leave-recorded\"><p>")
            h.text(s.name)
            h.raw("'s leave is recorded: calls go to the team's hunt group until ")
            h.text(WallClockText.dateTime(ends!, zone: zone))
            h.raw(".</p></div>\n<h1 class=\"heading-l\">Set the greeting and the reply</h1>\n")
            for w in messages.warnings {
                h.raw("<div class=\"warning-text\">")
                h.text(w.replacingOccurrences(of: " (colleague_id)", with: ""))
                h.raw("</div>\n")
            }
            if !recorded.voicemailTurnedOff.isEmpty {
                h.raw("<p class=\"body\">Voicemail was turned off on ")
                h.text(recorded.voicemailTurnedOff.joined(separator: ", "))
                h.raw(": it would not be picked up in time (LIN-5).</p>\n")
            }
            if let g = messages.greeting {
                h.raw(
                    "<h2 class=\"heading-m\">Voicemail greeting</h2>\n<div class=\"inset-text\" id=\"leave-greeting\">"
                )
                h.text(g)
                h.raw("</div>\n")
            }
            if let o = messages.outOfOffice {
                h.raw(
                    "<h2 class=\"heading-m\">Out-of-office reply</h2>\n<div class=\"inset-text\" id=\"out-of-office\">"
                )
                h.text(o)
                h.raw("</div>\n")
            }
            h.raw("<p class=\"body\"><a href=\"/phones\">Back to phones</a></p>\n")
        }
    }

    func checklist(req: Request) async throws -> Response {
        let p = try await req.principal()
        let (absence, steps) = try await Absences.checklist(
            try req.id("absenceID", field: "absence"),
            by: p,
            on: req.db
        )
        let names = try await req.staffNames(p)
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let mayDo = (try? await Absences.unexpected(absence.id!, by: p, toChange: true, on: req.db)) != nil
        let csrf = CSRF.token(for: req)
        return try PageLayout.response(req, "Unexpected absence") { h in
            h.raw("<a href=\"/phones/absences\" class=\"back-link\">Leave and absence</a>\n")
            if req.queryText("recorded") == "1" {
                AdminParts.notice(
                    "The absence is recorded: calls go to the team's hunt group. Work through the checklist.",
                    &h
                )
            }
            h.raw("<h1 class=\"heading-l\">")
            h.text(names[absence.staffID] ?? "")
            h.raw(": unexpected absence</h1>\n<p class=\"body\">From ")
            h.text(WallClockText.dateTime(absence.startsAt, zone: zone))
            h.raw(
                ". LIN-13 asks the line manager to make sure of each of these.</p>\n<ul class=\"task-list\" id=\"checklist\">\n"
            )
            for (step, done) in steps {
                h.raw("<li>")
                h.raw(
                    done == nil
                        ? "<strong class=\"tag tag-grey task-status\">To do</strong>"
                        : "<strong class=\"tag tag-green task-status\">Done</strong>"
                )
                h.text(step.action)
                h.raw(" <span class=\"hint\">(")
                h.text(step.id)
                h.raw(")</span>")
                if let done {
                    h.raw("<br><span class=\"hint\">By ")
                    h.text(names[done.doneByID] ?? "")
                    if let at = done.doneAt {
                        h.raw(", ")
                        h.text(WallClockText.dateTime(at, zone: zone))
                    }
                    if let note = done.note {
                        h.raw(": ")
                        h.text(note)
                    }
                    h.raw("</span>")
                } else if mayDo {
                    h.raw("<form method=\"post\" action=\"/phones/absences/")
                    h.text(absence.id!.uuidString)
                    h.raw("/steps/")
                    h.text(step.id)
                    h.raw("\">\n")
                    AdminParts.csrf(csrf, &h)
                    h.raw("<label class=\"label\" for=\"note-")
                    h.text(step.id)
                    h.raw("\">Note (optional)</label><input class=\"input\" id=\"note-")
                    h.text(step.id)
                    h.raw(
                        "\" name=\"note\" type=\"text\"> <button type=\"submit\" class=\"button button-secondary\">Mark "
                    )
                    h.text(step.id)
                    h.raw(" done</button>\n</form>")
                }
                h.raw("</li>\n")
            }
            h.raw("</ul>\n")
        }
    }

    func completeStep(req: Request) async throws -> Response {
        let p = try await req.principal()
        let id = try req.id("absenceID", field: "absence")
        _ = try await Absences.completeStep(
            req.parameters.get("step") ?? "",
            of: id,
            note: try? req.content.get(String.self, at: "note"),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: "/phones/absences/\(id.uuidString)")
    }

    // MARK: The voicemail greeting

    func greeting(req: Request) async throws -> Response {
        try await renderGreeting(req, text: nil)
    }

    func checkGreeting(req: Request) async throws -> Response {
        let text = (try? req.content.get(String.self, at: "greeting")) ?? ""
        return try await renderGreeting(req, text: text)
    }

    private func renderGreeting(_ req: Request, text: String?) async throws -> Response {
        let p = try await req.principal()
        // Someone with no team has no alternative number to give: said, not an error page.
        var facts: Voicemail.Facts?
        var suggested: String?
        var missing: String?
        do {
            facts = try await Greetings.facts(of: p.staffID, by: p, on: req.db)
            suggested = try Voicemail.greeting(facts!)
        } catch let e as SafeCommsCore.ValidationError {
            missing = e.reason
        } catch let e as ValidationErrors {
            missing = e.description
        }
        var errors: [PageController.FieldError] = []
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let trimmed, trimmed.isEmpty || trimmed.count > 5_000 {
            errors.append(.init(field: "greeting", message: "Enter your greeting's words, at most 5,000 characters"))
        }
        let problems = errors.isEmpty ? trimmed.flatMap { t in facts.map { Voicemail.problems(in: t, $0) } } : nil
        let csrf = CSRF.token(for: req)
        return try PageLayout.response(req, "Voicemail greeting", status: errors.isEmpty ? .ok : .unprocessableEntity) {
            h in
            if !errors.isEmpty { PageErrors.summary(errors, &h) }
            h.raw(
                "<a href=\"/phones\" class=\"back-link\">Phones</a>\n<h1 class=\"heading-l\">Your voicemail greeting</h1>\n"
            )
            if let problems {
                if problems.isEmpty {
                    h.raw(
                        "<div class=\"notification-success\" role=\"status\" id=\"greeting-result\"><p>Your greeting says what the policies ask.</p></div>\n"
                    )
                } else {
                    h.raw(
                        "<div class=\"check-panel check-warn\" role=\"status\" id=\"greeting-result\"><h2 class=\"heading-s\">Change your greeting</h2>\n<ul class=\"check-findings\">\n"
                    )
                    for pr in problems {
                        h.raw("<li>")
                        h.text(pr.message)
                        h.raw(" <span class=\"hint\">(")
                        h.text(pr.clause)
                        h.raw(")</span></li>\n")
                    }
                    h.raw("</ul></div>\n")
                }
            }
            if let suggested {
                h.raw(
                    "<h2 class=\"heading-m\">A greeting that meets the policies</h2>\n<div class=\"inset-text\" id=\"suggested-greeting\">"
                )
                h.text(suggested)
                h.raw("</div>\n")
            } else if let missing {
                h.raw("<div class=\"warning-text\">No greeting can be suggested yet: ")
                h.text(missing)
                h.raw("</div>\n")
            }
            h.raw(
                "<h2 class=\"heading-m\">Check your own</h2>\n<form method=\"post\" action=\"/phones/greeting\" novalidate>\n"
            )
            AdminParts.csrf(csrf, &h)
            FormGroup.write(
                id: "greeting",
                label: "Your greeting's words",
                hint: "It must give an alternative number that is covered in office hours (LIN-5)",
                errors: errors,
                &h
            ) { h in
                h.raw("<textarea class=\"textarea\" id=\"greeting\" name=\"greeting\" rows=\"5\">")
                h.text(text ?? "")
                h.raw("</textarea>\n")
            }
            h.raw("<button type=\"submit\" class=\"button\">Check it</button>\n</form>\n")
        }
    }

    // MARK: Logging a voicemail

    struct VoicemailForm: Content {
        var staffID = ""
        var receivedAt = ""
        var callerName = ""
        var callerNumber = ""
        var summary = ""

        enum CodingKeys: String, CodingKey {
            case summary
            case staffID = "staff_id", receivedAt = "received_at", callerName = "caller_name"
            case callerNumber = "caller_number"
        }

        init(
            staffID: String = "",
            receivedAt: String = "",
            callerName: String = "",
            callerNumber: String = "",
            summary: String = ""
        ) {
            (self.staffID, self.receivedAt, self.callerName, self.callerNumber, self.summary) =
                (staffID, receivedAt, callerName, callerNumber, summary)
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ k: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: k) ?? "" }
            self.init(
                staffID: try text(.staffID),
                receivedAt: try text(.receivedAt),
                callerName: try text(.callerName),
                callerNumber: try text(.callerNumber),
                summary: try text(.summary)
            )
        }
    }

    func voicemailForm(req: Request) async throws -> Response {
        let p = try await req.principal()
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        return try await renderVoicemail(
            req,
            p,
            VoicemailForm(staffID: p.staffID.uuidString, receivedAt: PageController.localInput(Date(), zone)),
            errors: [],
            status: .ok
        )
    }

    private func renderVoicemail(
        _ req: Request,
        _ p: Principal,
        _ form: VoicemailForm,
        errors: [PageController.FieldError],
        status: HTTPStatus
    ) async throws -> Response {
        let (phones, _) = try await people(p, req)
        let csrf = CSRF.token(for: req)
        return try PageLayout.response(req, "Log a voicemail", status: status) { h in
            if !errors.isEmpty { PageErrors.summary(errors, &h) }
            h.raw("<a href=\"/phones\" class=\"back-link\">Phones</a>\n<h1 class=\"heading-l\">Log a voicemail</h1>\n")
            h.raw(
                "<p class=\"body\">A voicemail is followed up within the organisation's pick-up time (COV-7, LIN-5); "
            )
            h.raw("logging it puts it on the follow-ups with its deadline.</p>\n")
            h.raw("<form method=\"post\" action=\"/phones/voicemail\" novalidate>\n")
            AdminParts.csrf(csrf, &h)
            FormGroup.write(id: "staff_id", label: "Whose voicemail", errors: errors, &h) {
                AdminParts.select(
                    "staff_id",
                    none: "Choose someone",
                    phones.map { ($0.id!.uuidString, $0.id == p.staffID ? "\($0.name) (you)" : $0.name) },
                    chosen: form.staffID,
                    &$0
                )
            }
            FormGroup.write(id: "received_at", label: "When the message was left", errors: errors, &h) {
                AdminParts.input(
                    "received_at",
                    form.receivedAt,
                    type: "datetime-local",
                    width: "input input-medium",
                    &$0
                )
            }
            FormGroup.write(id: "caller_name", label: "Caller's name", errors: errors, &h) {
                AdminParts.input("caller_name", form.callerName, &$0)
            }
            FormGroup.write(id: "caller_number", label: "Caller's number", errors: errors, &h) {
                AdminParts.input("caller_number", form.callerNumber, type: "tel", width: "input input-medium", &$0)
            }
            FormGroup.write(id: "summary", label: "What the message says", errors: errors, &h) { h in
                h.raw("<textarea class=\"textarea\" id=\"summary\" name=\"summary\" rows=\"3\">")
                h.text(form.summary)
                h.raw("</textarea>\n")
            }
            h.raw("<button type=\"submit\" class=\"button\">Log the voicemail</button>\n</form>\n")
        }
    }

    func logVoicemail(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(VoicemailForm.self)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        var errors: [PageController.FieldError] = []
        guard let staffID = UUID(uuidString: form.staffID) else {
            errors.append(.init(field: "staff_id", message: "Choose whose voicemail it is"))
            return try await renderVoicemail(req, p, form, errors: errors, status: .unprocessableEntity)
        }
        let worker = try await PhoneFollowUps.staffMember(staffID, of: p, on: req.db)
        guard AccessPolicy.canManagePhones(p, of: try worker.allocation) else {
            throw Abort(.forbidden, reason: "Only they, their managers or business support log their voicemail.")
        }
        let received = PageController.parseLocalInput(form.receivedAt, settings.timeZone)
        do {
            let opened = try FollowUp.voicemail(
                receivedAt: received.map { ISO8601DateFormatter().string(from: $0) } ?? form.receivedAt,
                callerName: form.callerName.isEmpty ? nil : form.callerName,
                callerNumber: form.callerNumber.isEmpty ? nil : form.callerNumber,
                summary: form.summary.isEmpty ? nil : form.summary,
                now: Date(),
                pickupHours: settings.voicemailPickupHours
            )
            _ = try await PhoneFollowUps.log(opened, for: worker, by: p, audit: try req.auditContext(), on: req.db)
            return req.redirect(to: "/phones?done=logged")
        } catch {
            guard let e = PageController.fieldErrors(error) else { throw error }
            return try await renderVoicemail(req, p, form, errors: e, status: .unprocessableEntity)
        }
    }
}
