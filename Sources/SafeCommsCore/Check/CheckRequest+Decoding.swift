import Foundation

extension CheckRequest {
    static let fields: Set<String> = [
        "id", "packs", "at", "channel", "direction", "device", "recipient", "case", "consents", "emergency",
        "expected_call",
        "secure_email", "text", "attachments",
    ]
    // Built once: a set literal at each call would hash its strings again for every request.
    static let deviceFields: Set<String> = ["kind", "whatsapp_enabled"]
    static let recipientFields: Set<String> = ["role", "external", "email"]
    static let caseFields: Set<String> = ["status", "in_crisis", "people"]
    static let personFields: Set<String> = ["name", "aliases", "date_of_birth", "address", "postcode"]
    static let attachmentFields: Set<String> = ["name"]

    /// A request from JSON bytes, as the CLI and the API receive it.
    /// - Throws: `ValidationError` naming the field (or `request` and the position, when the bytes are not JSON).
    public init(json bytes: some Collection<UInt8>) throws(ValidationError) {
        try self.init(json: try Self.document(bytes))
    }

    /// The parsed document, or the error a caller sees when the bytes are not JSON.
    public static func document(_ bytes: some Collection<UInt8>) throws(ValidationError) -> JSONValue {
        do { return try JSONValue.parse(bytes) } catch {
            throw ValidationError(field: "request", reason: "not valid JSON at \(error.position): \(error.reason)")
        }
    }

    /// - Parameter extraFields: keys a caller handles itself (the API's `case_id`).
    public init(json: JSONValue, allowing extraFields: Set<String> = []) throws(ValidationError) {
        let f = try JSONFields(json, prefix: "", known: Self.fields, also: extraFields)
        id = try f.value("id").map { v throws(ValidationError) in try CheckID(json: v, field: f.path("id")) }
        packs = try f.strings("packs", expected: "a list of pack ids")
        at = try f.string("at").map { text throws(ValidationError) in try ISOInstant.parse(text, field: f.path("at")) }
        guard let channel = try f.choice(Channel.self, "channel", among: Channel.checkable) else {
            throw ValidationError(
                field: f.path("channel"),
                reason: "is required; one of: \(Channel.checkable.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.channel = channel
        direction = try f.choice(Direction.self, "direction") ?? .outgoing
        device = try f.object("device") { v, p throws(ValidationError) in
            let g = try JSONFields(v, prefix: p, known: Self.deviceFields)
            guard let kind = try g.choice(DeviceKind.self, "kind") else {
                throw ValidationError(field: g.path("kind"), reason: "is required when a device is given")
            }
            return Device(kind: kind, whatsappEnabled: try g.bool("whatsapp_enabled") ?? false)
        }
        recipient = try f.object("recipient") { v, p throws(ValidationError) in
            let g = try JSONFields(v, prefix: p, known: Self.recipientFields)
            let email = try g.string("email")
            if let email, !EmailAddress.isPlausible(email) {
                throw ValidationError(field: g.path("email"), reason: "'\(email)' is not an e-mail address")
            }
            return Recipient(
                role: try g.choice(RecipientRole.self, "role"),
                external: try g.bool("external"),
                email: email
            )
        }
        caseInfo = try f.object("case") { v, p throws(ValidationError) in
            let g = try JSONFields(v, prefix: p, known: Self.caseFields)
            let people = try g.objects("people") { v, p throws(ValidationError) in
                try CasePersonInfo(json: v, prefix: p)
            }
            return CaseInfo(
                status: try g.choice(CaseStatus.self, "status"),
                inCrisis: try g.bool("in_crisis") ?? false,
                people: people ?? []
            )
        }
        consents = Set(try f.choices(ConsentKind.self, "consents") ?? [])
        emergency = try f.bool("emergency") ?? false
        expectedCall = try f.bool("expected_call") ?? false
        secureEmail = try f.bool("secure_email") ?? false
        text = try f.string("text")
        attachments =
            try f.objects("attachments") { v, p throws(ValidationError) in try Attachment(json: v, prefix: p) } ?? []
    }
}

extension CasePersonInfo {
    init(json: JSONValue, prefix p: String) throws(ValidationError) {
        let h = try JSONFields(json, prefix: p, known: CheckRequest.personFields)
        guard let name = try h.string("name"), name.unicodeScalars.contains(where: { !$0.properties.isWhitespace })
        else {
            throw ValidationError(field: h.path("name"), reason: "is required for each person")
        }
        let dob = try h.string("date_of_birth")
        if let dob, BankHolidays.Day(parsing: dob) == nil {
            throw ValidationError(field: h.path("date_of_birth"), reason: "'\(dob)' is not a date written YYYY-MM-DD")
        }
        self.init(
            name: name,
            aliases: try h.strings("aliases") ?? [],
            dateOfBirth: dob,
            address: try h.string("address"),
            postcode: try h.string("postcode")
        )
    }
}

extension CheckRequest.Attachment {
    init(json: JSONValue, prefix p: String) throws(ValidationError) {
        let g = try JSONFields(json, prefix: p, known: CheckRequest.attachmentFields)
        guard let name = try g.string("name") else {
            throw ValidationError(field: g.path("name"), reason: "is required for each attachment")
        }
        self.init(name: name)
    }
}

extension CheckID {
    /// A string, or a whole number that fits in 64 bits.
    init(json: JSONValue, field: String) throws(ValidationError) {
        if case .string(let s) = json {
            self = .text(s)
        } else if case .number(let raw) = json, let n = Int(raw) {
            self = .number(n)
        } else {
            throw ValidationError(field: field, reason: "expected a string or a whole number")
        }
    }
}
