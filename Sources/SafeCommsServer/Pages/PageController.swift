import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The plain pages: sign in, my cases, a case's chronology, record a contact. Handlers gather data and
/// render; the decisions are the same ones the API uses.
struct PageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginForm)
        routes.post("login", use: login)
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.post("logout", use: logout)
        signedIn.get("cases", use: cases)
        signedIn.get("cases", ":caseID", use: chronology)
        signedIn.get("cases", ":caseID", "record", use: recordForm)
        signedIn.post("cases", ":caseID", "record", use: record)
    }

    struct FieldError: Codable, Sendable {
        var field: String
        var message: String
    }

    struct LoginContext: Encodable {
        var title = "Sign in"
        var csrf: String
        var email: String
        var errors: [FieldError]
        /// After "sign out everywhere": said on the page it leads to.
        var signedOutEverywhere = false
        /// What the council's identity provider is called, when it has one: "Sign in with …".
        var provider: String?
    }

    func loginForm(req: Request) async throws -> Response {
        let response = try await req.view.render(
            "login",
            LoginContext(
                csrf: CSRF.token(for: req),
                email: "",
                errors: [],
                signedOutEverywhere: req.queryText("signed_out") == "everywhere",
                provider: req.application.oidcProvider?.settings.name
            )
        ).encodeResponse(for: req)
        CSRF.attachCookie(to: response, for: req)
        return response
    }

    struct LoginForm: Content {
        var email: String
        var password: String
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let staff: StaffMember
        do {
            staff = try await SignIn.attempt(email: form.email, password: form.password, on: req)
        } catch let failure as SignIn.Failure {
            return try await loginFailed(req, form, failure)
        }
        // Someone who has an authenticator gives its code next, and someone who must have one and has
        // not sets it up now (`SecondFactorPageController`).
        if let next = try await SignIn.secondFactorStep(for: staff, on: req) {
            try await SignIn.awaitSecondFactor(staff, on: req)
            return req.redirect(to: next, redirectType: .normal)
        }
        try await SignIn.recordSignedIn(staff, route: "password", on: req)
        return req.redirect(to: try await SignIn.finish(staff, on: req), redirectType: .normal)
    }

    private func loginFailed(_ req: Request, _ form: LoginForm, _ error: SignIn.Failure) async throws -> Response {
        let (status, message): (HTTPResponseStatus, String) =
            switch error {
            case .wrongCredentials: (.unauthorized, "Enter a correct e-mail address and password")
            case .throttled(let s): (.tooManyRequests, "Too many failed attempts. Try again in \(s / 60 + 1) minutes")
            case .providerRefused:
                (
                    .unauthorized,
                    "Your council's sign-in no longer accepts your account, so a SafeComms password cannot be used. "
                        + "Sign in with \(req.application.oidcProvider?.settings.name ?? "your council account"), or ask your administrator"
                )
            }
        let view = try await req.view.render(
            "login",
            LoginContext(
                csrf: CSRF.token(for: req),
                email: form.email,
                errors: [.init(field: "email", message: message)],
                provider: req.application.oidcProvider?.settings.name
            )
        )
        let response = try await view.encodeResponse(status: status, for: req)
        CSRF.attachCookie(to: response, for: req)
        if case .throttled(let s) = error { response.headers.replaceOrAdd(name: .retryAfter, value: String(s)) }
        return response
    }

    func logout(req: Request) async throws -> Response {
        req.auth.logout(StaffMember.self)
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    /// `/cases`: search by reference or name, narrow by status, team and key worker, a page at a time.
    func cases(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = CaseListView.Form(
            text: req.queryText("q") ?? "",
            status: req.queryText("status") ?? "",
            team: req.queryText("team") ?? "",
            keyWorker: req.queryText("key_worker") ?? ""
        )
        var errors: [FieldError] = []
        var query = CaseSearch.Query(
            text: form.text,
            page: ((try? req.wholeNumber(query: "page", max: 100_000)) ?? nil) ?? 1
        )
        if !form.status.isEmpty {
            query.status = CaseStatus(rawValue: form.status)
            if query.status == nil { errors.append(.init(field: "status", message: "Choose a status from the list")) }
        }
        if !form.team.isEmpty {
            query.teamID = UUID(uuidString: form.team)
            if query.teamID == nil { errors.append(.init(field: "team", message: "Choose a team from the list")) }
        }
        if !form.keyWorker.isEmpty {
            query.keyWorkerID = UUID(uuidString: form.keyWorker)
            if query.keyWorkerID == nil {
                errors.append(.init(field: "key_worker", message: "Choose a key worker from the list"))
            }
        }
        let result = try await CaseSearch.run(query, for: p, reader: req.application.sqliteReader, on: req.db)
        try await req.audit(
            AuditEntry(
                action: .casesListed,
                entity: "case",
                detail: "\(result.cases.count) of \(result.total) cases (web)"
            )
        )
        let view = CaseListView(
            form: form,
            errors: errors,
            result: result,
            teams: try await TeamListing.all(of: p.organisationID, reader: req.application.sqliteReader, on: req.db),
            staff: try await StaffListing.all(of: p.organisationID, reader: req.application.sqliteReader, on: req.db),
            canReconcile: AccessPolicy.can(p, .reconcile)
        )
        return PageLayout.page(title: "Cases", user: try req.staff().name, csrf: CSRF.token(for: req), body: view.write)
            .response(status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    func chronology(req: Request) async throws -> Response {
        let caseID = try CaseAccess.id(req)
        let p = try await req.principal()
        let page =
            ((try? req.wholeNumber(query: "page", max: CommunicationRepository.maxPage)) ?? nil) ?? 1
        let zone = try await organisationTimeZone(p, req)
        let (filters, filter, errors) = Self.chronologyFilters(req, zone)
        // The case and its page in one read (see `chronologyPage`).
        let (c, result) = try await CommunicationRepository.chronologyPage(
            caseID: caseID,
            for: p,
            filter: filter,
            page: page,
            per: 50,
            reader: req.application.sqliteReader,
            on: req.db
        )
        try await req.audit(
            AuditEntry(
                action: .chronologyRead,
                entity: "case",
                entityID: c.id?.uuidString,
                caseID: c.id,
                detail: "page \(result.page) (web)" + (filters.any ? " filtered" : "")
            )
        )
        let view = ChronologyView(
            reference: c.reference,
            displayName: c.displayName,
            status: Self.statusLabel(c.status),
            caseID: c.id!.uuidString,
            canWrite: AccessPolicy.canWrite(p, c.allocation),
            canRaise: !p.roles.isSubset(of: [.auditor]),
            recorded: req.queryText("recorded") == "1",
            flagged: (req.queryText("flagged") ?? "").split(separator: ",").map(String.init)
                .filter { req.application.policyLibrary.clause($0) != nil },
            sent: req.queryText("sent") == "1",
            page: result,
            zone: zone,
            filters: filters,
            errors: errors
        )
        return PageLayout.page(
            title: "Case \(c.reference)",
            user: try req.staff().name,
            csrf: CSRF.token(for: req),
            body: view.write
        ).response(status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The chronology's filters from the query string. One that cannot be read is named and left out;
    /// the rest still apply. A person not on the case simply matches nothing.
    static func chronologyFilters(
        _ req: Request,
        _ zone: TimeZone
    ) -> (
        ChronologyView.Filters, ChronologyFilter, [FieldError]
    ) {
        var form = ChronologyView.Filters(
            channel: req.queryText("channel") ?? "",
            person: req.queryText("person") ?? "",
            outOfHours: req.queryText("out_of_hours") == "1",
            significant: req.queryText("significant") == "1",
            from: req.queryText("from") ?? "",
            to: req.queryText("to") ?? ""
        )
        var filter = ChronologyFilter(
            outOfHours: form.outOfHours ? true : nil,
            significant: form.significant ? true : nil
        )
        var errors: [FieldError] = []
        if !form.channel.isEmpty {
            filter.channel = SafeCommsCore.Channel(rawValue: form.channel)
            if filter.channel == nil {
                errors.append(.init(field: "channel", message: "Choose how the contact happened from the list"))
            }
        }
        if !form.person.isEmpty {
            filter.personID = UUID(uuidString: form.person)
            if filter.personID == nil {
                errors.append(.init(field: "person", message: "Choose a person from the list"))
            }
        }
        func day(_ text: String, _ field: String) -> (start: Date, end: Date)? {
            guard !text.isEmpty else { return nil }
            guard let bounds = dayBounds(text, zone) else {
                errors.append(
                    .init(field: field, message: "Enter the \(field) date as a real date, such as 2026-11-02")
                )
                return nil
            }
            return bounds
        }
        filter.from = day(form.from, "from")?.start
        filter.to = day(form.to, "to")?.end
        if let f = filter.from, let t = filter.to, f >= t {
            errors.append(.init(field: "to", message: "The to date must be the same as or after the from date"))
            filter.to = nil
        }
        if errors.contains(where: { $0.field == "channel" }) { form.channel = "" }
        return (form, filter, errors)
    }

    struct Option: Codable, Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct RecordContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var caseID: String
        var reference: String
        var channels: [Option]
        var directions: [Option]
        var occurredAt: String
        var counterpartName: String
        var transcript: String
        var summary: String
        var duration: String
        var significant: Bool
        var errors: [FieldError]
    }

    func recordForm(req: Request) async throws -> View {
        let (c, p) = try await CaseAccess.load(req, .write)
        let tz = try await organisationTimeZone(p, req)
        return try await renderRecord(
            req,
            c,
            // Come from the compose page: what was sent, to whom, filled in.
            RecordForm(
                channel: req.queryText("channel").flatMap { SafeCommsCore.Channel(rawValue: $0)?.rawValue }
                    ?? "phone_call",
                direction: "outgoing",
                occurredAt: Self.localInput(Date(), tz),
                counterpartName: req.queryText("counterpart_name"),
                transcript: req.queryText("transcript"),
                summary: req.queryText("summary")
            ),
            errors: []
        )
    }

    struct RecordForm: Content {
        var channel: String
        var direction: String
        var occurredAt: String
        var counterpartName: String?
        var transcript: String?
        var summary: String?
        var durationMinutes: String?
        var significant: String?

        enum CodingKeys: String, CodingKey {
            case channel, direction, transcript, summary, significant
            case occurredAt = "occurred_at"
            case counterpartName = "counterpart_name"
            case durationMinutes = "duration_minutes"
        }
    }

    func record(req: Request) async throws -> Response {
        let (c, p) = try await CaseAccess.load(req, .write)
        let form = try req.content.decode(RecordForm.self)
        let tz = try await organisationTimeZone(p, req)
        var errors: [FieldError] = []
        var minutes: Int?
        if let m = form.durationMinutes?.trimmingCharacters(in: .whitespaces), !m.isEmpty {
            if let n = Int(m), (0...1440).contains(n) {
                minutes = n
            } else {
                errors.append(
                    .init(
                        field: "duration_minutes",
                        message: "Duration must be a whole number of minutes, at most 1440"
                    )
                )
            }
        }
        guard let occurred = Self.parseLocalInput(form.occurredAt, tz) else {
            errors.append(.init(field: "occurred_at", message: "Enter when the contact happened, as a date and time"))
            return try await renderRecord(req, c, form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
        let input = CommunicationInput(
            channel: form.channel,
            direction: form.direction,
            occurredAt: occurred,
            durationSeconds: minutes.map { $0 * 60 },
            counterpartName: form.counterpartName.flatMap { $0.isEmpty ? nil : $0 },
            counterpartRole: nil,
            counterpartAddress: nil,
            personId: nil,
            deviceId: nil,
            transcript: form.transcript.flatMap { $0.isEmpty ? nil : $0 },
            summary: form.summary.flatMap { $0.isEmpty ? nil : $0 },
            significant: form.significant == "on"
        )
        do {
            guard errors.isEmpty else { throw ValidationErrors([]) }
            let record = try await RecordContact.record(
                try input.draft(now: Date()),
                personID: nil,
                deviceID: nil,
                on: c,
                by: p,
                source: "web",
                library: req.application.policyLibrary,
                audit: try req.auditContext(),
                on: req.db
            )
            // What the check found in it is said at once: it is on the line manager's review queue.
            let flagged = try await req.db.scoped(to: p).query(ReviewItem.self)
                .filter(\.$communicationID == record.id).all().map(\.clause)
            return req.redirect(
                to: "/cases/\(c.id!.uuidString)?recorded=1"
                    + (flagged.isEmpty ? "" : "&flagged=\(flagged.joined(separator: ","))")
            )
        } catch let e as ValidationErrors {
            errors += e.errors.map { FieldError(field: $0.field, message: Self.sentence($0)) }
            return try await renderRecord(req, c, form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        } catch let e as ValidationError {
            errors.append(.init(field: e.field, message: Self.sentence(e)))
            return try await renderRecord(req, c, form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
    }

    private func renderRecord(
        _ req: Request,
        _ c: CaseFile,
        _ form: RecordForm,
        errors: [FieldError]
    ) async throws -> View {
        let channels = SafeCommsCore.Channel.allCases.map {
            Option(
                value: $0.rawValue,
                label: $0.rawValue.replacingOccurrences(of: "_", with: " "),
                selected: $0.rawValue == form.channel
            )
        }
        let directions = Direction.allCases.map {
            Option(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == form.direction)
        }
        return try await req.view.render(
            "record",
            RecordContext(
                title: "Record a contact",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                caseID: c.id!.uuidString,
                reference: c.reference,
                channels: channels,
                directions: directions,
                occurredAt: form.occurredAt,
                counterpartName: form.counterpartName ?? "",
                transcript: form.transcript ?? "",
                summary: form.summary ?? "",
                duration: form.durationMinutes ?? "",
                significant: form.significant == "on",
                errors: errors
            )
        )
    }

    private func organisationTimeZone(_ p: Principal, _ req: Request) async throws -> TimeZone {
        try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
    }

    static func statusLabel(_ status: CaseStatus) -> String {
        switch status {
        case .lookedAfter: "Looked after"
        case .childProtection: "Child protection plan"
        case .childInNeed: "Child in need"
        case .earlyHelp: "Early help"
        case .closed: "Closed"
        case .other: "Other"
        }
    }

    /// The local day written `2026-11-02` (as `<input type="date">` sends it): its first instant and the
    /// next day's, in the organisation's zone (a day of 23 or 25 hours when the clocks change).
    static func dayBounds(_ text: String, _ zone: TimeZone) -> (start: Date, end: Date)? {
        guard let d = BankHolidays.Day(parsing: text) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day)),
            let end = calendar.date(byAdding: .day, value: 1, to: start)
        else { return nil }
        return (start, end)
    }

    static func sentence(_ e: ValidationError) -> String {
        let name = e.field.replacingOccurrences(of: "_", with: " ")
        return name.prefix(1).uppercased() + name.dropFirst() + " " + e.reason
    }

    static func display(_ date: Date, _ tz: TimeZone) -> String { WallClockText.dateTime(date, zone: tz) }

    /// `2026-03-02T14:30` as an `<input type="datetime-local">` shows it, in the organisation's zone.
    static func localInput(_ date: Date, _ tz: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    static func parseLocalInput(_ text: String, _ tz: TimeZone) -> Date? {
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 5, (1...12).contains(parts[1]), (1...31).contains(parts[2]), (0...23).contains(parts[3]),
            (0...59).contains(parts[4])
        else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        let comps = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4])
        guard let d = calendar.date(from: comps), calendar.component(.day, from: d) == parts[2] else { return nil }
        return d
    }
}
