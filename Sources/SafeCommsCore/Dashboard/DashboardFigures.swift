import Foundation

/// The arithmetic behind the managers' and the DSL's dashboards, kept apart from the queries so that
/// each figure is tested on its own: how late contact is recorded, when contact happens, how old the
/// open work is.
public enum DashboardFigures {
    /// One worker's recording delay (occurred to recorded, PD-1.1 "records … kept"), in whole minutes.
    public struct Delay: Sendable, Equatable {
        public var staffID: UUID
        public var records: Int
        /// The middle delay; of an even number, the lower of the two middle ones (a delay someone had).
        public var medianMinutes: Int
        public var worstMinutes: Int
        /// Records whose delay was over the organisation's target.
        public var overTarget: Int
    }

    public struct Recorded: Sendable {
        public var staffID: UUID
        public var occurredAt: Date
        public var recordedAt: Date

        public init(staffID: UUID, occurredAt: Date, recordedAt: Date) {
            self.staffID = staffID
            self.occurredAt = occurredAt
            self.recordedAt = recordedAt
        }
    }

    /// Per worker, worst median first. A record entered before the contact's time (a clock set
    /// wrong) counts as no delay rather than a negative one.
    public static func recordingDelay(_ rows: [Recorded], targetMinutes: Int) -> [Delay] {
        var minutes: [UUID: [Int]] = [:]
        for r in rows {
            minutes[r.staffID, default: []].append(max(0, Int(r.recordedAt.timeIntervalSince(r.occurredAt) / 60)))
        }
        return minutes.map { id, m in
            let sorted = m.sorted()
            return Delay(
                staffID: id,
                records: sorted.count,
                medianMinutes: sorted[(sorted.count - 1) / 2],
                worstMinutes: sorted.last!,
                overTarget: sorted.count { $0 > targetMinutes }
            )
        }
        .sorted {
            ($1.medianMinutes, $1.worstMinutes, $0.staffID.uuidString) < (
                $0.medianMinutes, $0.worstMinutes, $1.staffID.uuidString
            )
        }
    }

    /// Contact counted by the hour of the day it happened (local to the organisation) and channel:
    /// `counts[channel][hour]`, 24 hours each.
    public static func byHour(_ rows: [(channel: String, occurredAt: Date)], zone: TimeZone) -> [String: [Int]] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var counts: [String: [Int]] = [:]
        for r in rows {
            let hour = calendar.component(.hour, from: r.occurredAt)
            counts[r.channel, default: Array(repeating: 0, count: 24)][hour] += 1
        }
        return counts
    }

    /// Hours of the day (local) that lie wholly or partly outside office hours: what the contact
    /// chart shades. Out-of-hours records themselves are counted from each record's own flag, which
    /// also knows weekends and bank holidays.
    public static func hoursOutsideOffice(_ hours: OfficeHours) -> Set<Int> {
        Set((0..<24).filter { h in h * 60 < hours.opensAtMinute || (h + 1) * 60 > hours.closesAtMinute })
    }

    /// How long an open item has waited.
    public enum AgeBand: Int, CaseIterable, Sendable {
        case underADay, oneToThreeDays, threeToSevenDays, overAWeek

        public var label: String {
            switch self {
            case .underADay: "Under a day"
            case .oneToThreeDays: "1 to 3 days"
            case .threeToSevenDays: "3 to 7 days"
            case .overAWeek: "Over a week"
            }
        }

        /// The band of an item opened at `opened`, seen at `now`. Boundaries belong to the older band:
        /// exactly one day old is "1 to 3 days".
        public init(opened: Date, now: Date) {
            let days = now.timeIntervalSince(opened) / 86_400
            self =
                days < 1 ? .underADay : days < 3 ? .oneToThreeDays : days < 7 ? .threeToSevenDays : .overAWeek
        }
    }

    /// Counts per band, in band order.
    public static func ages(_ opened: [Date], now: Date) -> [Int] {
        var counts = Array(repeating: 0, count: AgeBand.allCases.count)
        for d in opened { counts[AgeBand(opened: d, now: now).rawValue] += 1 }
        return counts
    }
}
