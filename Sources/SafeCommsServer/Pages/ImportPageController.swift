import Fluent
import Foundation
import SafeCommsCore
import SafeCommsImport
import SafeCommsStore
import Vapor

/// The plain pages for imports: importing a chat export, SMS backup or carrier's bill into a case, and
/// the unrecorded-contact report. They call the same code as the API and the command.
struct ImportPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(StaffMember.redirectMiddleware(path: "/login"))
        routes.get("cases", ":caseID", "import", use: importForm)
        // Streamed, and the form's token checked as the form is read (`ImportForm.read`), before its file.
        routes.on(.POST, "cases", ":caseID", "import", body: .stream, use: importFile)
            .userInfo[CSRFMiddleware.checkedByHandlerKey] = true
        routes.get("reconciliation", use: reconcileForm)
        routes.on(.POST, "reconciliation", body: .stream, use: reconcile)
            .userInfo[CSRFMiddleware.checkedByHandlerKey] = true
    }

    typealias FieldError = PageController.FieldError
    typealias Option = PageController.Option

    struct Participant: Codable, Sendable {
        var name: String
        var unmatched: Bool
    }

    struct ImportResult: Codable, Sendable {
        var heading: String
        var stopped: Bool
        var messages: Int
        var first: String?
        var last: String?
        var participants: [Participant]
        var unmatched: Int
        var problems: [CaseImport.Report.Problem]
        var imported: Int?
        var alreadyImported: Int?
        var leftOut: Int?
        var notSent: Int?
        var checkedOnly: Bool
    }

    struct ImportContext: Codable, Sendable {
        var title: String
        var csrf: String
        var user: String
        var caseID: String
        var reference: String
        var formats: [Option]
        var map: String
        var columns: String
        var dryRun: Bool
        var errors: [FieldError]
        var result: ImportResult?
    }

    static let formatLabels: [(ImportFormat, String)] = [
        (.whatsapp, "WhatsApp \"Export chat\" (.txt, or the .zip with media)"),
        (.smsBackup, "SMS Backup & Restore (.xml: messages or calls)"),
        (.email, "E-mail (.eml, or an .mbox of many)"),
        (.calls, "Carrier's itemised bill (.csv)"),
    ]

    func importForm(req: Request) async throws -> View {
        let (file, _) = try await CaseAccess.load(req, .write)
        return try await renderImport(
            req,
            file,
            form: ImportForm(format: ImportFormat.whatsapp.rawValue, dryRun: true),
            errors: [],
            result: nil
        )
    }

    /// The form checked at once (a problem with a field is answered on the form); the import then runs
    /// in the background and the browser is sent to its page (`/work/{id}`), which shows how far it has
    /// got and, when done, what it found.
    func importFile(req: Request) async throws -> Response {
        let (file, _) = try await CaseAccess.load(req, .write)
        let form = try await ImportForm.read(req, csrf: CSRF.expected(req) ?? "")
        let checked: UploadedImport.CheckedImport
        do {
            checked = try UploadedImport.check(form)
        } catch let e as ValidationErrors {
            return try await renderImport(req, file, form: form, errors: Self.fieldErrors(e.errors), result: nil)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let importer = try req.staff()
        let app = req.application
        // The page it ends on: the form as sent (a file cannot be kept in one), with what was found.
        let page = importContext(req, file, form: form, errors: [], result: nil)
        let id = try await PageWork.start(
            .caseImport,
            caseID: file.id,
            upload: checked.upload,
            by: try await req.principal(),
            app: app
        ) { bytesRead in
            var page = page
            do {
                let report = try await UploadedImport.run(
                    checked,
                    case: file,
                    importer: importer,
                    key: app.auditKey,
                    witness: app.auditWitness,
                    library: app.policyLibrary,
                    bytesRead: bytesRead,
                    on: app.db
                )
                page.result = Self.result(of: report)
                return WorkOutcome(ok: report.isClean, page: page)
            } catch let e as ValidationErrors {
                page.errors = Self.fieldErrors(e.errors)
            } catch let e as ValidationError {
                page.errors = Self.fieldErrors([e])
            }
            return WorkOutcome(ok: false, page: page)
        }
        return req.redirect(to: "/work/\(id.uuidString)", redirectType: .normal)
    }

    /// An import's report as its page shows it.
    static func result(of report: CaseImport.Report) -> ImportResult {
        let unmatched = Set(report.unmatched)
        let heading =
            if let n = report.imported {
                "Imported \(n)"
                    + ((report.alreadyImported ?? 0) > 0 ? " (\(report.alreadyImported!) were already there)" : "")
            } else if !report.errors.isEmpty {
                "The file has problems: nothing was written"
            } else if !unmatched.isEmpty {
                "Say who \(unmatched.count == 1 ? "one name is" : "\(unmatched.count) names are"): nothing was written"
            } else {
                "Ready to import: nothing was written yet"
            }
        return ImportResult(
            heading: heading,
            stopped: !report.isClean,
            messages: report.messages,
            first: report.first,
            last: report.last,
            participants: report.participants.map { Participant(name: $0, unmatched: unmatched.contains($0)) },
            unmatched: unmatched.count,
            problems: report.errors,
            imported: report.imported,
            alreadyImported: report.alreadyImported,
            leftOut: report.leftOut,
            notSent: report.notSent,
            checkedOnly: report.imported == nil
        )
    }

    /// Each problem as the error summary shows it: the field's label, then what is wrong.
    static func fieldErrors(_ problems: [ValidationError]) -> [FieldError] {
        let labels = [
            "format": "Format", "file": "The file", "map": "Who is who", "columns": "The column map",
            "window": "The window",
        ]
        return problems.map { FieldError(field: $0.field, message: "\(labels[$0.field] ?? $0.field) \($0.reason)") }
    }

    private func renderImport(
        _ req: Request,
        _ file: CaseFile,
        form: ImportForm,
        errors: [FieldError],
        result: ImportResult?
    ) async throws -> View {
        try await req.view.render("import", importContext(req, file, form: form, errors: errors, result: result))
    }

    private func importContext(
        _ req: Request,
        _ file: CaseFile,
        form: ImportForm,
        errors: [FieldError],
        result: ImportResult?
    ) -> ImportContext {
        ImportContext(
            title: "Import into \(file.reference)",
            csrf: CSRF.token(for: req),
            user: (try? req.staff().name) ?? "",
            caseID: file.id!.uuidString,
            reference: file.reference,
            formats: Self.formatLabels.map {
                Option(value: $0.0.rawValue, label: $0.1, selected: form.format == $0.0.rawValue)
            },
            map: form.map ?? "",
            columns: form.columns ?? "",
            dryRun: form.dryRun,
            errors: errors,
            result: result
        )
    }

    struct UnrecordedRow: Codable, Sendable {
        var line: Int, at: String, kind: String, direction: String, number: String, cases: String, duration: String,
            outOfHours: Bool
    }

    struct ReconcileResult: Codable, Sendable {
        var rows: Int
        var caseContacts: Int
        var recorded: Int
        var unrecorded: [UnrecordedRow]
        var lateness: Reconcile.Lateness?
        var problems: [CaseImport.Report.Problem]
    }

    struct ReconcileContext: Codable, Sendable {
        var title = "Unrecorded contact"
        var csrf: String
        var user: String
        var window: String
        var columns: String
        var errors: [FieldError]
        var result: ReconcileResult?
    }

    func reconcileForm(req: Request) async throws -> View {
        guard AccessPolicy.can(try await req.principal(), .reconcile) else { throw Self.notForYou }
        return try await renderReconcile(req, form: ImportForm(window: "30m"), errors: [], result: nil)
    }

    /// As an import: the form checked at once, the report made in the background (`/work/{id}`).
    func reconcile(req: Request) async throws -> Response {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .reconcile) else { throw Self.notForYou }
        let form = try await ImportForm.read(req, csrf: CSRF.expected(req) ?? "")
        let checked: UploadedImport.CheckedReconciliation
        do {
            checked = try UploadedImport.checkReconciliation(form)
        } catch let e as ValidationErrors {
            return try await renderReconcile(req, form: form, errors: Self.fieldErrors(e.errors), result: nil)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let audit = try req.auditContext()
        let app = req.application
        let page = reconcileContext(req, form: form, errors: [], result: nil)
        let id = try await PageWork.start(.reconciliation, caseID: nil, upload: checked.upload, by: p, app: app) {
            bytesRead in
            var page = page
            do {
                let r = try await UploadedImport.reconcile(
                    checked,
                    for: p,
                    audit: audit,
                    bytesRead: bytesRead,
                    on: app.db
                )
                page.result = Self.result(of: r)
                return WorkOutcome(ok: true, page: page)
            } catch let e as ValidationErrors {
                page.errors = Self.fieldErrors(e.errors)
            } catch let e as ValidationError {
                page.errors = Self.fieldErrors([e])
            }
            return WorkOutcome(ok: false, page: page)
        }
        return req.redirect(to: "/work/\(id.uuidString)", redirectType: .normal)
    }

    /// A report as its page shows it.
    static func result(of r: Reconcile.Report) -> ReconcileResult {
        ReconcileResult(
            rows: r.rows,
            caseContacts: r.caseContacts,
            recorded: r.recorded,
            unrecorded: r.unrecorded.map {
                UnrecordedRow(
                    line: $0.line,
                    at: $0.at.replacingOccurrences(of: "T", with: " "),
                    kind: $0.kind,
                    direction: $0.direction ?? "",
                    number: $0.number,
                    cases: $0.caseReferences.joined(separator: ", "),
                    duration: $0.durationSeconds.map { "\($0 / 60) min \($0 % 60) s" } ?? "",
                    outOfHours: $0.outOfHours
                )
            },
            lateness: r.lateness,
            problems: r.errors
        )
    }

    static let notForYou = Abort(
        .forbidden,
        reason: "the unrecorded-contact report is for managers, the DSL and auditors"
    )

    private func renderReconcile(
        _ req: Request,
        form: ImportForm,
        errors: [FieldError],
        result: ReconcileResult?
    ) async throws -> View {
        try await req.view.render("reconcile", reconcileContext(req, form: form, errors: errors, result: result))
    }

    private func reconcileContext(
        _ req: Request,
        form: ImportForm,
        errors: [FieldError],
        result: ReconcileResult?
    ) -> ReconcileContext {
        ReconcileContext(
            csrf: CSRF.token(for: req),
            user: (try? req.staff().name) ?? "",
            window: form.window ?? "30m",
            columns: form.columns ?? "",
            errors: errors,
            result: result
        )
    }
}
