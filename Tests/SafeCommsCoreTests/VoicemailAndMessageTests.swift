import Foundation
import Testing

@testable import SafeCommsCore

/// Greetings (COV-4, LIN-5, LIN-8) and message slips (LIN-9, LIN-7).
@Suite struct VoicemailAndMessageTests {
    let facts = Voicemail.Facts(
        name: "Sam Jones",
        alternativeNumber: "024 7678 1234",
        email: "sam.jones@coventry.gov.uk",
        officeHours: .standard,
        emergencyDutyTeamNumber: "024 7683 2222",
        customerServiceCentreNumber: "024 7683 3333"
    )

    @Test func theGeneratedGreetingSaysEverythingAndPassesItsOwnCheck() throws {
        let g = try Voicemail.greeting(facts)
        #expect(
            g.contains("voicemail of Sam Jones") && g.contains("024 7678 1234")
                && g.contains("between 8:30am and 5pm, Monday to Friday")
        )
        #expect(
            g.contains("Emergency Duty Team on 024 7683 2222") && g.contains("sam.jones@coventry.gov.uk")
                && g.contains("24 hours")
        )
        #expect(Voicemail.problems(in: g, facts) == [])
    }

    @Test func theLeaveGreetingGivesTheReturnDateAndAColleague() throws {
        let g = try Voicemail.leaveGreeting(
            facts,
            returning: BankHolidays.Day(2026, 12, 29),
            colleague: "Alex Smith",
            colleagueNumber: "024 7678 1240"
        )
        #expect(
            g.contains("on leave and expect to return on Tuesday 29 December 2026")
                && g.contains("Alex Smith on 024 7678 1240")
        )
        #expect(g.contains("Emergency Duty Team on 024 7683 2222"))
    }

    @Test func theOutOfOfficeReplyGivesTheReturnDateAndWhoToContact() {
        let day = BankHolidays.Day(2026, 12, 29)
        let withColleague = OutOfOffice.leaveReply(
            name: "Sam Jones",
            returning: day,
            colleague: "Alex Smith",
            colleagueContact: "alex.smith@coventry.gov.uk",
            alternativeNumber: "024 7678 1234"
        )
        #expect(
            withColleague.contains("expect to return on Tuesday 29 December 2026")
                && withColleague.contains("Alex Smith (alex.smith@coventry.gov.uk) or call 024 7678 1234")
        )
        let alone = OutOfOffice.leaveReply(
            name: "Sam Jones",
            returning: day,
            colleague: nil,
            colleagueContact: nil,
            alternativeNumber: "024 7678 1234"
        )
        #expect(alone.contains("please call 024 7678 1234 in office hours") && alone.hasSuffix("Sam Jones"))
    }

    @Test func badFactsAreRefusedByField() {
        var f = facts
        f.alternativeNumber = "024 7683 3333"
        f.emergencyDutyTeamNumber = nil
        #expect(
            throws: ValidationErrors([
                ValidationError(
                    field: "alternative_number",
                    reason: "is the customer service centre's number, which LIN-5 rules out"
                ),
                ValidationError(
                    field: "emergency_duty_team_number",
                    reason: "is required: the greeting gives it for out-of-hours calls (COV-4)"
                ),
            ])
        ) { try Voicemail.greeting(f) }
        f = facts
        f.alternativeNumber = "07700 900123"
        #expect(throws: ValidationErrors.self) { try Voicemail.greeting(f) }
    }

    @Test func aWrittenGreetingHasEachProblemNamed() {
        let weak =
            "Hi, it's Sam. Leave a message and I'll get back to you. Or ring the contact centre on 024 7683 3333."
        let problems = Voicemail.problems(in: weak, facts)
        #expect(problems.map(\.clause) == ["LIN-5", "LIN-5", "LIN-5", "COV-4", "COV-4"])
        #expect(problems[0].message.contains("customer service centre"))
        #expect(problems[1].message.contains("024 7678 1234"))
        #expect(problems[3].message.contains("Emergency Duty Team"))
        #expect(problems[4].message.contains("sam.jones@coventry.gov.uk"))
        let good =
            "You've reached Sam Jones. If you need a reply within 24 hours call 02476 781234; out of hours the Emergency Duty Team on 024 7683 2222. Or email sam.jones@coventry.gov.uk."
        #expect(Voicemail.problems(in: good, facts) == [], "the same numbers written another way")
    }

    let now = Date(timeIntervalSince1970: 1_795_428_000)  // 2026-11-23 10:00

    @Test func aCompleteSlip() throws {
        let slip = try MessageSlip(
            takenAt: "2026-11-23T09:50:00Z",
            callerName: "Jo Price",
            callerFrom: "Oakdale Primary School",
            returnNumber: "01202 123456",
            reason: "Attendance concerns for Jayden",
            callBackBy: "2026-11-23T14:00:00Z",
            now: now
        )
        #expect(slip.returnNumber == "+441202123456")
        #expect(!slip.isOverdue(at: now, respondedAt: nil))
        #expect(slip.isOverdue(at: now.addingTimeInterval(5 * 3600), respondedAt: nil), "past 14:00, not answered")
        #expect(!slip.isOverdue(at: now.addingTimeInterval(5 * 3600), respondedAt: now), "answered")
    }

    @Test func everyMissingPartOfLIN9IsNamed() {
        #expect(
            throws: ValidationErrors([
                ValidationError(field: "taken_at", reason: "is required: the date and time of the call (LIN-9a)"),
                ValidationError(field: "caller_name", reason: "is required: the caller's name (LIN-9b)"),
                ValidationError(
                    field: "caller_from",
                    reason: "is required: where they are from (company, institution, or member of the public) (LIN-9c)"
                ),
                ValidationError(field: "return_number", reason: "is required: the number to call back (LIN-9d)"),
                ValidationError(
                    field: "reason",
                    reason: "is required: brief details of the reason for the call (LIN-9e)"
                ),
                ValidationError(
                    field: "call_back_by",
                    reason: "is required: when the caller was told they would be called back (LIN-9f)"
                ),
            ])
        ) {
            try MessageSlip(
                takenAt: nil,
                callerName: " ",
                callerFrom: nil,
                returnNumber: "",
                reason: nil,
                callBackBy: nil,
                now: now
            )
        }
    }

    @Test func badValuesAreNamed() {
        do {
            _ = try MessageSlip(
                takenAt: "yesterday",
                callerName: "Jo",
                callerFrom: "School",
                returnNumber: "12345",
                reason: "x",
                callBackBy: "2026-11-23T08:00:00Z",
                now: now
            )
            Issue.record("accepted")
        } catch {
            #expect(error.errors.map(\.field) == ["taken_at", "return_number"])
        }
        do {
            _ = try MessageSlip(
                takenAt: "2026-11-23T09:50:00Z",
                callerName: "Jo",
                callerFrom: "School",
                returnNumber: "01202 123456",
                reason: "x",
                callBackBy: "2026-11-23T09:00:00Z",
                now: now
            )
            Issue.record("accepted")
        } catch {
            #expect(
                error.errors == [ValidationError(field: "call_back_by", reason: "must be after the call was taken")]
            )
        }
    }
}

