import Foundation
import NIOConcurrencyHelpers
import SafeCommsCore
import SafeCommsStore
import Vapor

/// What long work started from a page ends with: the page to show, and whether it went as it should
/// (the page is answered 200 if so, 422 if it found problems).
struct WorkOutcome<Page: Codable & Sendable>: Codable, Sendable {
    var ok: Bool
    var page: Page
}

/// Runs an import or a report started from a page in the background, recording how far it has got
/// (`LongWork`) at least every `LongWork.heartbeat`, and its outcome when it ends, so that whoever
/// started it can leave the page and come back to `/work/{id}`.
enum PageWork {
    /// Bytes read of the file, and which reading of it (a new reading starts from its beginning).
    final class Meter: Sendable {
        private let state = NIOLockedValueBox((bytes: 0, pass: 1))

        func update(_ bytes: Int) {
            state.withLockedValue {
                if bytes < $0.bytes { $0.pass += 1 }
                $0.bytes = bytes
            }
        }

        var now: (bytes: Int, pass: Int) { state.withLockedValue { $0 } }
    }

    /// Records the work and starts it; returns its id at once.
    /// - Parameter body: the work, told each time more of the file has been read.
    static func start<Page: Codable & Sendable>(
        _ kind: LongWork.Kind,
        caseID: UUID?,
        upload: ReceivedFile,
        by p: Principal,
        app: Application,
        _ body: @escaping @Sendable (_ bytesRead: @escaping @Sendable (Int) -> Void) async throws -> WorkOutcome<Page>
    ) async throws -> UUID {
        let db = app.db
        let id: UUID
        do {
            id = try await LongWork.start(
                kind,
                caseID: caseID,
                fileName: upload.name,
                totalBytes: upload.bytes,
                by: p,
                on: db
            )
        } catch {
            upload.remove()
            throw error
        }
        let logger = app.logger
        let meter = Meter()
        let organisationID = p.organisationID
        Task.detached {
            let beat = Task.detached {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(LongWork.heartbeat))
                    let now = meter.now
                    try? await LongWork.progress(id, of: organisationID, doneBytes: now.bytes, pass: now.pass, on: db)
                }
            }
            defer { beat.cancel() }
            do {
                let outcome = try await body(meter.update)
                let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
                try await LongWork.finish(id, of: organisationID, .done, result: json, on: db)
            } catch {
                // The error's type only: its message may quote the file.
                logger.error("Long work \(id) (\(kind.rawValue)) stopped: \(type(of: error))")
                try? await LongWork.finish(id, of: organisationID, .failed, result: "", on: db)
            }
        }
        return id
    }

    /// The outcome the work stored, for its page.
    static func outcome<Page: Codable & Sendable>(_ view: LongWork.View, as: Page.Type) -> WorkOutcome<Page>? {
        guard let json = view.result, !json.isEmpty else { return nil }
        return try? JSONDecoder().decode(WorkOutcome<Page>.self, from: Data(json.utf8))
    }
}
