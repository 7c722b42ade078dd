import Fluent
import Foundation
import SafeCommsCore
import SafeCommsImport
import SafeCommsStore
import Vapor

/// An import or a reconciliation sent as a form (`multipart/form-data`), by the API and by the pages:
/// the fields are checked, each problem naming its field, and the file is read from a private
/// temporary file that is removed as soon as it has been read.
struct ImportForm: Content {
    var format: String?
    /// The file as JSON sends it (base64 `data`); a form's file is streamed to `upload` instead.
    var file: File?
    /// The file, received into a private temporary file.
    var upload: ReceivedFile?
    /// Read and match, write nothing: a form sends "true", "on" (a ticked box) or "1"; JSON a boolean.
    var dryRun = false
    /// Lines of `name in the file=who` (a case person's name or a member of staff's e-mail).
    var map: String?
    /// A carrier's bill's column map, as YAML.
    var columns: String?
    /// Reconciliation: how far apart a bill row and a record may be and still be one contact.
    var window: String?

    init(
        format: String? = nil,
        file: File? = nil,
        dryRun: Bool = false,
        map: String? = nil,
        columns: String? = nil,
        window: String? = nil
    ) {
        (self.format, self.file, self.dryRun, self.map, self.columns, self.window) = (
            format, file, dryRun, map, columns, window
        )
    }

