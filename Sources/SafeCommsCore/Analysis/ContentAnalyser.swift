/// Finds things in the words of a message. Analysers are independent values behind this one protocol,
/// so the rules take whatever analysers exist: a rule names finding types (`CASE_PERSON`,
/// `REPORT_DOCUMENT` …), never an analyser.
public protocol ContentAnalyser: Sendable {
    /// The finding types this analyser can report.
    var types: Set<String> { get }
    func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding]
}

/// What an analyser knows besides the text: the people on the case, the attachments' names and the
/// organisation's own contact details.
public struct AnalysisContext: Sendable {
    public var people: [CasePersonInfo]
    public var attachmentNames: [String]
    public var direction: Direction
    /// The finding types anyone will look at (nil: all); an analyser may skip work for the others.
    public var wanted: Set<String>?
    /// The organisation's own numbers and e-mail domains (a worker may give those out).
    public var organisation: OrganisationContacts

    public init(
        people: [CasePersonInfo] = [],
        attachmentNames: [String] = [],
        direction: Direction = .outgoing,
        wanted: Set<String>? = nil,
        organisation: OrganisationContacts = .none
    ) {
        self.people = people
        self.attachmentNames = attachmentNames
        self.direction = direction
        self.wanted = wanted
        self.organisation = organisation
    }

    public func wants(_ type: String) -> Bool { wanted?.contains(type) ?? true }
}

/// One thing found. `span` is nil when it was found outside the text (an attachment's name).
public struct ContentFinding: Sendable, Equatable {
    public var type: String
    public var span: Span?
    public var confidence: Double

    public init(type: String, span: Span?, confidence: Double) {
        self.type = type
        self.span = span
        self.confidence = confidence
    }
}

/// The finding types the packs refer to.
public enum FindingType {
    public static let casePerson = "CASE_PERSON"
    public static let dateOfBirth = "DATE_OF_BIRTH"
    public static let address = "ADDRESS"
    public static let postcode = "POSTCODE"
    public static let reportDocument = "REPORT_DOCUMENT"
    public static let textSpeak = "TEXT_SPEAK"
    public static let inappropriateLanguage = "INAPPROPRIATE_LANGUAGE"
    public static let overfamiliar = "OVERFAMILIAR"
    public static let relay = "RELAY"
    public static let imageRequest = "IMAGE_REQUEST"
    public static let personalContact = "PERSONAL_CONTACT"
    // Personal data of anyone, found without knowing the case.
    public static let person = "PERSON"
    public static let phoneNumber = "PHONE_NUMBER"
    public static let email = "EMAIL"
    public static let nhsNumber = "NHS_NUMBER"
    public static let nino = "UK_NINO"
}
