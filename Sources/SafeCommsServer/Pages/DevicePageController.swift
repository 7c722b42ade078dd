import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/devices`: the work device register as pages (WNL-7.1–WNL-7.3). The DSL and auditors see every
/// device's recorded use, out-of-hours use and personal use; everyone sees the devices they hold. A
/// device's page shows its holders over time, who else may use it and personal use, with the forms
/// for those who keep it.
struct DevicePageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        signedIn.get("devices", use: list)
        signedIn.get("devices", "new", use: newDevice)
        signedIn.post("devices", use: addDevice)
        signedIn.get("devices", ":deviceID", use: show)
        signedIn.post("devices", ":deviceID", "hand-over", use: handOver)
        signedIn.post("devices", ":deviceID", "authorisations", use: authorise)
        signedIn.post("devices", ":deviceID", "authorisations", ":authorisationID", "revoke", use: revoke)
        signedIn.post("devices", ":deviceID", "personal-use", use: personalUse)
    }

    typealias Option = PageController.Option
    typealias FieldError = PageController.FieldError

    struct DeviceRow: Encodable {
        var id: String
        var address: String
        var kind: String
        var holder: String
        var whatsapp: Bool
        var recorded: Int
        var outOfHours: Int
        var personalUse: Int
        var authorised: Int
    }

    struct ListContext: Encodable {
        var title = "Work devices"
        var csrf: String
        var user: String
        var monitors: Bool
        var days: Int
        var rows: [DeviceRow]
        /// Administrators and business support keep the directory: they may add a device.
        var canAdd = false
    }

    private static let kindLabels: [DeviceKind: String] = [
        .workMobile: "Work mobile", .personalMobile: "Personal mobile", .deskPhone: "Desk phone",
        .landline: "Landline", .workEmail: "Work e-mail", .personalEmail: "Personal e-mail",
    ]

    func list(req: Request) async throws -> View {
        let p = try await req.principal()
        let names = try await req.staffNames(p)
        let monitors = p.roles.contains(.dsl) || p.roles.contains(.auditor)
        let days = ((try? req.wholeNumber(query: "days", max: 366)) ?? nil) ?? 30
        var rows: [DeviceRow] = []
        if monitors {
            let uses = try await WorkDevices.monitoring(
                for: p,
                since: Date().addingTimeInterval(-Double(days) * 86_400),
                on: req.db
            )
            try await req.audit(
                AuditEntry(action: .devicesMonitored, entity: "device", detail: "WNL-7.2 \(days) days (web)")
            )
            rows = uses.map {
                DeviceRow(
                    id: $0.device.id!.uuidString,
                    address: $0.device.address,
                    kind: Self.kindLabels[$0.device.kind] ?? $0.device.kind.rawValue,
                    holder: $0.device.holderID.flatMap { names[$0] } ?? "Nobody",
                    whatsapp: $0.device.whatsappEnabled,
                    recorded: $0.recorded,
                    outOfHours: $0.outOfHours,
                    personalUse: $0.personalUse.count,
                    authorised: $0.authorised.count
                )
            }
        } else {
            rows = try await req.db.scoped(to: p).query(Device.self).filter(\.$holderID == p.staffID).sort(\.$address)
                .all().map {
                    DeviceRow(
                        id: $0.id!.uuidString,
                        address: $0.address,
                        kind: Self.kindLabels[$0.kind] ?? $0.kind.rawValue,
                        holder: names[p.staffID] ?? "",
                        whatsapp: $0.whatsappEnabled,
                        recorded: 0,
                        outOfHours: 0,
                        personalUse: 0,
                        authorised: 0
                    )
                }
        }
        return try await req.view.render(
            "devices",
            ListContext(
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                monitors: monitors,
                days: days,
                rows: rows,
                canAdd: AccessPolicy.can(p, .manageDirectory)
            )
        )
    }

    struct HoldingRow: Encodable {
        var from: String
        var holder: String
        var by: String
    }

    struct AuthorisationRow: Encodable {
        var id: String
        var who: String
        var since: String
        var revoked: String?
    }

    struct UseRow: Encodable {
        var at: String
        var who: String
        var why: String
        var agreed: String
    }

    struct Form: Content {
        var holderId: String?
        var staffId: String?
        var reason: String?
        var emergency: String?
        var agreedById: String?

        enum CodingKeys: String, CodingKey {
            case reason, emergency
            case holderId = "holder_id", staffId = "staff_id", agreedById = "agreed_by_id"
        }
    }

    struct DeviceContext: Encodable {
        var title: String
        var csrf: String
        var user: String
        var id: String
        var address: String
        var kind: String
        var holder: String
        var whatsapp: Bool
        var done: String?
        var errors: [FieldError]
        var keeps: Bool
        var mayUse: Bool
        var holdings: [HoldingRow]
        var authorisations: [AuthorisationRow]
        var uses: [UseRow]
        var staff: [Option]
        var managers: [Option]
        var form: Form
    }

    func show(req: Request) async throws -> View {
        let view = try await render(req, form: Form(), errors: [])
        try await req.audit(
            AuditEntry(
                action: .devicesMonitored,
                entity: "device",
                entityID: try req.id("deviceID", field: "device_id").uuidString,
                detail: "(web)"
            )
        )
        return view
    }

    private func render(_ req: Request, form: Form, errors: [FieldError]) async throws -> View {
        let p = try await req.principal()
        let h = try await WorkDevices.history(try req.id("deviceID", field: "device_id"), for: p, on: req.db)
        let names = try await req.staffNames(p)
        let zone = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db).timeZone
        let staff = try await req.db.scoped(to: p).query(StaffMember.self).filter(\.$active == true).all()
            .sorted { $0.name < $1.name }
        let keeps = AccessPolicy.can(p, .manageDirectory) || p.roles.contains(.dsl)
        let mayUse = try await WorkDevices.mayUse(h.device, p.staffID, on: req.db)
        return try await req.view.render(
            "device",
            DeviceContext(
                title: "Work device \(h.device.address)",
                csrf: CSRF.token(for: req),
                user: try req.staff().name,
                id: h.device.id!.uuidString,
                address: h.device.address,
                kind: Self.kindLabels[h.device.kind] ?? h.device.kind.rawValue,
                holder: h.device.holderID.flatMap { names[$0] } ?? "Nobody",
                whatsapp: h.device.whatsappEnabled,
                done: req.queryText("done"),
                errors: errors,
                keeps: keeps,
                mayUse: mayUse,
                holdings: h.holdings.map {
                    HoldingRow(
                        from: WallClockText.dateTime($0.fromAt, zone: zone),
                        holder: $0.holderID.flatMap { names[$0] } ?? "Nobody (handed back)",
                        by: names[$0.handedOverByID] ?? ""
                    )
                },
                authorisations: h.authorisations.map {
                    AuthorisationRow(
                        id: $0.id!.uuidString,
                        who: names[$0.staffID] ?? "",
                        since: WallClockText.dateTime($0.authorisedAt, zone: zone),
                        revoked: $0.revokedAt.map { WallClockText.dateTime($0, zone: zone) }
                    )
                },
                uses: h.personalUse.map {
                    UseRow(
                        at: WallClockText.dateTime($0.at, zone: zone),
                        who: names[$0.staffID] ?? "",
                        why: $0.reason,
                        agreed: $0.emergency ? "An emergency" : "Agreed by \($0.agreedByID.flatMap { names[$0] } ?? "")"
                    )
                },
                staff: [Option(value: "", label: "Nobody (handed back)", selected: false)]
                    + staff.map {
                        Option(value: $0.id!.uuidString, label: $0.name, selected: form.holderId == $0.id!.uuidString)
                    },
                managers: [
                    Option(value: "", label: "Nobody: it was an emergency", selected: (form.agreedById ?? "").isEmpty)
                ]
                    + staff.filter { !$0.roles.isDisjoint(with: [.manager, .dsl]) && $0.id != p.staffID }.map {
                        Option(value: $0.id!.uuidString, label: $0.name, selected: form.agreedById == $0.id!.uuidString)
                    },
                form: form
            )
        )
    }

    /// The form to add a device, for those who keep the directory.
    func newDevice(req: Request) async throws -> Response {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .manageDirectory) else { throw Self.notKeeper }
        return try await newDevicePage(req, p, DeviceNewView.Form(), errors: [], status: .ok)
    }

    /// The device added (`Directory.addDevice`), then its page; a problem is named on the form.
    func addDevice(req: Request) async throws -> Response {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .manageDirectory) else { throw Self.notKeeper }
        let form = try req.content.decode(DeviceNewView.Form.self)
        var errors: [FieldError] = []
        let holder = form.holderID.isEmpty ? nil : UUID(uuidString: form.holderID)
        if !form.holderID.isEmpty, holder == nil {
            errors.append(FieldError(field: "holder_id", message: "Choose who holds it from the list"))
        }
        if errors.isEmpty {
            do {
                let d = try await Directory.addDevice(
                    kind: form.kind,
                    address: form.address,
                    holderID: holder,
                    callerIDWithheld: form.callerIDWithheld,
                    voicemailEnabled: form.voicemail,
                    whatsappEnabled: form.whatsapp,
                    onOutOfHours: form.onOutOfHours ? true : nil,
                    for: p,
                    audit: try req.auditContext(),
                    on: req.db
                )
                return req.redirect(to: "/devices/\(d.id!.uuidString)?done=added", redirectType: .normal)
            } catch {
                guard let found = PageController.fieldErrors(error) else { throw error }
                errors = found
            }
        }
        return try await newDevicePage(req, p, form, errors: errors, status: .unprocessableEntity)
    }

    private func newDevicePage(
        _ req: Request,
        _ p: Principal,
        _ form: DeviceNewView.Form,
        errors: [FieldError],
        status: HTTPResponseStatus
    ) async throws -> Response {
        let view = DeviceNewView(
            form: form,
            errors: errors,
            staff: try await StaffListing.all(of: p.organisationID, reader: req.application.sqliteReader, on: req.db),
            csrf: CSRF.token(for: req)
        )
        return PageLayout.page(
            title: "Add a work device",
            user: try req.staff().name,
            csrf: view.csrf,
            body: view.write
        )
        .response(status: status)
    }

    static let notKeeper = Abort(.forbidden, reason: "devices are added by administrators and business support")

    private func fail(_ req: Request, _ form: Form, _ error: any Error) async throws -> Response {
        guard let errors = PageController.fieldErrors(error) else { throw error }
        return try await render(req, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
    }

    private func back(_ req: Request, _ done: String) throws -> Response {
        req.redirect(to: "/devices/\(try req.id("deviceID", field: "device_id").uuidString)?done=\(done)")
    }

    func handOver(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(Form.self)
        do {
            _ = try await WorkDevices.handOver(
                try req.id("deviceID", field: "device_id"),
                to: form.holderId.flatMap(UUID.init(uuidString:)),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return try back(req, "handed")
        } catch { return try await fail(req, form, error) }
    }

    func authorise(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(Form.self)
        do {
            guard let staff = form.staffId.flatMap(UUID.init(uuidString:)) else {
                throw ValidationError(field: "staff_id", reason: "is required: choose who may use it")
            }
            _ = try await WorkDevices.authorise(
                try req.id("deviceID", field: "device_id"),
                staff: staff,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return try back(req, "authorised")
        } catch { return try await fail(req, form, error) }
    }

    func revoke(req: Request) async throws -> Response {
        let p = try await req.principal()
        _ = try await WorkDevices.revoke(
            try req.id("authorisationID", field: "authorisation_id"),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try back(req, "revoked")
    }

    func personalUse(req: Request) async throws -> Response {
        let p = try await req.principal()
        let form = try req.content.decode(Form.self)
        do {
            _ = try await WorkDevices.recordPersonalUse(
                try req.id("deviceID", field: "device_id"),
                reason: form.reason ?? "",
                emergency: form.emergency == "yes",
                agreedBy: form.agreedById.flatMap(UUID.init(uuidString:)),
                at: Date(),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
            return try back(req, "recorded")
        } catch { return try await fail(req, form, error) }
    }
}
