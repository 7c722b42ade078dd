import Foundation

/// LIN-10: the urgent e-mail that tells an officer a message was taken for them. It says when the
/// caller was promised a call back and where to read the message, and nothing more: no caller name,
/// number or reason, so that no personal data sits in mailboxes and mail logs (LIN-14 asks for
/// precautions with personal information in e-mail); the message itself is read in SafeComms.
public struct MessageNotice: Sendable, Equatable {
    public var subject: String
    public var body: String

    public init(
        officerName: String,
        takenByName: String,
        takenAt: Date,
        callBackBy: Date,
        link: String,
        timeZone: String
    ) {
        let zone = OfficeHours.zone(timeZone)
        func local(_ d: Date) -> String {
            let t = LocalTime(d, zone: zone)
            let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][t.isoWeekday - 1]
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
                t.day.month - 1
            ]
            return "\(OfficeHours.clock(t.minuteOfDay)) \(day) \(t.day.day) \(month)"
        }
        subject = "Urgent: a message for you - call back by \(local(callBackBy))"
        body = """
            \(officerName),

            \(takenByName) took a message for you at \(local(takenAt)). The caller was told you would call back by \(local(callBackBy)).

            Read it and record your response in SafeComms:
            \(link)

            The caller's details are not in this e-mail; they are in SafeComms. Until you record a response the message shows as urgent, and once the call-back time has passed it shows to your team manager (LIN-7, LIN-10).
            """
    }
}
