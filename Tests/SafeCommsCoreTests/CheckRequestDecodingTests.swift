import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct CheckRequestDecodingTests {
    func decode(_ json: String) throws -> CheckRequest { try CheckRequest(json: Data(json.utf8)) }

    func error(_ json: String) -> ValidationError? {
        do {
            _ = try decode(json)
            return nil
        } catch { return error as? ValidationError }
    }

    @Test func aFullRequestDecodes() throws {
        let r = try decode(
            """
            {"id": "r1", "packs": ["whatsapp-2020"], "at": "2026-06-15T16:00:00.250Z", "channel": "email", "direction": "incoming",
             "device": {"kind": "work_email"}, "recipient": {"role": "professional", "external": true, "email": "a@school.example.org"},
             "case": {"status": "child_protection", "in_crisis": true, "people": [{"name": "Kai Brown", "aliases": ["KB"], "date_of_birth": "2012-02-29", "address": "4 Elm Road, Poole", "postcode": "BH15 1AA"}]},
             "consents": ["parent_permission"], "emergency": true, "expected_call": false, "secure_email": true, "text": "Hello", "attachments": [{"name": "plan.pdf"}]}
            """
        )
        #expect(r.id == .text("r1") && r.channel == .email && r.direction == .incoming && r.device?.kind == .workEmail)
        #expect(r.recipient == .init(role: .professional, external: true, email: "a@school.example.org"))
        #expect(r.caseInfo?.people.first?.aliases == ["KB"] && r.caseInfo?.inCrisis == true)
        #expect(
            r.consents == [.parentPermission] && r.emergency && r.secureEmail
                && r.attachments == [.init(name: "plan.pdf")]
        )
        #expect(r.at == Date(timeIntervalSince1970: 1_781_539_200.25))
    }

    @Test func defaults() throws {
        let r = try decode(#"{"channel": "sms"}"#)
        #expect(
            r.direction == .outgoing && r.device == nil && r.consents.isEmpty && !r.emergency && r.at == nil
                && r.id == nil
        )
        let nulls = try decode(#"{"channel": "sms", "id": 7, "device": null, "text": null, "emergency": null}"#)
        #expect(
            nulls.id == .number(7) && nulls.device == nil && nulls.text == nil && !nulls.emergency,
            "null is the same as absent"
        )
    }

    /// One vocabulary of channels: the record's; a check is asked only about those that are sent.
    @Test func aCheckIsOnlyForChannelsThatAreSent() throws {
        let sent =
            "sms, whatsapp, whatsapp_call, whatsapp_video, email, phone_call, video_call, social_media, photo, video_recording, audio_recording"
        for notSent in ["face_to_face", "voicemail", "letter", "fax"] {
            #expect(
                error(#"{"channel": "\#(notSent)"}"#)
                    == ValidationError(field: "channel", reason: "unknown value '\(notSent)'; expected one of: \(sent)")
            )
        }
        for channel in Channel.checkable {
            #expect(try decode(#"{"channel": "\#(channel.rawValue)"}"#).channel == channel)
        }
        #expect(Set(Channel.allCases).subtracting(Channel.checkable) == [.voicemail, .faceToFace, .letter])
    }

    @Test func everyBadFieldIsNamed() {
        #expect(error(#"{}"#)?.field == "channel")
        #expect(error(#"{"channel": "fax"}"#)?.field == "channel")
        #expect(error(#"{"channel": "sms", "device": {"kind": "pager"}}"#)?.field == "device.kind")
        #expect(error(#"{"channel": "sms", "device": {}}"#)?.field == "device.kind")
        #expect(
            error(#"{"channel": "sms", "emergency": "yes"}"#)
                == ValidationError(field: "emergency", reason: "expected true or false")
        )
        #expect(error(#"{"channel": "sms", "emergancy": true}"#)?.field == "emergancy")
        #expect(error(#"{"channel": "sms", "at": "tomorrow"}"#)?.field == "at")
        #expect(
            error(#"{"channel": "sms", "at": "2026-11-23T10:00:00"}"#)?.field == "at",
            "a time without a zone is ambiguous"
        )
        #expect(error(#"{"channel": "sms", "consents": ["texting_agreed", "pinky_promise"]}"#)?.field == "consents[1]")
        #expect(
            error(#"{"channel": "sms", "recipient": {"role": "child", "email": "not-an-address"}}"#)?.field
                == "recipient.email"
        )
        #expect(
            error(
                #"{"channel": "sms", "case": {"people": [{"name": "A B"}, {"name": "C D", "date_of_birth": "31/02/2012"}]}}"#
            )?.field
                == "case.people[1].date_of_birth"
        )
        #expect(error(#"{"channel": "sms", "case": {"people": [{"aliases": []}]}}"#)?.field == "case.people[0].name")
        #expect(error(#"{"channel": "sms", "attachments": [{}]}"#)?.field == "attachments[0].name")
        #expect(
            error(#"{"channel": "sms", "device": "work_mobile"}"#)
                == ValidationError(field: "device", reason: "must be a JSON object")
        )
        #expect(
            error(#"{"channel": "sms", "channel": "whatsapp"}"#)
                == ValidationError(field: "channel", reason: "is given more than once")
        )
        #expect(
            error(#"{"channel": "sms", "device": {"kind": "work_mobile", "kind": "personal_mobile"}}"#)?.field
                == "device.kind"
        )
        #expect(
            error(#"{"channel": "sms", "id": 1.5}"#)
                == ValidationError(field: "id", reason: "expected a string or a whole number")
        )
        #expect(
            error(#"{"channel": "sms", "packs": ["whatsapp-2020", 7]}"#)
                == ValidationError(field: "packs[1]", reason: "expected a string")
        )
        #expect(
            error(#"{"channel": "sms", "text": "unclosed}"#)
                == ValidationError(field: "request", reason: "not valid JSON at column 28: a string is not closed")
        )
        #expect(error(#"["channel"]"#) == ValidationError(field: "request", reason: "must be a JSON object"))
    }
}

@Suite struct CheckOrganisationTests {
    @Test func settingsFromYAML() throws {
        let org = try CheckOrganisation.load(
            yaml:
                "packs: [whatsapp-2020]\ntime_zone: Europe/London\noffice_hours: {opens: \"09:00\", closes: \"17:30\", days: [mon, tue, wed, thu]}\nexclude_bank_holidays: false\nwhatsapp_review_date: 2021-03-31\nwork_email_domains: [poole.gov.uk]\n",
            file: "org.yaml"
        )
        #expect(org.packs == ["whatsapp-2020"])
        #expect(
            org.settings.officeHours
                == OfficeHours(
                    opensAtMinute: 540,
                    closesAtMinute: 1050,
                    workingDays: [1, 2, 3, 4],
                    timeZone: "Europe/London",
                    excludeBankHolidays: false
                )
        )
        #expect(org.settings.whatsappReviewDate == "2021-03-31" && org.settings.workEmailDomains == ["poole.gov.uk"])
    }

    @Test func aBadSettingNamesTheFileAndField() {
        #expect(
            throws: PolicyPackError(
                file: "org.yaml",
                field: "office_hours.days[1]",
                reason: "'funday' is not a day of the week"
            )
        ) {
            try CheckOrganisation.load(yaml: "office_hours: {days: [mon, funday]}\n", file: "org.yaml")
        }
        #expect(
            throws: PolicyPackError(
                file: "org.yaml",
                field: "whatsapp_review_date",
                reason: "'soon' is not a date written YYYY-MM-DD"
            )
        ) {
            try CheckOrganisation.load(yaml: "whatsapp_review_date: soon\n", file: "org.yaml")
        }
    }
}
