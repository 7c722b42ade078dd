import Foundation
import MultipartKit
import NIOCore
import SafeCommsCore
import Vapor

/// An uploaded file in a private temporary file (owner only), removed with `remove()` once read.
final class ReceivedFile: Sendable {
    let path: String
    let name: String
    let bytes: Int

    init(path: String, name: String, bytes: Int) {
        (self.path, self.name, self.bytes) = (path, name, bytes)
    }

    /// A new empty file for an upload, readable by this process only.
    static func create() throws -> (path: String, handle: FileHandle) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "safecomms-upload-\(UUID().uuidString)"
        ).path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw Abort(.internalServerError, reason: "the upload could not be held for reading") }
        return (path, handle)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A `multipart/form-data` body read as it arrives: the fields (short text) are kept, and the file is
/// written straight to a `ReceivedFile`, so a 200 MB export is never held in memory. Run off the event
/// loops (`BackgroundExecutor`): the file is written with ordinary blocking writes.
struct StreamedForm {
    var fields: [String: String] = [:]
    var upload: ReceivedFile?

    /// All the fields of a form but its file may hold this much text together.
    static let maxFieldBytes = 1 << 20

    /// - Parameters:
    ///   - maxBytes: the most the whole body may hold (413 past it).
    ///   - csrf: for a page form, the token the `csrf` field must carry; it must come before the file.
    /// - Throws: `ValidationError` naming the file for a body that is not a readable form; `Abort`
    ///   403 for a missing or wrong token, 413 for a body over `maxBytes`. Nothing is kept then.
    static func receive(_ req: Request, boundary: String, maxBytes: Int, csrf: String?) async throws -> StreamedForm {
        let reader = Reader(csrf: csrf)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in reader.header(name, value) }
        parser.onBody = { body in reader.body(&body) }
        parser.onPartComplete = { reader.complete() }
        var total = 0
        do {
            for try await chunk in req.body {
                total += chunk.readableBytes
                guard total <= maxBytes else {
                    throw Abort(.payloadTooLarge, reason: "the upload is larger than \(maxBytes / (1 << 20)) MB")
                }
                do { try parser.execute(chunk) } catch { throw unreadable }
                if let problem = reader.problem { throw problem }
            }
            try reader.closeFile()
            if csrf != nil, !reader.csrfChecked { throw CSRFMiddleware.refusal }
            guard !reader.fields.isEmpty || reader.file != nil else { throw unreadable }
        } catch {
            try? reader.closeFile()
            reader.file.map { try? FileManager.default.removeItem(atPath: $0.path) }
            throw error
        }
        return StreamedForm(
            fields: reader.fields,
            upload: reader.file.map { ReceivedFile(path: $0.path, name: $0.name, bytes: $0.bytes) }
        )
    }

    static let unreadable = ValidationError(
        field: "file",
        reason: "the form could not be read: send it as multipart/form-data with a format and a file"
    )

    /// The parser's callbacks, one part at a time.
    private final class Reader {
        let csrf: String?
        var fields: [String: String] = [:]
        var file: (path: String, name: String, bytes: Int, handle: FileHandle?)?
        var problem: (any Error)?
        private var headers: [String: String] = [:]
        private var part: (name: String, fileName: String?)?
        private var text: [UInt8] = []
        private var fieldBytes = 0
        private(set) var csrfChecked = false

        init(csrf: String?) { self.csrf = csrf }

        func header(_ name: String, _ value: String) { headers[name.lowercased()] = value }

        /// The part's name and file name, from its `Content-Disposition`.
        private func begin() -> (name: String, fileName: String?) {
            if let part { return part }
            var name = "", fileName: String?
            for param in (headers["content-disposition"] ?? "").split(separator: ";").dropFirst() {
                let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2 else { continue }
                let value =
                    kv[1].hasPrefix("\"") && kv[1].hasSuffix("\"") && kv[1].count >= 2
                    ? String(kv[1].dropFirst().dropLast()) : kv[1]
                if kv[0].lowercased() == "name" { name = value }
                if kv[0].lowercased() == "filename" { fileName = value }
            }
            let begun = (name, fileName)
            part = begun
            if fileName != nil, name == "file" {
                if csrf != nil, !csrfChecked { problem = CSRFMiddleware.refusal }
                if file != nil { problem = ValidationError(field: "file", reason: "send one file") }
            }
            return begun
        }

        func body(_ body: inout ByteBuffer) {
            guard problem == nil else { return }
            let (name, fileName) = begin()
            if fileName != nil, name == "file" {
                do {
                    if file == nil {
                        let (path, handle) = try ReceivedFile.create()
                        file = (path, fileName ?? "", 0, handle)
                    }
                    let bytes = body.readableBytesView
                    try file?.handle?.write(contentsOf: bytes)
                    file?.bytes += bytes.count
                } catch {
                    problem = error
                }
                return
            }
            fieldBytes += body.readableBytes
            guard fieldBytes <= StreamedForm.maxFieldBytes else {
                problem = ValidationError(
                    field: name.isEmpty ? "form" : name,
                    reason: "the form's fields hold more than 1 MB of text"
                )
                return
            }
            text += body.readableBytesView
        }

        func complete() {
            defer { (headers, part, text) = ([:], nil, []) }
            guard problem == nil else { return }
            let (name, fileName) = begin()
            // A file part (an empty one, when no file was chosen, leaves no file).
            if fileName != nil, name == "file" { return }
            guard let value = String(validating: text, as: UTF8.self), !value.utf8.contains(0) else {
                problem = ValidationError(field: name, reason: "is not text (it must be UTF-8, without NUL characters)")
                return
            }
            fields[name] = value
            if name == CSRF.field, let csrf {
                csrfChecked = true
                let sent = Array(value.utf8), expected = Array(csrf.utf8)
                if sent.count != expected.count || zip(sent, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) != 0 {
                    problem = CSRFMiddleware.refusal
                }
            }
        }

        func closeFile() throws {
            if let handle = file?.handle {
                file?.handle = nil
                try handle.close()
            }
        }
    }
}