/// COV-6, LIN-5: devices that differ from policy.
@Suite struct DeviceComplianceTests {
    let now = Date(timeIntervalSince1970: 1_795_428_000)

    @Test func callerIDAndVoicemailWhileAway() {
        let ok = DeviceCompliance.Facts(kind: .workMobile, callerIDWithheld: true, voicemailEnabled: true)
        #expect(DeviceCompliance.problems(ok, at: now, policy: .init(pickupHours: 24)) == [])
        let shows = DeviceCompliance.Facts(kind: .workMobile, callerIDWithheld: false, voicemailEnabled: false)
        #expect(DeviceCompliance.problems(shows, at: now, policy: .init(pickupHours: 24)).map(\.clause) == ["COV-6"])
        let away = PhoneDirectory.Absence(kind: .leave, from: now, until: now.addingTimeInterval(5 * 86_400))
        let onWhileAway = DeviceCompliance.Facts(
            kind: .deskPhone,
            callerIDWithheld: false,
            voicemailEnabled: true,
            holderAbsences: [away]
        )
        #expect(
            DeviceCompliance.problems(onWhileAway, at: now, policy: .init(pickupHours: 24)).map(\.clause) == ["LIN-5"],
            "a desk phone's caller ID is not COV-6's"
        )
        #expect(DeviceCompliance.voicemailMustGoOff(away, pickupHours: 24))
        #expect(
            !DeviceCompliance.voicemailMustGoOff(
                .init(kind: .leave, from: now, until: now.addingTimeInterval(20 * 3600)),
                pickupHours: 24
            )
        )
        #expect(DeviceCompliance.voicemailMustGoOff(.init(kind: .unexpected, from: now, until: nil), pickupHours: 24))
    }

    /// PD-1.11: work mobiles follow the organisation's on/off choice; WNL-10.2: a landline is on at all times.
    @Test func onAndOffHours() {
        let mobileOn = DeviceCompliance.Facts(
            kind: .workMobile,
            callerIDWithheld: true,
            voicemailEnabled: true,
            onOutOfHours: true
        )
        #expect(
            DeviceCompliance.problems(mobileOn, at: now, policy: .init(pickupHours: 24)).map(\.clause) == ["PD-1.11"]
        )
        #expect(
            DeviceCompliance.problems(mobileOn, at: now, policy: .init(pickupHours: 24, workMobilesOnOutOfHours: true))
                == []
        )
        let mobileOff = DeviceCompliance.Facts(
            kind: .workMobile,
            callerIDWithheld: true,
            voicemailEnabled: true,
            onOutOfHours: false
        )
        #expect(
            DeviceCompliance.problems(mobileOff, at: now, policy: .init(pickupHours: 24, workMobilesOnOutOfHours: true))
                .map(\.clause) == ["PD-1.11"]
        )
        let landlineOff = DeviceCompliance.Facts(
            kind: .landline,
            callerIDWithheld: false,
            voicemailEnabled: false,
            onOutOfHours: false
        )
        #expect(
            DeviceCompliance.problems(landlineOff, at: now, policy: .init(pickupHours: 24)).map(\.clause) == [
                "WNL-10.2"
            ]
        )
        #expect(
            DeviceCompliance.problems(landlineOff, at: now, policy: .init(pickupHours: 24, landlinesAlwaysOn: false))
                == []
        )
        let deskOn = DeviceCompliance.Facts(
            kind: .deskPhone,
            callerIDWithheld: false,
            voicemailEnabled: false,
            onOutOfHours: true
        )
        #expect(
            DeviceCompliance.problems(deskOn, at: now, policy: .init(pickupHours: 24)) == [],
            "PD-1.11 is about work mobiles"
        )
    }
}

