import Foundation

/// "May I?": one communication a practitioner is about to send (or has just received), described as
/// the `safecomms check` contract and `POST /api/v1/checks` describe it. Everything the evaluator
/// decides on is here; the organisation's settings and packs come separately.
public struct CheckRequest: Sendable, Equatable {
    /// Echoed in the decision so a caller can match answers to questions.
    public var id: CheckID?
    /// Pack ids; overrides the organisation's (or `--packs`) when present.
    public var packs: [String]?
    /// When the communication happens; the caller's "now" when absent.
    public var at: Date?
    public var channel: Channel
    public var direction: Direction
    public var device: Device?
    public var recipient: Recipient?
    public var caseInfo: CaseInfo?
    public var consents: Set<ConsentKind>
    public var emergency: Bool
    public var expectedCall: Bool
    public var secureEmail: Bool
    public var text: String?
    public var attachments: [Attachment]

    public init(
        id: CheckID? = nil,
        packs: [String]? = nil,
        at: Date? = nil,
        channel: Channel,
        direction: Direction = .outgoing,
        device: Device? = nil,
        recipient: Recipient? = nil,
        caseInfo: CaseInfo? = nil,
        consents: Set<ConsentKind> = [],
        emergency: Bool = false,
        expectedCall: Bool = false,
        secureEmail: Bool = false,
        text: String? = nil,
        attachments: [Attachment] = []
    ) {
        self.id = id
        self.packs = packs
        self.at = at
        self.channel = channel
        self.direction = direction
        self.device = device
        self.recipient = recipient
        self.caseInfo = caseInfo
        self.consents = consents
        self.emergency = emergency
        self.expectedCall = expectedCall
        self.secureEmail = secureEmail
        self.text = text
        self.attachments = attachments
    }

    public struct Device: Sendable, Equatable {
        public var kind: DeviceKind
        public var whatsappEnabled: Bool
        public init(kind: DeviceKind, whatsappEnabled: Bool = false) {
            self.kind = kind
            self.whatsappEnabled = whatsappEnabled
        }
    }

    public struct Recipient: Sendable, Equatable {
        public var role: RecipientRole?
        /// Outside the organisation (LIN-14). Taken from the e-mail domain when not given.
        public var external: Bool?
        public var email: String?
        public init(role: RecipientRole? = nil, external: Bool? = nil, email: String? = nil) {
            self.role = role
            self.external = external
            self.email = email
        }
    }

    public struct CaseInfo: Sendable, Equatable {
        public var status: CaseStatus?
        public var inCrisis: Bool
        public var people: [CasePersonInfo]
        public init(status: CaseStatus? = nil, inCrisis: Bool = false, people: [CasePersonInfo] = []) {
            self.status = status
            self.inCrisis = inCrisis
            self.people = people
        }
    }

    public struct Attachment: Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }
}

/// A person on the case, as the content analysers need them: the words that identify them.
public struct CasePersonInfo: Sendable, Hashable {
    public var name: String
    public var aliases: [String]
    /// YYYY-MM-DD.
    public var dateOfBirth: String?
    public var address: String?
    public var postcode: String?

    public init(
        name: String,
        aliases: [String] = [],
        dateOfBirth: String? = nil,
        address: String? = nil,
        postcode: String? = nil
    ) {
        self.name = name
        self.aliases = aliases
        self.dateOfBirth = dateOfBirth
        self.address = address
        self.postcode = postcode
    }
}

/// A request id, echoed as it came: a string or a number.
public enum CheckID: Sendable, Equatable, Codable {
    case text(String)
    case number(Int)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        }
    }
}

/// Who the communication is with. `colleague` is staff of the organisation; `other` anyone else,
/// including a personal contact.
public enum RecipientRole: String, Codable, CaseIterable, Sendable {
    case child
    case parentCarer = "parent_carer"
    case professional
    case colleague
    case other
}
