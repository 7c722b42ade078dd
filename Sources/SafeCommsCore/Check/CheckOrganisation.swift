import Foundation
import Yams

/// An organisation as the CLI's `--org ORG.yaml` describes it: its settings and its packs.
///
/// ```yaml
/// packs: [pan-dorset-4.4, whatsapp-2020]
/// time_zone: Europe/London
/// office_hours: {opens: "08:30", closes: "17:00", days: [mon, tue, wed, thu, fri]}
/// exclude_bank_holidays: true
/// whatsapp_review_date: 2021-03-31
/// work_email_domains: [example.gov.uk]
/// organisation_numbers: ["01202 45****", "07700 900123"]
/// ```
/// Without a file: 08:30–17:00 Monday to Friday, Europe/London, bank holidays excluded, all packs.
public struct CheckOrganisation: Sendable, Equatable {
    public var settings: OrganisationSettings
    /// The organisation's packs (its settings' `packs`).
    public var packs: [String]? {
        get { settings.packs }
        set { settings.packs = newValue }
    }

    public init(packs: [String]? = nil, settings: OrganisationSettings = .standard) {
        self.settings = settings
        if let packs { self.packs = packs }
    }

    static let days = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    /// - Throws: `PolicyPackError` naming the file and the field.
    public static func load(yaml: String, file: String) throws -> CheckOrganisation {
        try decodeYAML(file: file) {
            try CheckOrganisation(
                yaml: try BoundedYAML.compose(yaml, maxBytes: 256 << 10, maxValues: 10_000, resolver: .basic)
            )
        }
    }
}

extension CheckOrganisation {
    init(yaml node: Node) throws {
        let f = try Fields(
            node,
            prefix: "",
            known: [
                "name", "packs", "time_zone", "office_hours", "exclude_bank_holidays", "whatsapp_review_date",
                "work_email_domains",
                "emergency_duty_team_number", "voicemail_pickup_hours", "organisation_numbers", "reception_numbers",
                "customer_service_centre_number",
                "work_mobiles_on_out_of_hours",
            ]
        )
        var s = OrganisationSettings.standard
        s.packs = try f.value([String].self, "packs", expected: "a list of pack ids")
        if let zone = try f.string("time_zone") { s.officeHours.timeZone = zone }
        if let hours = try f.object(
            "office_hours",
            { d, p in
                let g = try Fields(d, prefix: p, known: ["opens", "closes", "days"])
                var h = s.officeHours
                if let o = try g.string("opens") {
                    h.opensAtMinute = try OfficeHours.parseClock(o, field: g.path("opens"))
                }
                if let c = try g.string("closes") {
                    h.closesAtMinute = try OfficeHours.parseClock(c, field: g.path("closes"))
                }
                if let days = try g.value(
                    [String].self,
                    "days",
                    expected: "a list of days such as [mon, tue, wed, thu, fri]"
                ) {
                    h.workingDays = Set(
                        try days.enumerated().map { i, d throws(ValidationError) in
                            guard let n = Self.days[String(d.lowercased().prefix(3))] else {
                                throw ValidationError(
                                    field: "\(g.path("days"))[\(i)]",
                                    reason: "'\(d)' is not a day of the week"
                                )
                            }
                            return n
                        }
                    )
                }
                return h
            }
        ) {
            s.officeHours = hours
        }
        if let b = try f.bool("exclude_bank_holidays") { s.officeHours.excludeBankHolidays = b }
        s.whatsappReviewDate = try f.value(String.self, "whatsapp_review_date", expected: "a date written YYYY-MM-DD")
        s.workEmailDomains = try f.value([String].self, "work_email_domains", expected: "a list of domains") ?? []
        s.emergencyDutyTeamNumber = try f.string("emergency_duty_team_number")
        s.organisationNumbers = try f.value(
            [String].self,
            "organisation_numbers",
            expected: "a list of numbers or ranges such as 01202 45****"
        )
        s.receptionNumbers = try f.value([String].self, "reception_numbers", expected: "a list of phone numbers")
        s.customerServiceCentreNumber = try f.string("customer_service_centre_number")
        s.workMobilesOnOutOfHours = try f.bool("work_mobiles_on_out_of_hours")
        if let v = try f.value(Int.self, "voicemail_pickup_hours", expected: "a whole number of hours") {
            s.voicemailPickupHours = v
        }
        try s.validate()
        settings = s
    }
}