    /// A form sends `dry_run`; the API's JSON decoder turns snake case into `dryRun` first. Either is
    /// read, and in JSON `dry_run` may be a boolean.
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }

    /// The form a request sends, its file in a private temporary file (`close()` removes it). A
    /// multipart form is read as it arrives (`StreamedForm`), off the event loops; JSON, which is
    /// small, is gathered and decoded. A body the parser cannot read (one with no parts at all, only
    /// its closing boundary, or one cut short) is refused naming the file, not answered 500.
    /// - Parameter csrf: for a page form, the token its `csrf` field must carry.
    static func read(_ req: Request, csrf: String? = nil) async throws -> ImportForm {
        // Only a signed-in member of staff may send a large body.
        let limit =
            req.auth.has(StaffMember.self)
            ? UploadedImport.maxBytes.value : req.application.routes.defaultMaxBodySize.value
        do {
            return try await withTaskExecutorPreference(BackgroundExecutor.shared) {
                if let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
                    let boundary = type.parameters["boundary"], !boundary.isEmpty
                {
                    let streamed = try await StreamedForm.receive(req, boundary: boundary, maxBytes: limit, csrf: csrf)
                    var form = try StrictJSONDecoder().decode(
                        ImportForm.self,
                        from: .object(
                            streamed.fields.map { JSONMember(key: $0.key, value: .string($0.value)) }.filter {
                                $0.key != CSRF.field
                            }
                        )
                    )
                    form.upload = streamed.upload
                    return form
                }
                if csrf != nil { throw CSRFMiddleware.refusal }
                _ = try await req.body.collect(max: limit).get()
                var form = try req.content.decode(ImportForm.self)
                if let file = form.file, file.data.readableBytes > 0 {
                    let (path, handle) = try ReceivedFile.create()
                    try handle.write(contentsOf: file.data.readableBytesView)
                    try handle.close()
                    form.upload = ReceivedFile(path: path, name: file.filename, bytes: file.data.readableBytes)
                    form.file = nil
                }
                return form
            }
        } catch let e as any AbortError {
            throw e
        } catch let e as DecodingError {
            throw e
        } catch {
            throw ValidationError(
                field: "file",
                reason: "the form could not be read: send it as multipart/form-data with a format and a file"
            )
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        format = try c.decodeIfPresent(String.self, forKey: Key("format"))
        file = try c.decodeIfPresent(File.self, forKey: Key("file"))
        map = try c.decodeIfPresent(String.self, forKey: Key("map"))
        columns = try c.decodeIfPresent(String.self, forKey: Key("columns"))
        window = try c.decodeIfPresent(String.self, forKey: Key("window"))
        for key in [Key("dry_run"), Key("dryRun")] where c.contains(key) {
            if let flag = try? c.decode(Bool.self, forKey: key) {
                dryRun = flag
            } else {
                dryRun = ["true", "on", "1"].contains(try c.decode(String.self, forKey: key).lowercased())
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encodeIfPresent(format, forKey: Key("format"))
        try c.encodeIfPresent(file, forKey: Key("file"))
        try c.encode(dryRun, forKey: Key("dry_run"))
        try c.encodeIfPresent(map, forKey: Key("map"))
        try c.encodeIfPresent(columns, forKey: Key("columns"))
        try c.encodeIfPresent(window, forKey: Key("window"))
    }
}

enum UploadedImport {
    /// A WhatsApp export with years of media can be large; the chat text in it is what is read.
    static let maxBytes: ByteCount = "200mb"

    /// An import form whose fields have been checked: what `run` needs.
    struct CheckedImport: Sendable {
        var format: ImportFormat
        var upload: ReceivedFile
        var mappings: [String: String]
        var columns: CarrierCallLog.ColumnMap?
        var dryRun: Bool
    }

    /// The form checked, then the import run as `importer`, who is recording on `file`.
    static func run(
        _ form: ImportForm,
        case file: CaseFile,
        importer: StaffMember,
        key: AuditKey,
        witness: AuditWitness?,
        library: PolicyLibrary,
        on db: any Database
    ) async throws -> CaseImport.Report {
        try await run(
            check(form),
            case: file,
            importer: importer,
            key: key,
            witness: witness,
            library: library,
            on: db
        )
    }

    /// The import form's fields checked, each problem naming its field.
    /// - Throws: `ValidationErrors`, having removed the uploaded file.
    static func check(_ form: ImportForm) throws -> CheckedImport {
        var problems: [ValidationError] = []
        let format = form.format.flatMap { ImportFormat(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        if format == nil {
            problems.append(
                .init(
                    field: "format",
                    reason: "must be one of \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            )
        }
        let upload = form.upload
        if upload == nil { problems.append(.init(field: "file", reason: "is required: the exported file")) }
        var mappings: [String: String] = [:]
        for (i, line) in (form.map ?? "").split(whereSeparator: \.isNewline).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                problems.append(
                    .init(
                        field: "map",
                        reason: "line \(i + 1) ('\(line)'): write the name in the file, '=', then who it is"
                    )
                )
                continue
            }
            mappings[parts[0]] = parts[1]
        }
        let columns: CarrierCallLog.ColumnMap?
        do {
            columns = try columnMap(form.columns, problems: &problems)
        } catch {
            form.upload?.remove()
            throw error
        }
        if columns != nil, format != .calls {
            problems.append(.init(field: "columns", reason: "is only for a carrier's bill (calls)"))
        }
        guard problems.isEmpty, let format, let upload else {
            form.upload?.remove()
            throw ValidationErrors(problems)
        }
        return CheckedImport(format: format, upload: upload, mappings: mappings, columns: columns, dryRun: form.dryRun)
    }

    /// The checked import run as `importer`, who is recording on `file`; the uploaded file is removed
    /// however it ends.
    /// - Parameter bytesRead: told the bytes of the file read so far, after each chunk (the file is
    ///   read from its start again for each pass: to check, then to write).
    static func run(
        _ checked: CheckedImport,
        case file: CaseFile,
        importer: StaffMember,
        key: AuditKey,
        witness: AuditWitness?,
        library: PolicyLibrary,
        bytesRead: (@Sendable (Int) -> Void)? = nil,
        on db: any Database
    ) async throws -> CaseImport.Report {
        // Unpacking, reading and matching a file is long work: off the event loops (`BackgroundExecutor`).
        try await withTaskExecutorPreference(BackgroundExecutor.shared) {
            try await withUpload(checked.upload) { path in
                let opened: ImportFile
                do {
                    opened = try ImportFile(path: path)
                } catch let e as ImportError {
                    throw ValidationError(field: "file", reason: e.reason)
                }
                defer { opened.close() }
                var reader = opened.reader
                reader.onBytesRead = bytesRead
                do {
                    return try await CaseImport.run(
                        .init(
                            format: checked.format,
                            reader: reader,
                            columns: checked.columns,
                            media: opened.media,
                            caseReference: file.reference,
                            asEmail: importer.email,
                            dryRun: checked.dryRun,
                            mappings: checked.mappings
                        ),
                        on: db,
                        key: key,
                        witness: witness,
                        library: library
                    )
                } catch let failure as CaseImport.Failure {
                    // The importer is the signed-in member of staff and the case is the page's, so
                    // only these two can happen here.
                    switch failure {
                    case .stopped: throw ValidationError(field: "file", reason: failure.description)
                    default: throw Abort(.forbidden, reason: "you may not record on this case")
                    }
                } catch let e as ImportError {
                    throw fileProblem(e)
                }
            }
        }
    }

    /// A reconciliation form whose fields have been checked.
    struct CheckedReconciliation: Sendable {
        var upload: ReceivedFile
        var columns: CarrierCallLog.ColumnMap?
        var window: TimeInterval
    }

    /// The form checked, then the report as the reader may see it (`ReconcileForReader`).
    static func reconcile(
        _ form: ImportForm,
        for p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> Reconcile.Report {
        try await reconcile(checkReconciliation(form), for: p, audit: audit, on: db)
    }

    /// The reconciliation form's fields checked, each problem naming its field.
    /// - Throws: `ValidationErrors`, having removed the uploaded file.
    static func checkReconciliation(_ form: ImportForm) throws -> CheckedReconciliation {
        var problems: [ValidationError] = []
        let upload = form.upload
        if upload == nil {
            problems.append(.init(field: "file", reason: "is required: the carrier's itemised bill, as CSV"))
        }
        let windowText = (form.window ?? "").trimmingCharacters(in: .whitespaces)
        let window = windowText.isEmpty ? 30 * 60 : Reconcile.window(parsing: windowText)
        if window == nil {
            problems.append(.init(field: "window", reason: "'\(windowText)' is not a duration such as 30m, 2h or 90s"))
        }
        let columns: CarrierCallLog.ColumnMap?
        do {
            columns = try columnMap(form.columns, problems: &problems)
        } catch {
            form.upload?.remove()
            throw error
        }
        guard problems.isEmpty, let upload, let window else {
            form.upload?.remove()
            throw ValidationErrors(problems)
        }
        return CheckedReconciliation(upload: upload, columns: columns, window: window)
    }

    /// The checked report as the reader may see it; the uploaded file is removed however it ends.
    static func reconcile(
        _ checked: CheckedReconciliation,
        for p: Principal,
        audit: AuditContext,
        bytesRead: (@Sendable (Int) -> Void)? = nil,
        on db: any Database
    ) async throws -> Reconcile.Report {
        try await withTaskExecutorPreference(BackgroundExecutor.shared) {
            try await withUpload(checked.upload) { path in
                var reader = LineReader(path: path)
                reader.onBytesRead = bytesRead
                do {
                    return try await ReconcileForReader.run(
                        reader,
                        columns: checked.columns,
                        window: checked.window,
                        for: p,
                        audit: audit,
                        on: db
                    )
                } catch let e as ImportError {
                    throw fileProblem(e)
                }
            }
        }
    }

    /// A file that cannot be read on at all (a line over the limit, a broken quote), named by its line.
    private static func fileProblem(_ e: ImportError) -> ValidationError {
        ValidationError(field: "file", reason: e.line > 0 ? "line \(e.line): \(e.reason)" : e.reason)
    }

    private static func columnMap(
        _ yaml: String?,
        problems: inout [ValidationError]
    ) throws -> CarrierCallLog.ColumnMap? {
        guard let yaml, !yaml.allSatisfy(\.isWhitespace) else { return nil }
        do {
            return try CarrierCallLog.ColumnMap.parse(yamlText: yaml, file: "the column map")
        } catch let e as ImportError {
            problems.append(.init(field: "columns", reason: e.reason))
            return nil
        }
    }

    /// The upload's path, removed when `body` returns.
    private static func withUpload<T>(_ file: ReceivedFile, _ body: (String) async throws -> T) async throws -> T {
        defer { file.remove() }
        return try await body(file.path)
    }
}

extension Response {
    /// A report as the API's JSON (the reports are written, never read back, so they are not `Content`).
    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) throws -> Response {
        Response(
            status: status,
            headers: ["Content-Type": "application/json; charset=utf-8"],
            body: .init(data: try JSONCoding.encoder.encode(value))
        )
    }
}
