import Foundation
import SafeCommsCore

/// A communication record as a plain value: what the store writes in bulk and reads for a
/// chronology page. The Fluent model (`CommunicationRecord`) stays for ordinary queries, but every
/// property read or write of a Fluent model goes through a generic property wrapper and a dynamic
/// cast; at import volumes that cost more than SQLite's own insert (measured).
public struct CommunicationRow: Sendable, Equatable {
    public var id: UUID
    public var organisationID: UUID
    public var caseID: UUID
    public var staffID: UUID
    public var deviceID: UUID?
    public var personID: UUID?
    /// The record this one corrects; the corrected record is kept as it was.
    public var correctsID: UUID?
    public var channel: String
    public var direction: String
    public var counterpartName: String?
    public var counterpartRole: String?
    public var counterpartAddress: String?
    public var occurredAt: Date
    public var recordedAt: Date
    public var durationSeconds: Int?
    public var transcript: String?
    public var summary: String?
    public var outOfHours: Bool
    public var significant: Bool
    /// `manual`, `api`, `demo`, or `import:<format>`.
    public var source: String
    /// An importer's natural key, so a file imported twice adds nothing (unique per organisation).
    public var naturalKey: String?

    public init(
        id: UUID,
        organisationID: UUID,
        caseID: UUID,
        staffID: UUID,
        deviceID: UUID? = nil,
        personID: UUID? = nil,
        correctsID: UUID? = nil,
        channel: String,
        direction: String,
        counterpartName: String? = nil,
        counterpartRole: String? = nil,
        counterpartAddress: String? = nil,
        occurredAt: Date,
        recordedAt: Date,
        durationSeconds: Int? = nil,
        transcript: String? = nil,
        summary: String? = nil,
        outOfHours: Bool,
        significant: Bool,
        source: String,
        naturalKey: String? = nil
    ) {
        self.id = id
        self.organisationID = organisationID
        self.caseID = caseID
        self.staffID = staffID
        self.deviceID = deviceID
        self.personID = personID
        self.correctsID = correctsID
        self.channel = channel
        self.direction = direction
        self.counterpartName = counterpartName
        self.counterpartRole = counterpartRole
        self.counterpartAddress = counterpartAddress
        // Whole milliseconds, so the row reads back as it was sealed (`RowDigest.storable`).
        self.occurredAt = RowDigest.storable(occurredAt)
        self.recordedAt = RowDigest.storable(recordedAt)
        self.durationSeconds = durationSeconds
        self.transcript = transcript
        self.summary = summary
        self.outOfHours = outOfHours
        self.significant = significant
        self.source = source
        self.naturalKey = naturalKey
    }
}

extension CommunicationRow {
    /// The table a communication's digest names.
    public static let table = "communications"

    /// Every stored value of the record, in a fixed order (see `RowDigest`).
    public var digest: String {
        var d = RowDigest(table: Self.table)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(staffID)
        d.add(deviceID)
        d.add(personID)
        d.add(correctsID)
        d.add(channel)
        d.add(direction)
        d.add(counterpartName)
        d.add(counterpartRole)
        d.add(counterpartAddress)
        d.add(occurredAt)
        d.add(recordedAt)
        d.add(durationSeconds)
        d.add(transcript)
        d.add(summary)
        d.add(outOfHours)
        d.add(significant)
        d.add(source)
        d.add(naturalKey)
        return d.hex
    }
}
