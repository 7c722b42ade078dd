/// Reads any import format as `ImportItem`s, in file order.
public enum ImportReader {
    public struct Outcome: Sendable, Equatable {
        /// Each with its line (or 0 for the whole file); a message with a problem is never passed on.
        public var errors: [ImportError] = []
        /// Items that were never communications (an SMS draft, or one that failed to send): counted,
        /// so nothing in the file goes unaccounted for.
        public var notSent = 0
    }

    public static func read(
        _ format: ImportFormat,
        _ reader: LineReader,
        columns: CarrierCallLog.ColumnMap? = nil,
        media: [String: MediaFile] = [:],
        _ each: (ImportItem) throws -> Void
    ) throws -> Outcome {
        var outcome = Outcome()
        switch format {
        case .whatsapp:
            outcome.errors = try WhatsAppExport.read(reader) { m in
                if let item = ImportItem(whatsapp: m, media: media) { try each(item) }
            }.errors
        case .smsBackup:
            outcome.errors = try SMSBackup.read(reader) { i in
                if let item = ImportItem(smsBackup: i) { try each(item) } else { outcome.notSent += 1 }
            }.errors
        case .email:
            outcome.errors = try Email.read(reader) { try each(ImportItem(email: $0)) }.errors
        case .calls:
            outcome.errors = try CarrierCallLog.read(reader, map: columns) { try each(ImportItem(carrier: $0)) }
        }
        return outcome
    }
}
