import Foundation

/// Devices that differ from policy (COV-6, COV-7, LIN-5): the compliance report lists each with what
/// is wrong and the clause.
public enum DeviceCompliance {
    public struct Facts: Sendable {
        public var kind: DeviceKind
        public var callerIDWithheld: Bool
        public var voicemailEnabled: Bool
        /// The holder's absences, if the device has a holder.
        public var holderAbsences: [PhoneDirectory.Absence]

        public init(kind: DeviceKind, callerIDWithheld: Bool, voicemailEnabled: Bool, holderAbsences: [PhoneDirectory.Absence] = []) {
            self.kind = kind
            self.callerIDWithheld = callerIDWithheld
            self.voicemailEnabled = voicemailEnabled
            self.holderAbsences = holderAbsences
        }
    }

    public struct Problem: Sendable, Equatable {
        public var clause: String
        public var message: String
    }

    public static func problems(_ d: Facts, at instant: Date, pickupHours: Int) -> [Problem] {
        var out: [Problem] = []
        if d.kind == .workMobile, !d.callerIDWithheld {
            out.append(Problem(clause: "COV-6", message: "The work mobile shows its number when it calls: it should be withheld."))
        }
        let holder = PhoneDirectory.Worker(id: UUID(), name: "", teamID: nil, absences: d.holderAbsences)
        if d.voicemailEnabled, !holder.voicemailAllowed(at: instant, pickupHours: pickupHours) {
            out.append(Problem(
                clause: "LIN-5",
                message: "Voicemail is on while its holder is away for longer than \(pickupHours) hours: turn it off, and calls go to the team's hunt group (LIN-6)."))
        }
        return out
    }

    /// Whether an absence starting now means the holder's voicemail must be turned off (LIN-5, LIN-6).
    public static func voicemailMustGoOff(_ absence: PhoneDirectory.Absence, pickupHours: Int) -> Bool {
        guard let until = absence.until else { return true }
        return until.timeIntervalSince(absence.from) > Double(pickupHours) * 3600
    }
}
