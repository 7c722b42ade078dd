/// What went wrong, each kind from the clause that says what must then happen. The raw values are
/// what the API and the store use.
public enum IncidentKind: String, CaseIterable, Codable, Sendable {
    /// PD-1.10: an abusive, threatening or nuisance call or message.
    case abusiveContact = "abusive_contact"
    /// WA-13: an inappropriate message or attachment received.
    case inappropriateMessage = "inappropriate_message"
    /// PD-1.13: unsolicited material (by Bluetooth, say) received on a work phone.
    case unsolicitedImage = "unsolicited_image"
    /// PD-2.3: an indecent image received on a member of staff's phone.
    case imageReceived = "image_received"
    /// PD-2.2: a young person offers a member of staff images to view.
    case imagesVolunteered = "images_volunteered"
    /// PD-2.4: a young person refuses to hand over a phone holding such material.
    case phoneRefused = "phone_refused"
    /// PD-2.1: a member of staff asked a young person to forward material.
    case imageRequestByStaff = "image_request_by_staff"
    /// PD-2.5: content that may be indecent, which nobody downloads.
    case doubtfulContent = "doubtful_content"
    /// PD-4.2: a social-networking site holds personal information about activities of concern.
    case socialNetworkConcern = "social_network_concern"
    /// WNL-5.2: a concern about a member of staff's conduct with a child.
    case conductConcern = "conduct_concern"
    /// A breach of any clause, named when the incident is raised.
    case policyBreach = "policy_breach"

    /// The clause the kind comes from; nil for a policy breach, whose clause is the one breached.
    public var clause: String? {
        switch self {
        case .abusiveContact: "PD-1.10"
        case .inappropriateMessage: "WA-13"
        case .unsolicitedImage: "PD-1.13"
        case .imageReceived: "PD-2.3"
        case .imagesVolunteered: "PD-2.2"
        case .phoneRefused: "PD-2.4"
        case .imageRequestByStaff: "PD-2.1"
        case .doubtfulContent: "PD-2.5"
        case .socialNetworkConcern: "PD-4.2"
        case .conductConcern: "WNL-5.2"
        case .policyBreach: nil
        }
    }

    /// Kinds seen only by the reporter, their line manager, the DSL and auditors, not by the rest of the
    /// case's team: indecent images, and concerns about a member of staff.
    public var isRestricted: Bool {
        switch self {
        case .imageReceived, .imagesVolunteered, .imageRequestByStaff, .doubtfulContent, .conductConcern: true
        default: false
        }
    }

    /// In plain words, for pages and e-mails.
    public var label: String {
        switch self {
        case .abusiveContact: "Abusive, threatening or nuisance call or message"
        case .inappropriateMessage: "Inappropriate message or attachment"
        case .unsolicitedImage: "Unsolicited image received on a work phone"
        case .imageReceived: "Indecent image received"
        case .imagesVolunteered: "Young person offered images to view"
        case .phoneRefused: "Young person refused to hand over their phone"
        case .imageRequestByStaff: "Member of staff asked a young person to forward material"
        case .doubtfulContent: "Content that may be indecent"
        case .socialNetworkConcern: "Concern found on a social-networking site"
        case .conductConcern: "Concern about a member of staff's conduct"
        case .policyBreach: "Breach of a policy clause"
        }
    }

    public static func parse(_ text: String, field: String) throws(ValidationError) -> IncidentKind {
        guard let k = IncidentKind(rawValue: text) else {
            throw ValidationError(
                field: field,
                reason:
                    "'\(text)' is not a kind of incident: one of \(allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return k
    }
}
