/// LIN-13: what a line manager makes sure of when a member of staff is unexpectedly unavailable, so
/// that no urgent contact is missed. SafeComms sends calls to the hunt group the moment the absence is
/// recorded; these are the steps on the phones and e-mail themselves, each recorded with who did it
/// and when.
public enum AbsenceChecklist {
    public struct Step: Sendable, Equatable {
        /// The clause: `LIN-13a` … `LIN-13d`.
        public var id: String
        public var action: String
    }

    public static let steps: [Step] = [
        Step(
            id: "LIN-13a",
            action:
                "Unpair the desk number from the mobile and divert it to the local covered landline or the team's hunt group."
        ),
        Step(id: "LIN-13b", action: "Turn off the desk number's voicemail."),
        Step(
            id: "LIN-13c",
            action:
                "Turn on the out-of-office e-mail reply, or, if the staff member cannot, send the IT service desk a high-priority request to do it."
        ),
        Step(id: "LIN-13d", action: "Make sure the work mobile is switched off and its voicemail is turned off."),
    ]

    public static func step(_ id: String) -> Step? { steps.first { $0.id == id } }
}
