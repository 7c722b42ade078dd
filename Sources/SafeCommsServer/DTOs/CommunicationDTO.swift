import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// A contact to record, as the API receives it. Enumerations arrive as text so an unknown value gets
/// a message that lists the values allowed.
struct CommunicationInput: Content {
    var channel: String
    var direction: String?
    var occurredAt: Date
    var durationSeconds: Int?
    var counterpartName: String?
    var counterpartRole: String?
    var counterpartAddress: String?
    var personId: UUID?
    var deviceId: UUID?
    var transcript: String?
    var summary: String?
    var significant: Bool?

    /// The draft, or every problem found, each naming its field.
    func draft(now: Date) throws -> CommunicationDraft {
        var problems: [ValidationError] = []
        var channel = SafeCommsCore.Channel.sms, direction = Direction.outgoing, role: PersonRole?
        do { channel = try SafeCommsCore.Channel.parse(self.channel, field: "channel") } catch {
            problems.append(error)
        }
        do { direction = try self.direction.map { try Direction.parse($0, field: "direction") } ?? .outgoing } catch {
            problems.append(error as! ValidationError)
        }
        do { role = try counterpartRole.map { try PersonRole.parse($0, field: "counterpart_role") } } catch {
            problems.append(error as! ValidationError)
        }
        if let address = counterpartAddress?.trimmingCharacters(in: .whitespaces), !address.isEmpty {
            if address.contains("@") {
                if !EmailAddress.isPlausible(address) {
                    problems.append(
                        .init(field: "counterpart_address", reason: "'\(address)' is not an e-mail address")
                    )
                }
            } else {
                do { _ = try PhoneNumber(parsing: address, field: "counterpart_address") } catch {
                    problems.append(error)
                }
            }
        }
        let draft = CommunicationDraft(
            channel: channel,
            direction: direction,
            occurredAt: occurredAt,
            durationSeconds: durationSeconds,
            counterpartName: counterpartName,
            counterpartRole: role,
            counterpartAddress: normalisedAddress,
            transcript: transcript,
            summary: summary,
            significant: significant ?? false
        )
        if problems.isEmpty { problems = draft.problems(now: now) }
        try ValidationErrors(problems).throwIfAny()
        return draft
    }

    /// Phone numbers are stored in E.164 so the same number written two ways matches; e-mail lower-cased.
    private var normalisedAddress: String? {
        guard let a = counterpartAddress?.trimmingCharacters(in: .whitespaces), !a.isEmpty else { return nil }
        if a.contains("@") { return a.lowercased() }
        return (try? PhoneNumber(parsing: a, field: "counterpart_address"))?.e164
    }
}

/// A stored chronology entry as the API returns it.
struct CommunicationDTO: Content {
    var id: UUID?
    var caseId: UUID
    var staffId: UUID
    var deviceId: UUID?
    var personId: UUID?
    var correctsId: UUID?
    var supersededByCorrection: Bool
    var channel: String
    var direction: String
    var counterpartName: String?
    var counterpartRole: String?
    var counterpartAddress: String?
    var occurredAt: Date
    var recordedAt: Date
    /// How long after the contact it was recorded (PD-1.1 asks for contemporaneous records).
    var recordedAfterSeconds: Int
    var durationSeconds: Int?
    var transcript: String?
    var summary: String?
    var outOfHours: Bool
    var significant: Bool
    var source: String

    init(_ r: CommunicationRow, superseded: Bool) {
        id = r.id
        caseId = r.caseID
        staffId = r.staffID
        deviceId = r.deviceID
        personId = r.personID
        correctsId = r.correctsID
        supersededByCorrection = superseded
        channel = r.channel
        direction = r.direction
        counterpartName = r.counterpartName
        counterpartRole = r.counterpartRole
        counterpartAddress = r.counterpartAddress
        occurredAt = r.occurredAt
        recordedAt = r.recordedAt
        recordedAfterSeconds = max(0, Int(r.recordedAt.timeIntervalSince(r.occurredAt)))
        durationSeconds = r.durationSeconds
        transcript = r.transcript
        summary = r.summary
        outOfHours = r.outOfHours
        significant = r.significant
        source = r.source
    }
}

struct ChronologyDTO: Content {
    var items: [CommunicationDTO]
    var page: Int
    var per: Int
    var hasMore: Bool
}
