import Foundation

/// Devices that differ from policy (COV-6, COV-7, LIN-5, PD-1.11, WNL-10.2): the compliance report
/// lists each with what is wrong and the clause.
public enum DeviceCompliance {
    public struct Facts: Sendable {
        public var kind: DeviceKind
        public var callerIDWithheld: Bool
        public var voicemailEnabled: Bool
        /// PD-1.11: whether it stays on outside office hours.
        public var onOutOfHours: Bool
        /// The holder's absences, if the device has a holder.
        public var holderAbsences: [PhoneDirectory.Absence]

        public init(
            kind: DeviceKind,
            callerIDWithheld: Bool,
            voicemailEnabled: Bool,
            onOutOfHours: Bool = false,
            holderAbsences: [PhoneDirectory.Absence] = []
        ) {
            self.kind = kind
            self.onOutOfHours = onOutOfHours
            self.callerIDWithheld = callerIDWithheld
            self.voicemailEnabled = voicemailEnabled
            self.holderAbsences = holderAbsences
        }
    }

    public struct Problem: Sendable, Equatable {
        public var clause: String
        public var message: String
    }

    /// What the organisation has decided about devices.
    public struct Policy: Sendable {
        public var pickupHours: Int
        /// PD-1.11: the organisation's choice; off by default.
        public var workMobilesOnOutOfHours: Bool
        /// WNL-10.2: a landline connected and operational at all times, where that policy applies.
        public var landlinesAlwaysOn: Bool

        public init(pickupHours: Int, workMobilesOnOutOfHours: Bool = false, landlinesAlwaysOn: Bool = true) {
            self.pickupHours = pickupHours
            self.workMobilesOnOutOfHours = workMobilesOnOutOfHours
            self.landlinesAlwaysOn = landlinesAlwaysOn
        }
    }

    public static func problems(_ d: Facts, at instant: Date, policy: Policy) -> [Problem] {
        let pickupHours = policy.pickupHours
        var out: [Problem] = []
        if d.kind == .workMobile, d.onOutOfHours != policy.workMobilesOnOutOfHours {
            out.append(
                Problem(
                    clause: "PD-1.11",
                    message: d.onOutOfHours
                        ? "The work mobile stays on outside office hours; the organisation's policy is that work mobiles are off then."
                        : "The work mobile is switched off outside office hours; the organisation's policy is that work mobiles stay on."
                )
            )
        }
        if d.kind == .landline, policy.landlinesAlwaysOn, !d.onOutOfHours {
            out.append(
                Problem(
                    clause: "WNL-10.2",
                    message:
                        "The landline is not on at all times: it must be connected and operational for emergency or urgent contact."
                )
            )
        }
        if d.kind == .workMobile, !d.callerIDWithheld {
            out.append(
                Problem(
                    clause: "COV-6",
                    message: "The work mobile shows its number when it calls: it should be withheld."
                )
            )
        }
        let holder = PhoneDirectory.Worker(id: UUID(), name: "", teamID: nil, absences: d.holderAbsences)
        if d.voicemailEnabled, !holder.voicemailAllowed(at: instant, pickupHours: pickupHours) {
            out.append(
                Problem(
                    clause: "LIN-5",
                    message:
                        "Voicemail is on while its holder is away for longer than \(pickupHours) hours: turn it off, and calls go to the team's hunt group (LIN-6)."
                )
            )
        }
        return out
    }

    /// Whether an absence starting now means the holder's voicemail must be turned off (LIN-5, LIN-6).
    public static func voicemailMustGoOff(_ absence: PhoneDirectory.Absence, pickupHours: Int) -> Bool {
        guard let until = absence.until else { return true }
        return until.timeIntervalSince(absence.from) > Double(pickupHours) * 3600
    }
}
