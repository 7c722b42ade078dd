import Foundation
import SafeCommsCore

/// Who the names (or numbers) in an imported file are: one of the case's people, or a member of staff.
/// A name matches a person's name or alias, or a member of staff's name, ignoring case, spacing and
/// the invisible marks exports carry; a number matches a person's phone or a work mobile; an e-mail
/// address matches a person's or a member of staff's. A name that
/// matches more than one, or none, is unmatched: the user maps it (`mappings`: the name as written →
/// a person's name or a member of staff's e-mail address, or `-` for someone outside the case) before
/// anything is written.
public struct ParticipantMatcher: Sendable {
    public enum Match: Sendable, Equatable {
        case person(UUID)
        case staff(UUID)
        /// Mapped to `-`: someone outside the case (a school's office copied into an e-mail), kept as
        /// written and not a case person.
        case outsider
    }

    public struct Person: Sendable {
        public var id: UUID, name: String, aliases: [String], phone: String?, email: String?
        public init(id: UUID, name: String, aliases: [String] = [], phone: String? = nil, email: String? = nil) {
            self.id = id
            self.name = name
            self.aliases = aliases
            self.phone = phone
            self.email = email
        }
    }

    public struct Staff: Sendable {
        public var id: UUID, name: String, email: String, mobile: String?
        public init(id: UUID, name: String, email: String, mobile: String? = nil) {
            self.id = id
            self.name = name
            self.email = email
            self.mobile = mobile
        }
    }

    let people: [Person]
    let staff: [Staff]
    let mappings: [String: String]

    public init(people: [Person], staff: [Staff], mappings: [String: String] = [:]) {
        self.people = people
        self.staff = staff
        self.mappings = Dictionary(
            mappings.map { (Self.normalised($0.key), $0.value) },
            uniquingKeysWith: { a, _ in a }
        )
    }

    /// Lower case, single spaces, no marks: "  Jo\u{200E}  BLOGGS " → "jo bloggs".
    static func normalised(_ s: String) -> String {
        s.unicodeScalars.filter { !["\u{200E}", "\u{200F}", "\u{FEFF}", "\u{202A}", "\u{202C}"].contains($0) }
            .map { Character($0) }.reduce(into: "") { $0.append($1) }
            .lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    public func match(_ written: String) -> Match? {
        let key = Self.normalised(written)
        if let target = mappings[key] { return target == "-" ? .outsider : resolve(target) }
        return resolve(written)
    }

    private func resolve(_ text: String) -> Match? {
        let key = Self.normalised(text)
        if key.contains("@") {
            // An e-mail address (as an e-mail import writes its people): a person's or a member of staff's.
            let candidates =
                people.filter { $0.email?.lowercased() == key }.map { Match.person($0.id) }
                + staff.filter { $0.email.lowercased() == key }.map { Match.staff($0.id) }
            return candidates.count == 1 ? candidates[0] : nil
        }
        if let number = try? PhoneNumber(parsing: text, field: "").e164, text.contains(where: \.isNumber) {
            let candidates =
                people.filter { $0.phone == number }.map { Match.person($0.id) }
                + staff.filter { $0.mobile == number }.map { Match.staff($0.id) }
            return candidates.count == 1 ? candidates[0] : nil
        }
        let candidates =
            people.filter { p in Self.normalised(p.name) == key || p.aliases.contains { Self.normalised($0) == key } }
            .map { Match.person($0.id) }
            + staff.filter { Self.normalised($0.name) == key }.map { Match.staff($0.id) }
        return candidates.count == 1 ? candidates[0] : nil
    }
}
