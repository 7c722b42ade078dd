import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The plain phones pages: where calls to me go now, my desk and divert, the messages and
/// follow-ups I must answer, overdue ones for managers, and taking a message for a colleague. The
/// handlers call the same functions as the API, so the rules and the audit are the same.
struct PhonePageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        routes.get("phones", use: phones)
        routes.post("phones", "status", use: setStatus)
        routes.post("phones", "messages", ":messageID", "response", use: respond)
        routes.post("phones", "follow-ups", ":followUpID", "close", use: close)
        routes.get("phones", "message", use: messageForm)
        routes.post("phones", "message", use: takeMessage)
    }

    typealias FieldError = PageController.FieldError
    typealias Option = PageController.Option

    struct MessageRow: Encodable {
        var id: String, officer: String, takenAt: String, caller: String, from: String, number: String, reason: String,
            callBackBy: String
        var overdue: Bool
    }

    struct FollowUpRow: Encodable {
        var id: String, worker: String, kind: String, clauses: String, occurredAt: String, caller: String,
            summary: String, due: String
        var overdue: Bool
    }

    struct PhonesContext: Encodable {
        var title = "Phones"
        var csrf: String
        var user: String
        var routeSummary: String
        var routeReason: String
        var routeClauses: String
        var deskNumber: String
        var loggedIn: Bool
        var paired: Bool
        var diverts: [Option]
        var messages: [MessageRow]
        var followUps: [FollowUpRow]
        var managesOthers: Bool
        var overdueMessages: [MessageRow]
        var overdueFollowUps: [FollowUpRow]
        var canTakeMessages: Bool
        var done: String?
        var errors: [FieldError]
    }

    func phones(req: Request) async throws -> View {
        try await render(req, errors: [])
    }

    private func render(_ req: Request, errors: [FieldError]) async throws -> View {
        let p = try await req.principal()
        let me = try req.staff()
        let now = Date()
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let tz = settings.timeZone
        let directory = try await PhoneDirectoryLoader.load(
            organisationID: p.organisationID,
            settings: settings,
            at: now,
            on: req.db
        )
        let route = CallRouter(directory: directory, settings: settings).route(
            forWorker: p.staffID,
            team: me.teamID,
            at: now
        )
        let status = try await req.db.scoped(to: p).find(PhoneStatus.self, p.staffID)
        let names = try await req.db.scoped(to: p.organisationID).query(StaffMember.self).all()
            .reduce(into: [UUID: String]()) { $0[$1.id!] = $1.name }
        let hunts = try await req.db.scoped(to: p.organisationID).query(Team.self).sort(\.$name).all()
            .compactMap { t in t.huntGroupNumber.map { (t.name, (try? PhoneNumber(parsing: $0, field: "").e164) ?? $0) }
            }
        let diverts =
            [Option(value: "", label: "No divert", selected: status?.divertTo == nil)]
            + hunts.map {
                Option(value: $0.1, label: "\($0.0) hunt group (\($0.1))", selected: status?.divertTo == $0.1)
            }

        func row(_ m: MessageSlipRecord) -> MessageRow {
            MessageRow(
                id: m.id!.uuidString,
                officer: names[m.forStaffID] ?? "",
                takenAt: PageController.display(m.takenAt, tz),
                caller: m.callerName,
                from: m.callerFrom,
                number: m.returnNumber,
                reason: m.reason,
                callBackBy: PageController.display(m.callBackBy, tz),
                overdue: now > m.callBackBy
            )
        }
        func row(_ f: FollowUpRecord) -> FollowUpRow {
            let kind = FollowUp.Kind(rawValue: f.kind)
            return FollowUpRow(
                id: f.id!.uuidString,
                worker: names[f.staffID] ?? "",
                kind: kind == .voicemail ? "Voicemail message" : "Out-of-hours call",
                clauses: kind?.clauses.joined(separator: ", ") ?? "",
                occurredAt: PageController.display(f.occurredAt, tz),
                caller: [f.callerName, f.callerNumber].compactMap { $0 }.joined(separator: ", "),
                summary: f.summary ?? "",
                due: PageController.display(f.dueAt, tz),
                overdue: now > f.dueAt
            )
        }
        let messages = try await req.db.scoped(to: p.organisationID).query(MessageSlipRecord.self)
            .filter(\.$forStaffID == p.staffID)
            .filter(\.$respondedAt == nil).sort(\.$callBackBy).all().map(row)
        let followUps = try await req.db.scoped(to: p.organisationID).query(FollowUpRecord.self).filter(
            \.$staffID == p.staffID
        )
        .filter(\.$closedAt == nil).sort(\.$dueAt).all().map(row)
        let managesOthers = AccessPolicy.overseesOthers(p)
        var overdueMessages: [MessageRow] = [], overdueFollowUps: [FollowUpRow] = []
        if managesOthers {
            overdueMessages = try await PhoneFollowUps.overdueMessages(for: p, now: now, on: req.db).map(row)
            overdueFollowUps = try await PhoneFollowUps.overdueFollowUps(for: p, now: now, on: req.db).map(row)
        }
        return try await req.view.render(
            "phones",
            PhonesContext(
                csrf: CSRF.token(for: req),
                user: me.name,
                routeSummary: Self.summary(route, names),
                routeReason: route.reason,
                routeClauses: route.clauses.joined(separator: ", "),
                deskNumber: status?.deskNumber ?? "",
                loggedIn: status?.deskLoggedIn ?? false,
                paired: status?.deskPairedToMobile ?? false,
                diverts: diverts,
                messages: messages,
                followUps: followUps,
                managesOthers: managesOthers,
                overdueMessages: overdueMessages,
                overdueFollowUps: overdueFollowUps,
                canTakeMessages: AccessPolicy.canTakeMessages(p),
                done: req.query[String.self, at: "done"].flatMap(Self.doneMessages.index(forKey:)).map {
                    Self.doneMessages[$0].value
                },
                errors: errors
            )
        )
    }

    static let doneMessages = [
        "status": "Your phone settings were saved.", "response": "Your response was recorded.",
        "closed": "The follow-up was closed.",
        "taken": "The message was taken and e-mailed to them as urgent.",
        "logged": "The voicemail was logged: it is on the follow-ups below with its deadline.",
    ]

    static func summary(_ r: RouteDecision, _ names: [UUID: String]) -> String {
        switch r.destination {
        case .worker: "Calls to you come to you, on \(r.number ?? "your desk")."
        case .divert: "Calls to you are diverted to \(r.number ?? "a hunt group")."
        case .huntGroup: "Calls to you go to your team's hunt group, \(r.number ?? "")."
        case .emergencyDutyTeam: "Out of office hours: calls go to the emergency duty team, \(r.number ?? "")."
        case .unroutable: "Calls to you cannot be routed now."
        }
    }

    /// Re-renders the page with the problems, or goes back to it with a confirmation.
    private func afterPost(_ req: Request, done: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            return req.redirect(to: "/phones?done=\(done)")
        } catch let e as ValidationErrors {
            return try await render(
                req,
                errors: e.errors.map { .init(field: $0.field, message: PageController.sentence($0)) }
            ).encodeResponse(status: .unprocessableEntity, for: req)
        } catch let e as ValidationError {
            return try await render(req, errors: [.init(field: e.field, message: PageController.sentence(e))])
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    struct StatusForm: Content {
        var deskNumber: String?
        var loggedIn: String?
        var paired: String?
        var divertTo: String?

        enum CodingKeys: String, CodingKey {
            case deskNumber = "desk_number", loggedIn = "desk_logged_in", paired = "desk_paired_to_mobile", divertTo =
                "divert_to"
        }
    }

    func setStatus(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(StatusForm.self)
        return try await afterPost(req, done: "status") {
            let desk = form.deskNumber?.trimmingCharacters(in: .whitespaces)
            let input = PhoneStatusInput(
                deskNumber: desk?.isEmpty == false ? desk : nil,
                deskLoggedIn: form.loggedIn == "on",
                deskPairedToMobile: form.paired == "on",
                divertTo: form.divertTo ?? ""
            )
            _ = try await PhoneStatusChange.set(
                of: try req.staff(),
                input.change,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        }
    }

    func respond(req: Request) async throws -> Response {
        let p = try await req.principal()
        let id = try req.id("messageID", field: "message_id")
        let text = (try? req.content.get(String.self, at: "response")) ?? ""
        return try await afterPost(req, done: "response") {
            _ = try await PhoneFollowUps.answer(
                message: id,
                response: text,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        }
    }

    func close(req: Request) async throws -> Response {
        let p = try await req.principal()
        let id = try req.id("followUpID", field: "follow_up_id")
        let input = try req.content.decode(FollowUpCloseInput.self)
        return try await afterPost(req, done: "closed") {
            let closure = try FollowUp.close(outcome: input.outcome, note: input.note, divertedTo: input.divertedTo)
            _ = try await PhoneFollowUps.close(followUp: id, closure, by: p, audit: try req.auditContext(), on: req.db)
        }
    }

    struct MessageContext: Encodable {
        var title = "Take a message"
        var csrf: String
        var user: String
        var colleagues: [Option]
        var form: MessageForm
        var errors: [FieldError]
    }

    struct MessageForm: Content {
        var officer = ""
        var takenAt = ""
        var callerName = ""
        var callerFrom = ""
        var returnNumber = ""
        var reason = ""
        var callBackBy = ""

        enum CodingKeys: String, CodingKey {
            case officer, reason
            case takenAt = "taken_at", callerName = "caller_name", callerFrom = "caller_from", returnNumber =
                "return_number", callBackBy = "call_back_by"
        }

        init(takenAt: String = "") { self.takenAt = takenAt }

        /// A field left out of the post is empty, so LIN-9 names it rather than the form failing whole.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func field(_ k: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: k) ?? "" }
            officer = try field(.officer)
            takenAt = try field(.takenAt)
            callerName = try field(.callerName)
            callerFrom = try field(.callerFrom)
            returnNumber = try field(.returnNumber)
            reason = try field(.reason)
            callBackBy = try field(.callBackBy)
        }
    }

    func messageForm(req: Request) async throws -> View {
        let p = try await req.principal()
        guard AccessPolicy.canTakeMessages(p) else { throw Abort(.forbidden, reason: "auditors change nothing") }
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let tz = settings.timeZone
        var form = MessageForm(takenAt: PageController.localInput(Date(), tz))
        // From a colleague's row in the directory: the message is for them.
        form.officer = req.queryText("for") ?? ""
        return try await renderMessage(req, form, errors: [])
    }

    private func renderMessage(_ req: Request, _ form: MessageForm, errors: [FieldError]) async throws -> View {
        let p = try await req.principal()
        let staff = try await req.db.scoped(to: p.organisationID).query(StaffMember.self).filter(
            \.$active == true
        ).sort(\.$name).all()
        let colleagues =
            [Option(value: "", label: "Choose who it is for", selected: form.officer.isEmpty)]
            + staff.filter { $0.id != p.staffID }.map {
                Option(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == form.officer)
            }
        return try await req.view.render(
            "message",
            MessageContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                colleagues: colleagues,
                form: form,
                errors: errors
            )
        )
    }

    func takeMessage(req: Request) async throws -> Response {
        let p = try await req.principal()
        guard AccessPolicy.canTakeMessages(p) else { throw Abort(.forbidden, reason: "auditors change nothing") }
        let form = try req.content.decode(MessageForm.self)
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let tz = settings.timeZone
        var errors: [FieldError] = []
        // The form's local date and time, as the API's ISO 8601; empty stays empty so LIN-9 names it.
        func instant(_ text: String, _ field: String, _ what: String) -> String? {
            let t = text.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { return nil }
            guard let d = PageController.parseLocalInput(t, tz) else {
                errors.append(.init(field: field, message: "Enter \(what) as a date and time"))
                return nil
            }
            return d.formatted(.iso8601)
        }
        let input = MessageSlipInput(
            takenAt: instant(form.takenAt, "taken_at", "when the call was taken"),
            callerName: form.callerName,
            callerFrom: form.callerFrom,
            returnNumber: form.returnNumber,
            reason: form.reason,
            callBackBy: instant(form.callBackBy, "call_back_by", "the call-back time promised")
        )
        let officer = try? await UUID(uuidString: form.officer).asyncMap {
            try await PhoneFollowUps.staffMember($0, of: p, on: req.db)
        }
        if officer == nil { errors.append(.init(field: "officer", message: "Choose who the message is for")) }
        // Checked here too so that every problem, the form's own and LIN-9's, shows at once.
        var slip: MessageSlip?
        do {
            slip = try input.slip(now: Date())
        } catch {
            // Fields already reported as unreadable dates are not reported twice.
            errors += error.errors.filter { e in !errors.contains { $0.field == e.field } }.map {
                .init(field: $0.field, message: PageController.sentence($0))
            }
        }
        guard errors.isEmpty, let officer = officer ?? nil, let slip else {
            return try await renderMessage(req, form, errors: errors).encodeResponse(
                status: .unprocessableEntity,
                for: req
            )
        }
        _ = try await PhoneFollowUps.takeMessage(
            slip,
            for: officer,
            by: p,
            link: req.application.safeCommsConfig.publicURL + "/phones",
            audit: try req.auditContext(),
            on: req.db
        )
        return req.redirect(to: "/phones?done=taken")
    }
}
