import Benchmark
import Foundation
import SafeCommsCore
import SafeCommsPolicies

/// Issue 3: decisions per second on one core, for 300-character messages, with all five packs and every
/// analyser that exists. The requests vary channel, device, recipient, case and time so every kind of
/// rule is exercised, and each carries the case's people so the case-person analyser does its full work.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Check: one decision, 300-character message, all five packs, all analysers",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(10)
        )
    ) { benchmark in
        let evaluator = CheckBench.evaluator
        let requests = CheckBench.requests
        let now = Date()
        var i = 0
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.evaluate(requests[i], settings: .standard, now: now))
            i = i == requests.count - 1 ? 0 : i + 1
        }
    }
}

enum CheckBench {
    static let evaluator = try! BundledPolicies.library().evaluator(for: nil, field: "packs")

    static let texts = [
        "Hi Jayden, just confirming I will visit on Thursday at 4pm with Sam from school. Can u let your mum know and tell her the review meeting has moved to 10am on Tuesday at the family centre? Please bring the letter about your school transport and your bus pass. Any problems call me on my work mobile, thanks.",
        "Hello Mrs Price, thank you for your call this morning. I have spoken with the designated teacher and the plan for next week is agreed: Jayden will start at 9:15 on Monday, with a check in at lunchtime. I will send the minutes of the core group once they are agreed. Kind regards, Alex.",
        "Morning, running about ten minutes late because of traffic on the ring road, sorry. I'll be with you by 11:10. If you need to go out before then please text me back and we can rearrange for tomorrow afternoon instead. Please don't worry about tidying up, it's just a catch up.",
    ].map { String($0.prefix(300)) }

    static let people = [
        CasePersonInfo(
            name: "Jayden Price",
            aliases: ["JJ"],
            dateOfBirth: "2012-05-04",
            address: "14 Oak Street, Poole",
            postcode: "BH15 2AB"
        ),
        CasePersonInfo(
            name: "Kerry Price",
            aliases: ["Mrs Price"],
            dateOfBirth: "1988-11-30",
            address: "14 Oak Street, Poole",
            postcode: "BH15 2AB"
        ),
    ]

    static let requests: [CheckRequest] = {
        let channels: [Channel] = [.sms, .whatsapp, .email, .phoneCall]
        let devices: [DeviceKind] = [.workMobile, .personalMobile, .workEmail]
        let roles: [RecipientRole] = [.child, .parentCarer, .professional]
        let base = Date(timeIntervalSince1970: 1_795_424_400)  // 2026-11-23 09:00 London, a Monday
        return (0..<96).map { i in
            CheckRequest(
                id: .number(i),
                at: base.addingTimeInterval(Double(i) * 3_700),
                channel: channels[i % 4],
                device: .init(kind: devices[i % 3], whatsappEnabled: i % 2 == 0),
                recipient: .init(role: roles[i % 3], external: i % 5 == 0),
                caseInfo: .init(
                    status: i % 2 == 0 ? .childProtection : .lookedAfter,
                    inCrisis: i % 7 == 0,
                    people: people
                ),
                consents: i % 2 == 0 ? [.textingAgreed, .parentPermission] : [],
                emergency: i % 11 == 0,
                text: texts[i % 3]
            )
        }
    }()
}
