import FluentKit
import Foundation
import SafeCommsCore

/// Imports and carrier-bill reports started from a page run in the background; this is their record:
/// how far each has got, and what it found. Only the person who started one sees it.
public enum LongWork {
    public enum Kind: String, Sendable {
        case caseImport = "import"
        case reconciliation
    }

    public enum Status: String, Sendable {
        case running, done, failed
        /// Running, but not heard from since `silence` ago: its server stopped.
        case interrupted
    }

    /// A running piece of work says how far it has got at least this often (`progress`); one silent for
    /// `silence` was stopped by its server stopping.
    public static let heartbeat: TimeInterval = 2
    public static let silence: TimeInterval = 60

    public struct View: Sendable {
        public var id: UUID
        public var kind: Kind
        public var caseID: UUID?
        public var fileName: String
        public var status: Status
        public var totalBytes: Int?
        public var doneBytes: Int
        public var pass: Int
        public var startedAt: Date
        public var finishedAt: Date?
        /// What the page shows when done or failed (JSON the server wrote).
        public var result: String?

        init(_ r: LongWorkRecord, now: Date) {
            id = r.id!
            kind = Kind(rawValue: r.kind) ?? .caseImport
            caseID = r.caseID
            fileName = r.fileName
            let stored = Status(rawValue: r.status) ?? .failed
            status = stored == .running && now.timeIntervalSince(r.updatedAt) > silence ? .interrupted : stored
            totalBytes = r.totalBytes
            doneBytes = r.doneBytes
            pass = r.pass
            startedAt = r.startedAt
            finishedAt = r.finishedAt
            result = r.result
        }
    }

    /// Records work `p` is starting; its id is the page to follow it on.
    public static func start(
        _ kind: Kind,
        caseID: UUID?,
        fileName: String,
        totalBytes: Int?,
        by p: Principal,
        now: Date = Date(),
        on db: any Database
    ) async throws -> UUID {
        let record = LongWorkRecord(
            organisationID: p.organisationID,
            staffID: p.staffID,
            caseID: caseID,
            kind: kind.rawValue,
            fileName: fileName,
            totalBytes: totalBytes,
            at: now
        )
        try await WriteTransaction.run(on: db) { tx in try await record.create(on: tx) }
        return record.id!
    }

    /// How far the work has got: `doneBytes` of the file in reading number `pass`.
    public static func progress(
        _ id: UUID,
        of organisationID: UUID,
        doneBytes: Int,
        pass: Int,
        now: Date = Date(),
        on db: any Database
    ) async throws {
        try await WriteTransaction.run(on: db) { tx in
            try await tx.scoped(to: organisationID).query(LongWorkRecord.self).filter(\.$id == id).filter(
                \.$status == Status.running.rawValue
            )
            .set(\.$doneBytes, to: doneBytes).set(\.$pass, to: pass).set(\.$updatedAt, to: now).update()
        }
    }

    /// The work ended: `done` with what it found, or `failed` with why (each as the page's JSON).
    public static func finish(
        _ id: UUID,
        of organisationID: UUID,
        _ status: Status,
        result: String,
        now: Date = Date(),
        on db: any Database
    ) async throws {
        try await WriteTransaction.run(on: db) { tx in
            guard let record = try await tx.scoped(to: organisationID).find(LongWorkRecord.self, id) else { return }
            record.status = status.rawValue
            record.result = result
            record.finishedAt = now
            record.updatedAt = now
            if let total = record.totalBytes, status == .done { record.doneBytes = total }
            try await record.update(on: tx)
        }
    }

    /// - Throws: `Refusal.notFound` for work someone else started.
    public static func one(
        _ id: UUID,
        for p: Principal,
        now: Date = Date(),
        on db: any Database
    ) async throws
        -> View
    {
        guard let r = try await db.scoped(to: p).find(LongWorkRecord.self, id), r.staffID == p.staffID else {
            throw Refusal.notFound("no import or report \(id.uuidString) of yours")
        }
        return View(r, now: now)
    }

    /// `p`'s own work started in the last week, newest first.
    public static func recent(for p: Principal, now: Date = Date(), on db: any Database) async throws -> [View] {
        try await db.scoped(to: p).query(LongWorkRecord.self).filter(\.$staffID == p.staffID)
            .filter(\.$startedAt >= now.addingTimeInterval(-7 * 86_400)).sort(\.$startedAt, .descending).limit(20)
            .all().map { View($0, now: now) }
    }
}
