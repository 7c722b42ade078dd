import Foundation

/// Voicemail greetings (COV-4, COV-7, LIN-5, LIN-6, LIN-8): the greeting generated from the
/// organisation's template, the one for leave, and the problems of a greeting a worker wrote, each
/// named with its clause.
public enum Voicemail {
    /// What a greeting must say, from the worker and the organisation.
    public struct Facts: Sendable {
        public var name: String
        /// LIN-5: a local number covered in office hours (the team's number or covered landline); never
        /// the customer service centre's.
        public var alternativeNumber: String
        public var email: String?
        public var officeHours: OfficeHours
        public var emergencyDutyTeamNumber: String?
        /// The customer service centre, which must not be the alternative number (LIN-5).
        public var customerServiceCentreNumber: String?

        public init(
            name: String,
            alternativeNumber: String,
            email: String?,
            officeHours: OfficeHours,
            emergencyDutyTeamNumber: String?,
            customerServiceCentreNumber: String? = nil
        ) {
            self.name = name
            self.alternativeNumber = alternativeNumber
            self.email = email
            self.officeHours = officeHours
            self.emergencyDutyTeamNumber = emergencyDutyTeamNumber
            self.customerServiceCentreNumber = customerServiceCentreNumber
        }

        /// The facts themselves must be right before any greeting is made from them.
        public func validate() throws(ValidationErrors) {
            var errors: [ValidationError] = []
            if name.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.append(ValidationError(field: "name", reason: "is required"))
            }
            switch Result(catching: { () throws(ValidationError) in
                try PhoneNumber(parsing: alternativeNumber, field: "alternative_number")
            }) {
            case .failure(let e): errors.append(e)
            case .success(let n):
                if let csc = customerServiceCentreNumber, (try? PhoneNumber(parsing: csc, field: ""))?.e164 == n.e164 {
                    errors.append(
                        ValidationError(
                            field: "alternative_number",
                            reason: "is the customer service centre's number, which LIN-5 rules out"
                        )
                    )
                } else if n.e164.hasPrefix("+447") {
                    errors.append(
                        ValidationError(
                            field: "alternative_number",
                            reason: "must be a local number covered in office hours, not a mobile (LIN-5)"
                        )
                    )
                }
            }
            if emergencyDutyTeamNumber == nil {
                errors.append(
                    ValidationError(
                        field: "emergency_duty_team_number",
                        reason: "is required: the greeting gives it for out-of-hours calls (COV-4)"
                    )
                )
            }
            if !errors.isEmpty { throw ValidationErrors(errors) }
        }
    }

    /// COV-4's wording, with LIN-5's 24-hour alternative.
    public static func greeting(_ f: Facts) throws(ValidationErrors) -> String {
        try f.validate()
        var text =
            "Hello, you have reached the voicemail of \(f.name). I am not available to take your call at the moment. "
        text +=
            "If you have an urgent query or concern, or need a response within 24 hours, please call \(f.alternativeNumber) "
        text +=
            "between \(clock(f.officeHours.opensAtMinute)) and \(clock(f.officeHours.closesAtMinute)), \(days(f.officeHours)). "
        text +=
            "If your call is outside these hours, please contact the Emergency Duty Team on \(f.emergencyDutyTeamNumber ?? ""). "
        text +=
            f.email.map {
                "If your query does not need an urgent response, you can email me at \($0) or call back later."
            }
            ?? "If your query does not need an urgent response, please call back later."
        return text
    }

    /// LIN-8: the greeting while on leave, with the return date and another person to contact.
    public static func leaveGreeting(
        _ f: Facts,
        returning: BankHolidays.Day,
        colleague: String,
        colleagueNumber: String
    ) throws(ValidationErrors) -> String {
        try f.validate()
        var text =
            "Hello, you have reached the voicemail of \(f.name). I am on leave and expect to return on \(longDate(returning)). "
        text += "Messages left here will not be heard until then. Please contact \(colleague) on \(colleagueNumber), "
        text +=
            "or for anything urgent call \(f.alternativeNumber) between \(clock(f.officeHours.opensAtMinute)) and \(clock(f.officeHours.closesAtMinute)). "
        text += "Outside these hours, please contact the Emergency Duty Team on \(f.emergencyDutyTeamNumber ?? "")."
        return text
    }

    /// One thing wrong with a greeting, and the clause it fails.
    public struct Problem: Sendable, Equatable {
        public var clause: String
        public var message: String
    }

    /// Every problem of a greeting the worker wrote (an empty list: it says what it must).
    public static func problems(in greeting: String, _ f: Facts) -> [Problem] {
        let numbers = Set(
            IdentifierScanner.scan(AnalysedText(greeting).scalars).filter { $0.type == FindingType.phoneNumber }
                .compactMap { found in
                    let written = String(
                        String.UnicodeScalarView(Array(greeting.unicodeScalars)[found.start..<found.end])
                    )
                    return try? PhoneNumber(parsing: written, field: "").e164
                }
        )
        func e164(_ s: String?) -> String? { s.flatMap { try? PhoneNumber(parsing: $0, field: "").e164 } }
        var out: [Problem] = []
        let lower = greeting.lowercased()
        if !lower.contains(f.name.lowercased().split(separator: " ").first.map(String.init) ?? f.name.lowercased()) {
            out.append(Problem(clause: "COV-4", message: "It does not say whose voicemail this is: give your name."))
        }
        if let csc = e164(f.customerServiceCentreNumber), numbers.contains(csc) {
            out.append(
                Problem(
                    clause: "LIN-5",
                    message: "It gives the customer service centre's number, which must not be the alternative number."
                )
            )
        }
        if let alt = e164(f.alternativeNumber), !numbers.contains(alt) {
            out.append(
                Problem(
                    clause: "LIN-5",
                    message:
                        "It does not give \(f.alternativeNumber), the local number covered in office hours, for a response needed within 24 hours."
                )
            )
        }
        if !(lower.contains("24 hours") || lower.contains("24hrs") || lower.contains("24 hrs")
            || lower.contains("twenty-four hours") || lower.contains("urgent"))
        {
            out.append(
                Problem(
                    clause: "LIN-5",
                    message:
                        "It does not tell callers who need a response within 24 hours to call the alternative number."
                )
            )
        }
        if let edt = e164(f.emergencyDutyTeamNumber), !numbers.contains(edt) {
            out.append(
                Problem(
                    clause: "COV-4",
                    message:
                        "It does not give the Emergency Duty Team's number (\(f.emergencyDutyTeamNumber ?? "")) for calls out of hours."
                )
            )
        }
        if let email = f.email, !lower.contains(email.lowercased()) {
            out.append(
                Problem(
                    clause: "COV-4",
                    message: "It does not give your e-mail address (\(email)) for queries that are not urgent."
                )
            )
        }
        return out
    }

    static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        let h12 = h % 12 == 0 ? 12 : h % 12
        return m == 0 ? "\(h12)\(h < 12 ? "am" : "pm")" : "\(h12):\(m < 10 ? "0" : "")\(m)\(h < 12 ? "am" : "pm")"
    }

    static let dayNames = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static func days(_ h: OfficeHours) -> String {
        let d = h.workingDays.sorted()
        if d == [1, 2, 3, 4, 5] { return "Monday to Friday" }
        return d.map { dayNames[$0] }.joined(separator: ", ")
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    static func longDate(_ d: BankHolidays.Day) -> String {
        // weekday: 0 is Sunday
        "\(dayNames[d.weekday == 0 ? 7 : d.weekday]) \(d.day) \(monthNames[d.month - 1]) \(d.year)"
    }
}

/// LIN-8: the out-of-office e-mail reply while on leave, for internal and external senders alike, with
/// the return date and another person to contact.
public enum OutOfOffice {
    public static func leaveReply(
        name: String,
        returning: BankHolidays.Day,
        colleague: String?,
        colleagueContact: String?,
        alternativeNumber: String?
    ) -> String {
        var text = "Thank you for your e-mail. I am on leave and expect to return on \(Voicemail.longDate(returning)). "
        text += "I will not be reading e-mail until then. "
        if let colleague {
            text +=
                "For anything that cannot wait, please contact \(colleague)\(colleagueContact.map { " (\($0))" } ?? "")"
            text += alternativeNumber.map { " or call \($0) in office hours." } ?? "."
        } else if let alternativeNumber {
            text += "For anything that cannot wait, please call \(alternativeNumber) in office hours."
        }
        return text + " \(name)"
    }
}
