import Testing

@testable import SafeCommsCore

/// PD-12.a and PD-1.9: numbers and addresses a worker gives as their own that are not the organisation's.
@Suite struct PersonalContactTests {
    let organisation = OrganisationContacts(
        settings: OrganisationSettings(
            emergencyDutyTeamNumber: "01305 228 866",
            workEmailDomains: ["Dorsetcouncil.gov.uk"],
            organisationNumbers: ["01305 22****", "07700 900100"]
        )
    )

    func found(_ text: String, _ org: OrganisationContacts? = nil, direction: Direction = .outgoing) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let context = AnalysisContext(direction: direction, organisation: org ?? organisation)
        return PersonalContactAnalyser().analyse(AnalysedText(text), context: context).compactMap(\.span).map {
            String(String.UnicodeScalarView(scalars[$0.start..<$0.end]))
        }
    }

    @Test func theWorkersOwnNumbersAndAddressesThatAreNotTheOrganisations() {
        #expect(found("text me on 07700 900456 x") == ["07700 900456"])
        #expect(found("My mobile: +44 7700 900456.") == ["+44 7700 900456"])
        #expect(found("I'm on 07700900456 all weekend") == ["07700900456"])
        #expect(found("my email is jo.smith@gmail.com") == ["jo.smith@gmail.com"])
        #expect(found("my email is jo.smith at gmail dot com") == ["jo.smith at gmail dot com"])
        #expect(found("email me: jo@smith-family.co.uk") == ["jo@smith-family.co.uk"], "not the organisation's domain")
    }

    @Test func theOrganisationsOwnAreNotFindings() {
        #expect(found("ring me on 01305 221 400") == [], "in the organisation's range")
        #expect(found("text me on +44 (0)7700 900100") == [], "a listed work mobile")
        #expect(found("out of hours call me via the duty team 01305 228866") == [], "the duty team counts")
        #expect(found("email me at Jo.Smith@DorsetCouncil.gov.uk") == [])
        #expect(found("email me at jo.smith@children.dorsetcouncil.gov.uk") == [], "a subdomain")
    }

    @Test func somebodyElsesAreNotTheWorkers() {
        #expect(found("your mum is on 07700 900321") == [])
        #expect(found("Call me or ring my manager on 07700 900321") == [])
        #expect(found("I called. Number: 07700 900321") == [], "a sentence boundary")
        #expect(
            found("my number is 07700 900100, your sister's is 07700 900321") == [],
            "after another number, only the nearer words count"
        )
        #expect(found("you can reach the housing officer at jo@gmail.com") == [])
    }

    @Test func withNothingListedOnlyWebmailIsJudged() {
        let none = OrganisationContacts.none
        #expect(found("text me on 07700 900456", none) == [], "a number cannot be judged")
        #expect(found("email me at jo@coventry.gov.uk", none) == [])
        #expect(found("email me at jo99@hotmail.co.uk", none) == ["jo99@hotmail.co.uk"])
    }

    @Test func incomingMessagesAreNotTheWorkers() {
        #expect(found("text me on 07700 900456", direction: .incoming) == [])
    }

    @Test func organisationNumbersAreValidatedByField() {
        #expect(
            throws: ValidationError(
                field: "organisation_numbers[1]",
                reason: "'01305 2*2*' is not a number range: write the fixed digits then stars, such as 01202 45****"
            )
        ) {
            try OrganisationSettings(organisationNumbers: ["01305 22****", "01305 2*2*"]).validate()
        }
        #expect(throws: ValidationError.self) { try OrganisationSettings(organisationNumbers: ["12345"]).validate() }
        #expect(throws: Never.self) {
            try OrganisationSettings(organisationNumbers: ["+44 1305 22****", "07700 900100"]).validate()
        }
    }
}
