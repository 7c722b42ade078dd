import Fluent
import SafeCommsCore
import SafeCommsStore
import Vapor

/// Imports through the API: importing a file into a case's chronology, and the unrecorded-contact
/// report from a carrier's bill. Both take `multipart/form-data` (the file and its fields).
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // Streamed: a form's file goes to a temporary file as it arrives (`ImportForm.read`).
        routes.on(.POST, "cases", ":caseID", "imports", body: .stream, use: importFile)
        routes.on(.POST, "reconciliation", body: .stream, use: reconcile)
    }

    /// 200 with the report when the file was imported (or, with `dry_run`, could be); 422 with the
    /// report when it has problems or unmatched names, and then nothing is written.
    func importFile(req: Request) async throws -> Response {
        let (file, _) = try await CaseAccess.load(req, .write)
        let form = try await ImportForm.read(req)
        let report = try await UploadedImport.run(
            form,
            case: file,
            importer: try req.staff(),
            key: req.application.auditKey,
            witness: req.application.auditWitness,
            library: req.application.policyLibrary,
            on: req.db
        )
        return try .json(report, status: report.isClean ? .ok : .unprocessableEntity)
    }

    /// PD-1.1, PD-1.8: for managers, the DSL and auditors, over their organisation's records.
    func reconcile(req: Request) async throws -> Response {
        let p = try await req.principal()
        guard AccessPolicy.can(p, .reconcile) else {
            throw Abort(.forbidden, reason: "the unrecorded-contact report is for managers, the DSL and auditors")
        }
        let form = try await ImportForm.read(req)
        return try .json(try await UploadedImport.reconcile(form, for: p, audit: try req.auditContext(), on: req.db))
    }
}
