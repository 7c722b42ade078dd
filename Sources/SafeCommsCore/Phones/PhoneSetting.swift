/// Where a young person spends the rest of their week, which decides the phone rule that applies
/// (WNL-6.3.1–WNL-6.3.4).
public enum PhoneSetting: String, Codable, CaseIterable, Sendable {
    /// WNL-6.3.1: the work placement's own rules, usually phones only at breaks.
    case workplace
    /// WNL-6.3.2: their mainstream school's rules.
    case mainstreamSchool = "mainstream_school"
    /// WNL-6.3.3: an alternative provision, where phones are usually handed in for the day.
    case alternativeProvision = "alternative_provision"
    /// WNL-6.3.4: our centre, where phones are not stored but switched off.
    case ourCentre = "our_centre"

    public var clause: String {
        switch self {
        case .workplace: "WNL-6.3.1"
        case .mainstreamSchool: "WNL-6.3.2"
        case .alternativeProvision: "WNL-6.3.3"
        case .ourCentre: "WNL-6.3.4"
        }
    }

    public var label: String {
        switch self {
        case .workplace: "Work placement (WNL-6.3.1)"
        case .mainstreamSchool: "Their mainstream school (WNL-6.3.2)"
        case .alternativeProvision: "Alternative provision (WNL-6.3.3)"
        case .ourCentre: "Our centre (WNL-6.3.4)"
        }
    }

    /// The rule as the policy usually has it, offered when the agreement is recorded.
    public var usualRule: String {
        switch self {
        case .workplace:
            "The placement's own rules: personal use at lunch and tea breaks only; stored safely if offered."
        case .mainstreamSchool: "The school's own rules."
        case .alternativeProvision:
            "Handed in at the start of the day, stored securely and named, returned at set times."
        case .ourCentre: "Switched off (not only silenced) while at the centre; not stored."
        }
    }
}
