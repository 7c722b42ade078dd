/// Reports every occurrence of a list of phrases as one finding type. The first versions of the
/// language, relay, image-request, report-document and personal-contact detectors are phrase lists
/// (`PhraseLists`); issue 4 measures and extends them.
public struct PhraseAnalyser: ContentAnalyser {
    public let type: String
    public let confidence: Double
    let matcher: PhraseMatcher
    /// Also look in attachment names (report documents are usually sent as files).
    let inAttachmentNames: PhraseMatcher?
    /// Only for messages in this direction (nil: both).
    let direction: Direction?

    public init(type: String, phrases: [String], confidence: Double = 0.9, attachmentWords: [String]? = nil, direction: Direction? = nil) {
        self.type = type
        self.confidence = confidence
        matcher = PhraseMatcher(phrases)
        inAttachmentNames = attachmentWords.map { PhraseMatcher($0) }
        self.direction = direction
    }

    public var types: Set<String> { [type] }

    public func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding] {
        if let direction, direction != context.direction { return [] }
        var out = matcher.matches(in: text).map { ContentFinding(type: type, span: text.span($0, type: type), confidence: confidence) }
        if let names = inAttachmentNames {
            for name in context.attachmentNames where !names.matches(in: AnalysedText(name)).isEmpty {
                out.append(ContentFinding(type: type, span: nil, confidence: confidence))
            }
        }
        return out
    }
}

extension PhraseAnalyser {
    /// The phrase analysers SafeComms ships.
    public static let standard: [PhraseAnalyser] = [
        PhraseAnalyser(type: FindingType.textSpeak, phrases: PhraseLists.textSpeak, confidence: 0.8),
        PhraseAnalyser(type: FindingType.inappropriateLanguage, phrases: PhraseLists.inappropriateLanguage),
        PhraseAnalyser(type: FindingType.overfamiliar, phrases: PhraseLists.overfamiliar, direction: .outgoing),
        PhraseAnalyser(type: FindingType.relay, phrases: PhraseLists.relays, direction: .outgoing),
        PhraseAnalyser(type: FindingType.imageRequest, phrases: PhraseLists.imageRequests, direction: .outgoing),
        PhraseAnalyser(
            type: FindingType.reportDocument, phrases: PhraseLists.reportDocuments, attachmentWords: PhraseLists.reportDocumentFileWords),
        PhraseAnalyser(type: FindingType.personalContact, phrases: PhraseLists.personalContact, direction: .outgoing),
    ]
}
