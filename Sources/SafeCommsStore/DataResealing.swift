import FluentKit
import Foundation
import SQLKit
import SafeCommsCore

/// Seals every personal field under one data key: values still in clear (stored before sealing
/// existed) and values under an older key (`keys rotate`). It runs in batches, each committed on its
/// own, so it can be stopped at any point and run again: a value already under the key is left as it
/// is. Each value is replaced only if it is still what was read, so a change made meanwhile by the
/// application is never overwritten. The clear text does not change, so the audit chain's record
/// digests still hold.
public enum DataResealing {
    /// Every table with sealed columns.
    public static let tables: [(table: String, columns: [String])] = [
        (CaseFile.schema, CaseFile.sealedColumns), (CasePerson.schema, CasePerson.sealedColumns),
        (CommunicationRecord.schema, CommunicationRecord.sealedColumns), (Consent.schema, Consent.sealedColumns),
        (NumberSharing.schema, NumberSharing.sealedColumns),
        (MessageSlipRecord.schema, MessageSlipRecord.sealedColumns),
        (FollowUpRecord.schema, FollowUpRecord.sealedColumns), (Incident.schema, Incident.sealedColumns),
        (IncidentStep.schema, IncidentStep.sealedColumns), (IncidentAmendment.schema, IncidentAmendment.sealedColumns),
        (ReviewItem.schema, ReviewItem.sealedColumns), (OutgoingMessage.schema, OutgoingMessage.sealedColumns),
        (CaseTask.schema, CaseTask.sealedColumns), (CaseFactChange.schema, CaseFactChange.sealedColumns),
        (PhoneAgreement.schema, PhoneAgreement.sealedColumns), (PhoneHandIn.schema, PhoneHandIn.sealedColumns),
        (DevicePersonalUse.schema, DevicePersonalUse.sealedColumns),
        (LongWorkRecord.schema, LongWorkRecord.sealedColumns),
        (SecondFactor.schema, SecondFactor.sealedColumns), (ProviderGrant.schema, ProviderGrant.sealedColumns),
    ]

    public struct Report: Sendable, Equatable {
        /// Values sealed again under the key.
        public var resealed = 0
        /// Values left alone because they cannot be opened: `table id column`, and why.
        public var unreadable: [String] = []
    }

    public static func run(
        on db: any Database,
        to key: DataKey,
        batchSize: Int = 500,
        tables: [(table: String, columns: [String])] = DataResealing.tables,
        progress: @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> Report {
        guard let sql = db as? any SQLDatabase else { throw SQLRequired() }
        let binds = FastBinds(sql)
        DataKeys.add(key)
        var report = Report()
        for (table, columns) in tables {
            var after: UUID?
            while true {
                let select = "SELECT id, " + columns.joined(separator: ", ") + " FROM " + table
                let page = try await sql.raw(
                    after.map {
                        "\(unsafeRaw: select) WHERE id > \(binds.uuid($0)) ORDER BY id LIMIT \(unsafeRaw: String(batchSize))"
                    }
                        ?? "\(unsafeRaw: select) ORDER BY id LIMIT \(unsafeRaw: String(batchSize))"
                ).all()
                guard !page.isEmpty else { break }
                var changes: [(id: UUID, column: String, old: String, new: String)] = []
                for row in page {
                    let id = try row.decode(column: "id", as: UUID.self)
                    after = id
                    for column in columns {
                        guard let stored = try row.decode(column: column, as: String?.self),
                            SealedText.keyID(of: stored) != Substring(key.id)
                        else { continue }
                        do {
                            let clear = try SealedText.open(stored, key: DataKeys.key)
                            changes.append((id, column, stored, SealedText.seal(clear, with: key)))
                        } catch .unknownKey(let other) {
                            report.unreadable.append(
                                "\(table) \(id.uuidString.lowercased()) \(column): sealed under data key \(other), not in the key file"
                            )
                        } catch {
                            report.unreadable.append(
                                "\(table) \(id.uuidString.lowercased()) \(column): changed after it was sealed"
                            )
                        }
                    }
                }
                if !changes.isEmpty {
                    let batch = changes
                    let written = try await WriteTransaction.run(on: db) { tx in
                        guard let sql = tx as? any SQLDatabase else { throw SQLRequired() }
                        let binds = FastBinds(sql)
                        var n = 0
                        for c in batch {
                            let rows = try await sql.raw(
                                """
                                UPDATE \(ident: table) SET \(ident: c.column) = \(bind: c.new) WHERE id = \(binds.uuid(c.id)) AND \(ident: c.column) = \(bind: c.old) RETURNING id
                                """
                            ).all()
                            n += rows.count
                        }
                        return n
                    }
                    report.resealed += written
                    progress(table, written)
                }
                if page.count < batchSize { break }
            }
        }
        return report
    }
}
