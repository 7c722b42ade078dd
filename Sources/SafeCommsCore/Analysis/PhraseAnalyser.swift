/// Reports occurrences of lists of phrases, each list as its own finding type. The first versions of
/// the language, relay, image-request, report-document and personal-contact detectors are phrase lists
/// (`PhraseLists`); `eval/` measures them. All lists share one matcher, so a message's
/// words are looked up once whatever the number of lists.
public struct PhraseAnalyser: ContentAnalyser {
    public struct List: Sendable {
        public var type: String
        public var phrases: [String]
        public var confidence: Double
        /// Only for messages in this direction (nil: both).
        public var direction: Direction?
        /// Words that make an attachment's name a finding of this type (report documents are usually files).
        public var attachmentWords: [String]?

        public init(
            type: String,
            phrases: [String],
            confidence: Double = 0.9,
            direction: Direction? = nil,
            attachmentWords: [String]? = nil
        ) {
            self.type = type
            self.phrases = phrases
            self.confidence = confidence
            self.direction = direction
            self.attachmentWords = attachmentWords
        }
    }

    let lists: [List]
    let matcher: PhraseMatcher
    let attachmentMatchers: [(list: Int, matcher: PhraseMatcher)]

    public init(_ lists: [List]) {
        self.lists = lists
        matcher = PhraseMatcher(tagged: lists.enumerated().flatMap { i, l in l.phrases.map { ($0, i) } })
        attachmentMatchers = lists.enumerated().compactMap { i, l in l.attachmentWords.map { (i, PhraseMatcher($0)) } }
    }

    public var types: Set<String> { Set(lists.map(\.type)) }

    public func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding] {
        var out: [ContentFinding] = []
        for (range, tag) in matcher.overlapping(in: text) {
            let list = lists[tag]
            if let d = list.direction, d != context.direction { continue }
            out.append(
                ContentFinding(type: list.type, span: text.span(range, type: list.type), confidence: list.confidence)
            )
        }
        for (i, names) in attachmentMatchers {
            for name in context.attachmentNames where !names.matches(in: AnalysedText(name)).isEmpty {
                out.append(ContentFinding(type: lists[i].type, span: nil, confidence: lists[i].confidence))
            }
        }
        return out
    }

    /// The phrase lists SafeComms ships.
    public static let standard = PhraseAnalyser([
        List(type: FindingType.textSpeak, phrases: PhraseLists.textSpeak, confidence: 0.8),
        List(type: FindingType.inappropriateLanguage, phrases: PhraseLists.inappropriateLanguage),
        List(type: FindingType.overfamiliar, phrases: PhraseLists.overfamiliar, direction: .outgoing),
        List(type: FindingType.relay, phrases: PhraseLists.relays, direction: .outgoing),
        List(type: FindingType.imageRequest, phrases: PhraseLists.imageRequests, direction: .outgoing),
        List(
            type: FindingType.reportDocument,
            phrases: PhraseLists.reportDocuments,
            attachmentWords: PhraseLists.reportDocumentFileWords
        ),
        List(type: FindingType.personalContact, phrases: PhraseLists.personalContact, direction: .outgoing),
    ])
}