/// COV-5, COV-7, LIN-5: calls a worker must close.
@Suite struct FollowUpTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }
    let hours = OfficeHours.standard

    @Test func aVoicemailIsDueWithinThePickUpTime() throws {
        let v = try FollowUp.voicemail(
            receivedAt: "2026-11-23T10:00:00Z",
            callerName: " Ms Rahman ",
            callerNumber: "07700 900123",
            summary: nil,
            now: Self.at("2026-11-23T11:00:00Z"),
            pickupHours: 24
        )
        #expect(v.kind == .voicemail && v.dueAt == Self.at("2026-11-24T10:00:00Z"))
        #expect(v.callerName == "Ms Rahman" && v.callerNumber == "+447700900123" && v.summary == nil)
        let withheld = try FollowUp.voicemail(
            receivedAt: "2026-11-23T10:00:00Z",
            callerName: nil,
            callerNumber: nil,
            summary: nil,
            now: Self.at("2026-11-23T11:00:00Z"),
            pickupHours: 8
        )
        #expect(
            withheld.callerNumber == nil && withheld.dueAt == Self.at("2026-11-23T18:00:00Z"),
            "a withheld number is still a message"
        )
        #expect(
            throws: ValidationErrors([
                ValidationError(field: "received_at", reason: "is required: when the message was left (COV-7)"),
                ValidationError(field: "caller_number", reason: "'abc' is not a phone number: unexpected 'a'"),
            ]).self
        ) {
            try FollowUp.voicemail(
                receivedAt: nil,
                callerName: nil,
                callerNumber: "abc",
                summary: nil,
                now: Date(),
                pickupHours: 24
            )
        }
    }

    @Test func anUnexpectedOutOfHoursCallIsDueWhenTheOfficeNextOpens() throws {
        // Friday 20 November 2026, 21:15 GMT: due Monday 08:30.
        let friday = try FollowUp.answeredCall(
            answeredAt: "2026-11-20T21:15:00Z",
            expected: false,
            callerName: "Dad",
            callerNumber: nil,
            summary: "worried about contact",
            now: Self.at("2026-11-21T09:00:00Z"),
            hours: hours
        )
        guard case .followUp(let f) = friday else {
            Issue.record("no follow-up: \(friday)")
            return
        }
        #expect(
            f.kind == .outOfHoursCall && f.dueAt == Self.at("2026-11-23T08:30:00Z")
                && f.summary == "worried about contact"
        )
        let expected = try FollowUp.answeredCall(
            answeredAt: "2026-11-20T21:15:00Z",
            expected: true,
            callerName: nil,
            callerNumber: nil,
            summary: nil,
            now: Self.at("2026-11-21T09:00:00Z"),
            hours: hours
        )
        #expect(expected == .none(reason: "The call was expected, which COV-5 allows out of hours."))
        let inHours = try FollowUp.answeredCall(
            answeredAt: "2026-11-20T11:00:00Z",
            expected: false,
            callerName: nil,
            callerNumber: nil,
            summary: nil,
            now: Self.at("2026-11-21T09:00:00Z"),
            hours: hours
        )
        #expect(inHours == .none(reason: "The call was answered in office hours."))
        #expect(
            throws: ValidationErrors([
                ValidationError(field: "expected", reason: "is required: whether the call was expected (COV-5)")
            ]).self
        ) {
            try FollowUp.answeredCall(
                answeredAt: "2026-11-20T21:15:00Z",
                expected: nil,
                callerName: nil,
                callerNumber: nil,
                summary: nil,
                now: Date(),
                hours: hours
            )
        }
    }

    @Test func closingNamesWhatIsMissing() throws {
        #expect(
            try FollowUp.close(outcome: "responded", note: "rang back", divertedTo: "ignored")
                == .init(outcome: .responded, note: "rang back", divertedTo: nil)
        )
        #expect(
            try FollowUp.close(outcome: "diverted", note: "passed on", divertedTo: "Emergency Duty Team").divertedTo
                == "Emergency Duty Team"
        )
        #expect(
            throws: ValidationErrors([
                ValidationError(
                    field: "diverted_to",
                    reason: "is required when the call was diverted: the team, service or number it went to (COV-5)"
                )
            ]).self
        ) { try FollowUp.close(outcome: "diverted", note: "x", divertedTo: " ") }
        #expect(
            throws: ValidationErrors([
                ValidationError(field: "outcome", reason: "'ignored' is not responded or diverted"),
                ValidationError(field: "note", reason: "is required: what was done (COV-5)"),
            ]).self
        ) { try FollowUp.close(outcome: "ignored", note: nil, divertedTo: nil) }
    }

    /// Across a weekend, a bank holiday and the clocks going forward.
    @Test func nextOpening() {
        #expect(
            hours.nextOpening(atOrAfter: Self.at("2026-11-23T10:00:00Z")) == Self.at("2026-11-23T10:00:00Z"),
            "in hours: now"
        )
        #expect(hours.nextOpening(atOrAfter: Self.at("2026-11-23T06:00:00Z")) == Self.at("2026-11-23T08:30:00Z"))
        #expect(
            hours.nextOpening(atOrAfter: Self.at("2026-12-24T17:30:00Z")) == Self.at("2026-12-29T08:30:00Z"),
            "Christmas and Boxing Day (substitute Monday 28th)"
        )
        // Clocks go forward on Sunday 29 March 2026: Monday opens 08:30 BST, 07:30 UTC.
        #expect(hours.nextOpening(atOrAfter: Self.at("2026-03-27T18:00:00Z")) == Self.at("2026-03-30T07:30:00Z"))
    }
}
