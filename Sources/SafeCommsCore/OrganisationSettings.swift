import Foundation

/// What a policy leaves open and the organisation decides (DESIGN.md: settings belong to the
/// organisation, not the pack).
public struct OrganisationSettings: Codable, Equatable, Sendable {
    public var officeHours: OfficeHours
    /// The emergency duty team, who take calls out of hours (COV-4).
    public var emergencyDutyTeamNumber: String?
    /// E-mail domains that count as the organisation's own (LIN-14: anything else is external).
    public var workEmailDomains: [String]
    /// Hours within which voicemail must be picked up (LIN-5).
    public var voicemailPickupHours: Int
    /// Date after which the WhatsApp permission lapses unless renewed (WA-1: "reviewed").
    public var whatsappReviewDate: String?
    /// The policy packs this organisation's checks use, in order; nil: every pack installed.
    public var packs: [String]?
    /// Numbers that are the organisation's own (switchboards, duty lines, work mobiles), each a whole
    /// number or a range ending in `*` ("01202 45****"). PD-12.a and PD-1.9: a number a worker gives
    /// as their own that is not one of these is a personal one. Optional, so settings stored before it
    /// existed still read.
    public var organisationNumbers: [String]?
    /// Reception phones: calls are never diverted to one (LIN-12). Optional for settings stored before it.
    public var receptionNumbers: [String]?
    /// The customer service centre, which a greeting must never give as the alternative number (LIN-5).
    public var customerServiceCentreNumber: String?
    /// PD-1.11: whether work mobiles stay switched on outside office hours. Off by default: a nuisance
    /// call out of hours can be very distressing, and calls then are not accepted unless expected (COV-5).
    public var workMobilesOnOutOfHours: Bool?
    /// The organisation's own deadlines for steps of incidents, in minutes, by kind and step
    /// (`image_received:a`), in place of the clause's: counted as the clause counts them (office time,
    /// or the clock for what it says is immediate). Optional for settings stored before it.
    public var incidentStepMinutes: [String: Int]?
    /// How soon after a contact its record should be written, in hours: the managers' dashboards
    /// measure recording delay against it. The policies ask for records without naming a time
    /// (PD-1.1); nil means 24 hours, the usual practice.
    public var recordingTargetHours: Int?

    /// A page session ends after this many minutes without use (nil: 30), and after `sessionHours`
    /// however active (nil: 10): a shared office PC must not stay signed in over lunch or overnight.
    /// Each session keeps the values in force when it began.
    public var sessionIdleMinutes: Int?
    public var sessionHours: Int?

    /// `recordingTargetHours`, or its default.
    public var recordingTarget: Int { recordingTargetHours ?? 24 }
    /// `sessionIdleMinutes`, or its default.
    public var sessionIdle: Int { sessionIdleMinutes ?? 30 }
    /// `sessionHours`, or its default.
    public var sessionLimit: Int { sessionHours ?? 10 }

    public init(
        officeHours: OfficeHours = .standard,
        emergencyDutyTeamNumber: String? = nil,
        workEmailDomains: [String] = [],
        voicemailPickupHours: Int = 24,
        whatsappReviewDate: String? = nil,
        packs: [String]? = nil,
        organisationNumbers: [String]? = nil,
        receptionNumbers: [String]? = nil
    ) {
        self.officeHours = officeHours
        self.emergencyDutyTeamNumber = emergencyDutyTeamNumber
        self.workEmailDomains = workEmailDomains
        self.voicemailPickupHours = voicemailPickupHours
        self.whatsappReviewDate = whatsappReviewDate
        self.packs = packs
        self.organisationNumbers = organisationNumbers
        self.receptionNumbers = receptionNumbers
    }

    public static let standard = OrganisationSettings()

    /// The organisation's time zone, for reading and showing wall-clock times.
    public var timeZone: TimeZone { OfficeHours.zone(officeHours.timeZone) }

    public func validate() throws(ValidationError) {
        try officeHours.validate()
        if let n = emergencyDutyTeamNumber { _ = try PhoneNumber(parsing: n, field: "emergency_duty_team_number") }
        guard (1...168).contains(voicemailPickupHours) else {
            throw ValidationError(field: "voicemail_pickup_hours", reason: "must be between 1 and 168 hours")
        }
        if let date = whatsappReviewDate, BankHolidays.Day(parsing: date) == nil {
            throw ValidationError(field: "whatsapp_review_date", reason: "'\(date)' is not a date written YYYY-MM-DD")
        }
        let settable = IncidentLadder.settable
        for (key, minutes) in (incidentStepMinutes ?? [:]).sorted(by: { $0.key < $1.key }) {
            let field = "incident_step_minutes.\(key)"
            guard settable[key] != nil else {
                throw ValidationError(
                    field: field,
                    reason: "is not a step with a deadline; name one as kind:letter, such as image_received:a"
                )
            }
            guard (1...14_400).contains(minutes) else {
                throw ValidationError(field: field, reason: "must be between 1 and 14400 minutes (ten days)")
            }
        }
        if let h = recordingTargetHours, !(1...720).contains(h) {
            throw ValidationError(field: "recording_target_hours", reason: "must be between 1 and 720 hours (30 days)")
        }
        if let m = sessionIdleMinutes, !(5...480).contains(m) {
            throw ValidationError(field: "session_idle_minutes", reason: "must be between 5 and 480 minutes")
        }
        if let h = sessionHours, !(1...24).contains(h) {
            throw ValidationError(field: "session_hours", reason: "must be between 1 and 24 hours")
        }
        if let packs, packs.isEmpty {
            throw ValidationError(field: "packs", reason: "name at least one pack, or leave it out for all of them")
        }
        for (i, n) in (organisationNumbers ?? []).enumerated() {
            let field = "organisation_numbers[\(i)]"
            if n.hasSuffix("*") {
                let stem = n.prefix { $0 != "*" }
                guard n.drop(while: { $0 != "*" }).allSatisfy({ $0 == "*" }),
                    let digits = OrganisationContacts.nationalDigits(stem.unicodeScalars.map(\.value)),
                    digits.count >= 4,
                    stem.allSatisfy({ $0.isNumber || " +()-".contains($0) })
                else {
                    throw ValidationError(
                        field: field,
                        reason: "'\(n)' is not a number range: write the fixed digits then stars, such as 01202 45****"
                    )
                }
            } else {
                _ = try PhoneNumber(parsing: n, field: field)
            }
        }
        if let n = customerServiceCentreNumber {
            _ = try PhoneNumber(parsing: n, field: "customer_service_centre_number")
        }
        for (i, n) in (receptionNumbers ?? []).enumerated() {
            _ = try PhoneNumber(parsing: n, field: "reception_numbers[\(i)]")
        }
        for (i, d) in workEmailDomains.enumerated() where !d.contains(".") || d.contains("@") || d.contains(" ") {
            throw ValidationError(
                field: "work_email_domains[\(i)]",
                reason: "'\(d)' is not a domain such as coventry.gov.uk"
            )
        }
    }
}
