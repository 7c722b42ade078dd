/// PD-12.a and PD-1.9: a worker giving a service user contact details of their own that are not the
/// organisation's. The words may say so ("my personal number", "add me on snapchat": the phrase list in
/// `PhraseAnalyser`); this analyser looks at the numbers and addresses themselves. One presented as
/// the worker's own ("text me on …", "my email is …") is a finding unless it is one of the
/// organisation's: its e-mail domains, its numbers and number ranges, its emergency duty team.
///
/// An organisation that lists no numbers leaves a number unjudgeable (most workers text from a work
/// mobile and say "my number"), so only its e-mail domains and free webmail addresses are judged then.
public struct PersonalContactAnalyser: ContentAnalyser {
    public init() {}

    public var types: Set<String> { [FindingType.personalContact] }

    public func analyse(_ text: AnalysedText, context: AnalysisContext) -> [ContentFinding] {
        guard context.direction == .outgoing, Self.mayGiveContact(text) else { return [] }
        let c = text.scalars
        var out: [ContentFinding] = []
        var previousEnd = 0
        for id in IdentifierScanner.scan(c) {
            defer { previousEnd = id.end }
            let isEmail = id.type == FindingType.email
            guard isEmail || id.type == FindingType.phoneNumber,
                Self.presentedAsOwn(text, before: id.start, notBefore: previousEnd),
                !context.organisation.owns(c[id.start..<id.end], isEmail: isEmail)
            else { continue }
            let span = Span(start: id.start, end: id.end, type: FindingType.personalContact)
            out.append(ContentFinding(type: FindingType.personalContact, span: span, confidence: 0.8))
        }
        return out
    }

    /// Whether the message has a first-person word and something that could be a number or an address;
    /// most messages have not, and are answered without a scan.
    static func mayGiveContact(_ text: AnalysedText) -> Bool {
        var own = false, contact = false
        let t = text.tokens, c = text.scalars
        // Read once, not once a word: every read of a static goes through the runtime's once-only check.
        let ownWords = Self.ownWords, hash44 = Self.hash44, hashAt = Self.hashAt, hashDot = Self.hashDot
        for k in t.indices {
            if !own, ownWords.contains(t[k]) { own = true }
            if !contact {
                // A number starting 0 or +44, or an address in words: "at" then a domain ("x.com", "x dot com").
                let h = t[k].hash
                contact =
                    (c[t[k].start] == 0x30 && t[k].end - t[k].start >= 3) || h == hash44
                    || (h == hashAt && k + 2 < t.count
                        && (t[k + 2].start == t[k + 1].end + 1 && c[t[k + 1].end] == 0x2E || t[k + 2].hash == hashDot))
            }
            if own && contact { return true }
        }
        return own && c.contains(0x40)
    }

    static let hash44 = WordHash.of("44"), hashAt = WordHash.of("at"), hashDot = WordHash.of("dot")

    /// Words that make what follows the writer's own.
    static let ownWords = WordSet(["my", "me", "mine", "i", "i'm", "im", "i've", "ive", "myself"])
    /// Words that make it somebody else's or the organisation's: "your mum on …", "our duty team on …",
    /// "my manager on …" (read backwards from the number, the nearer word decides).
    static let otherWords = WordSet([
        "you", "your", "yours", "he", "him", "his", "she", "her", "they", "them", "their", "our", "us", "we", "it",
        "its",
        "manager", "colleague", "team", "office", "duty", "switchboard", "reception", "service", "helpline",
        "childline", "school",
        "mum", "dad", "carer", "teacher", "nurse", "doctor", "gp", "police", "officer", "worker", "number's", "name",
    ])

    /// The nearest telling word within six words before `start`, in the same sentence and after the
    /// last number or address, is the writer's own ("call me on", "my email is", "I'm on").
    static func presentedAsOwn(_ text: AnalysedText, before start: Int, notBefore floor: Int) -> Bool {
        let t = text.tokens
        // The first token at or after `start`, by binary search.
        var lo = 0, hi = t.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if t[mid].start < start { lo = mid + 1 } else { hi = mid }
        }
        var k = lo - 1
        var boundary = start
        var seen = 0
        while k >= 0, seen < 6, t[k].start >= floor {
            // A sentence ends between this word and the one after it.
            if t[k].end < boundary,
                text.scalars[t[k].end..<boundary].contains(where: {
                    $0 == 0x2E || $0 == 0x21 || $0 == 0x3F || $0 == 0x0A
                })
            {
                return false
            }
            if ownWords.contains(t[k]) { return true }
            if otherWords.contains(t[k]) { return false }
            boundary = t[k].start
            seen += 1
            k -= 1
        }
        return false
    }
}

/// What counts as the organisation's own contact details, from its settings.
public struct OrganisationContacts: Sendable, Equatable {
    /// An address at one of these, or at a subdomain of one, is the organisation's.
    public var emailDomains: [String]
    /// Numbers and ranges as the settings write them ("01202 45****", "+44 7700 900123"); a number whose
    /// national digits start with one's is the organisation's. Kept as written, and read only when a
    /// message gives a number as the writer's own, so that building this costs a check nothing.
    public var numbers: [String]

    public init(emailDomains: [String] = [], numbers: [String] = []) {
        self.emailDomains = emailDomains
        self.numbers = numbers
    }

    public init(settings: OrganisationSettings) {
        self.init(
            emailDomains: settings.workEmailDomains,
            numbers: (settings.organisationNumbers ?? []) + (settings.emergencyDutyTeamNumber.map { [$0] } ?? [])
        )
    }

    public static let none = OrganisationContacts()

    /// Free webmail: never an organisation's address, whatever it has listed.
    static let webmailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "live.co.uk",
        "msn.com", "yahoo.com",
        "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "aol.co.uk", "btinternet.com",
        "sky.com", "talktalk.net",
        "virginmedia.com", "protonmail.com", "proton.me", "gmx.com", "gmx.co.uk", "mail.com",
    ]

    /// Whether the number or address (as written in the message) is the organisation's. An address or
    /// number it cannot judge counts as the organisation's, so that no guess blocks a message.
    func owns(_ written: ArraySlice<UInt32>, isEmail: Bool) -> Bool {
        if isEmail {
            let address = IdentifierScanner.normalisedEmail(written)
            guard let at = address.lastIndex(of: "@") else { return true }
            let domain = String(address[address.index(after: at)...])
            if Self.webmailDomains.contains(domain) { return false }
            guard !emailDomains.isEmpty else { return true }
            return emailDomains.contains { d in
                let d = d.lowercased()
                return domain == d || domain.hasSuffix("." + d)
            }
        }
        guard !numbers.isEmpty, let digits = Self.nationalDigits(Array(written)) else { return true }
        return numbers.contains { n in
            Self.nationalDigits(n.unicodeScalars.map(\.value)).map { digits.hasPrefix($0) } ?? false
        }
    }

    /// The national digits of a UK number or range as written ("+44 (0)7700 900123" → "07700900123",
    /// "01202 45****" → "0120245"); nil when it is not one.
    static func nationalDigits(_ written: [UInt32]) -> String? {
        var digits = written.filter { IdentifierScanner.isDigit($0) }.map { Character(Unicode.Scalar(UInt8($0))) }
        if written.first(where: { $0 != 0x20 }) == 0x2B {  // +44
            guard digits.starts(with: ["4", "4"]) else { return nil }
            digits.removeFirst(2)
            if digits.first != "0" { digits.insert("0", at: 0) }
        }
        guard digits.first == "0", digits.count >= 3 else { return nil }
        return String(digits)
    }
}
