import FluentKit
import Foundation
import SafeCommsCore

/// An import or a carrier-bill report started from a page and run in the background, so that whoever
/// started it can leave the page and come back to its progress and its result. The row is the
/// progress too, so any server of several sharing the database can show it.
public final class LongWorkRecord: Model, @unchecked Sendable {
    public static let schema = "long_work"

    // managed fields
    @ID(key: .id) public var id: UUID?

    // reference fields
    @Field(key: "organisation_id") public var organisationID: UUID
    /// Who started it, the only one who may see it.
    @Field(key: "staff_id") public var staffID: UUID
    @OptionalField(key: "case_id") public var caseID: UUID?

    // data fields
    /// `import` or `reconciliation`.
    @Field(key: "kind") public var kind: String
    /// The file's name as uploaded (a WhatsApp export's name holds the contact's), sealed.
    @Field(key: "file_name") var sealedFileName: String
    /// `running`, `done` or `failed`.
    @Field(key: "status") public var status: String
    @OptionalField(key: "total_bytes") public var totalBytes: Int?
    /// Bytes of the file read so far in the current pass.
    @Field(key: "done_bytes") public var doneBytes: Int
    /// Which reading of the file this is: an import reads it once to check, then again to write.
    @Field(key: "pass") public var pass: Int
    @Field(key: "started_at") public var startedAt: Date
    /// When the running work last said how far it had got: a running row silent for long was
    /// stopped by its server stopping.
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "finished_at") public var finishedAt: Date?
    /// What the page shows when it is done (JSON the server wrote), sealed: it names people.
    @OptionalField(key: "result") var sealedResult: String?

    public init() {}

    public init(
        organisationID: UUID,
        staffID: UUID,
        caseID: UUID?,
        kind: String,
        fileName: String,
        totalBytes: Int?,
        at now: Date
    ) {
        self.id = UUID()
        self.organisationID = organisationID
        self.staffID = staffID
        self.caseID = caseID
        self.kind = kind
        self.status = LongWork.Status.running.rawValue
        self.totalBytes = totalBytes
        self.doneBytes = 0
        self.pass = 1
        self.startedAt = now
        self.updatedAt = now
        self.fileName = fileName
    }
}

extension LongWorkRecord {
    /// The columns stored sealed, for `keys rotate`.
    static let sealedColumns = ["file_name", "result"]

    public var fileName: String {
        get { DataKeys.open(sealedFileName) }
        set { sealedFileName = DataKeys.seal(newValue) }
    }

    public var result: String? {
        get { DataKeys.open(sealedResult) }
        set { sealedResult = DataKeys.seal(newValue) }
    }
}
