/// A UK (or international) telephone number held in E.164 form (`+447700900123`), so that the same
/// number typed three ways matches itself when logs are reconciled.
public struct PhoneNumber: Hashable, Codable, Sendable, CustomStringConvertible {
    public let e164: String

    public var description: String { e164 }

    /// Parses what people write: `07700 900123`, `+44 (0)7700 900123`, `0044 7700-900123`, `024 7683 2222`.
    /// - Throws: `ValidationError` naming `field` when the text is not a plausible number.
    public init(parsing text: String, field: String) throws(ValidationError) {
        var digits = ""
        var plus = false
        for (i, ch) in text.enumerated() {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if ch == "+", i == 0 || digits.isEmpty && !plus {
                plus = true
            } else if !" -().\u{00A0}".contains(ch) {
                throw ValidationError(field: field, reason: "'\(text)' is not a phone number: unexpected '\(ch)'")
            }
        }
        var national: String
        if plus || digits.hasPrefix("00") {
            if !plus { digits.removeFirst(2) }
            if digits.hasPrefix("44") {
                national = String(digits.dropFirst(2))
                // "+44 (0)7700…": the trunk zero written after the country code.
                if national.hasPrefix("0") { national.removeFirst() }
            } else {
                guard (8...15).contains(digits.count), digits.first != "0" else {
                    throw ValidationError(
                        field: field,
                        reason: "'\(text)' is not an international number (8 to 15 digits after +)"
                    )
                }
                self.e164 = "+" + digits
                return
            }
        } else {
            guard digits.hasPrefix("0") else {
                throw ValidationError(
                    field: field,
                    reason: "'\(text)' has no area code: UK numbers start with 0 or +44"
                )
            }
            national = String(digits.dropFirst())
        }
        // UK national significant numbers are 10 digits; only some 01 areas and 0800 numbers have 9.
        let nineAllowed = national.hasPrefix("1") || national.hasPrefix("800")
        guard national.count == 10 || (nineAllowed && national.count == 9), let first = national.first,
            "123578".contains(first)
        else {
            throw ValidationError(
                field: field,
                reason:
                    "'\(text)' is not a UK phone number (expected 10 or 11 digits starting 01, 02, 03, 05, 07 or 08)"
            )
        }
        self.e164 = "+44" + national
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text, field: decoder.codingPath.map(\.stringValue).joined(separator: "."))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(e164)
    }
}
