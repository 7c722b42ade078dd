import Foundation

extension CheckRequest: Decodable {
    static let fields: Set<String> = [
        "id", "packs", "at", "channel", "direction", "device", "recipient", "case", "consents", "emergency", "expected_call",
        "secure_email", "text", "attachments",
    ]

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, allowing: [])
    }

    /// - Parameter extraFields: keys a caller handles itself (the API's `case_id`).
    public init(from decoder: any Decoder, allowing extraFields: Set<String>) throws {
        let f = try Fields(decoder, prefix: "", known: Self.fields.union(extraFields))
        id = try f.value(CheckID.self, "id", expected: "a string or a whole number")
        packs = try f.value([String].self, "packs", expected: "a list of pack ids")
        at = try f.string("at").map { text throws(ValidationError) in try ISOInstant.parse(text, field: f.path("at")) }
        guard let channel = try f.choice(CheckChannel.self, "channel") else {
            throw ValidationError(
                field: f.path("channel"), reason: "is required; one of: \(CheckChannel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.channel = channel
        direction = try f.choice(Direction.self, "direction") ?? .outgoing
        device = try f.object("device") { d, p in
            let g = try Fields(d, prefix: p, known: ["kind", "whatsapp_enabled"])
            guard let kind = try g.choice(DeviceKind.self, "kind") else {
                throw ValidationError(field: g.path("kind"), reason: "is required when a device is given")
            }
            return Device(kind: kind, whatsappEnabled: try g.bool("whatsapp_enabled") ?? false)
        }
        recipient = try f.object("recipient") { d, p in
            let g = try Fields(d, prefix: p, known: ["role", "external", "email"])
            let email = try g.string("email")
            if let email, !EmailAddress.isPlausible(email) {
                throw ValidationError(field: g.path("email"), reason: "'\(email)' is not an e-mail address")
            }
            return Recipient(role: try g.choice(RecipientRole.self, "role"), external: try g.bool("external"), email: email)
        }
        caseInfo = try f.object("case") { d, p in
            let g = try Fields(d, prefix: p, known: ["status", "in_crisis", "people"])
            let people = try g.objects("people") { d, p in
                let h = try Fields(d, prefix: p, known: ["name", "aliases", "date_of_birth", "address", "postcode"])
                guard let name = try h.string("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ValidationError(field: h.path("name"), reason: "is required for each person")
                }
                let dob = try h.string("date_of_birth")
                if let dob, BankHolidays.Day(parsing: dob) == nil {
                    throw ValidationError(field: h.path("date_of_birth"), reason: "'\(dob)' is not a date written YYYY-MM-DD")
                }
                return CasePersonInfo(
                    name: name, aliases: try h.value([String].self, "aliases", expected: "a list of strings") ?? [], dateOfBirth: dob,
                    address: try h.string("address"), postcode: try h.string("postcode"))
            }
            return CaseInfo(status: try g.choice(CaseStatus.self, "status"), inCrisis: try g.bool("in_crisis") ?? false, people: people ?? [])
        }
        consents = Set(try f.choices(ConsentKind.self, "consents") ?? [])
        emergency = try f.bool("emergency") ?? false
        expectedCall = try f.bool("expected_call") ?? false
        secureEmail = try f.bool("secure_email") ?? false
        text = try f.string("text")
        attachments = try f.objects("attachments") { d, p in
            let g = try Fields(d, prefix: p, known: ["name"])
            guard let name = try g.string("name") else { throw ValidationError(field: g.path("name"), reason: "is required for each attachment") }
            return Attachment(name: name)
        } ?? []
    }
}
