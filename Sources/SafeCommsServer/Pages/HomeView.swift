import Foundation
import SafeCommsCore
import SafeCommsStore

/// The home page, written straight into bytes (see `HTML`): one part per role the reader holds,
/// each listing what waits for them with a link to where it is done.
struct HomeView {
    /// How many of a list the home shows before linking to the rest.
    static let listed = 25

    struct MyWork {
        var staffID: UUID
        var cases: [CaseListing]
        var teamCases: [CaseListing]
        var teamCaseCount: Int
        var tasks: [Tasks.View]
        var messages: [MessageSlipRecord]
        var followUps: [FollowUpRecord]
        var policies: [PolicyPack]
        var sharings: [NumberSharing]
    }

    struct Desk {
        var stale: [Directory.StaleEntry]
        var huntGroups: [Team]
    }

    struct Admin {
        var settings: OrganisationSettings
        var teams: Int
        var staff: Int
        var devices: Int
        var packs: [PolicyPack]
        var pendingGrants: Int
    }

    var name: String
    var zone: TimeZone
    var now: Date
    var mine: MyWork?
    var oversight: Dashboards.Oversight?
    var devices: [WorkDevices.Use]?
    var desk: Desk?
    var admin: Admin?
    var auditEvents: [AuditEvent]?
    var names: [UUID: String] = [:]
    /// Imports and reports this person started from a page in the last week.
    var work: [LongWork.View] = []

    func write(_ h: inout HTML) {
        h.raw("<h1 class=\"heading-l\">Your work</h1>\n")
        if !work.isEmpty {
            let running = work.filter { $0.status == .running }.count
            h.raw("<p class=\"body\" id=\"your-work\"><a href=\"/work\">Your imports and reports</a>: ")
            h.text(running)
            h.raw(" running, ")
            h.text(work.count - running)
            h.raw(" ended in the last week.</p>\n")
        }
        // A manager's home is their team's dashboard first; their own cases follow.
        if let oversight { write(oversight, &h) }
        if let mine { write(mine, &h) }
        if let devices { writeDevices(devices, &h) }
        if let desk { write(desk, &h) }
        if let admin { write(admin, &h) }
        if let auditEvents { writeAudit(auditEvents, &h) }
    }

    // MARK: A practitioner's own work

    private func write(_ m: MyWork, _ h: inout HTML) {
        if !m.policies.isEmpty || !m.sharings.isEmpty {
            h.raw("<div class=\"notification-banner\" role=\"region\" aria-labelledby=\"waiting-title\">\n")
            h.raw("<h2 class=\"heading-s\" id=\"waiting-title\">Waiting for you</h2>\n<ul class=\"list\">\n")
            for pack in m.policies {
                h.raw("<li><a href=\"/policies/")
                h.text(pack.id)
                h.raw("\">Read and acknowledge ")
                h.text(pack.title)
                h.raw("</a></li>\n")
            }
            if !m.sharings.isEmpty {
                h.raw("<li><a href=\"/number-sharing\">")
                h.text(m.sharings.count)
                h.raw(m.sharings.count == 1 ? " number shared with a family" : " numbers shared with families")
                h.raw(" to acknowledge</a></li>\n")
            }
            h.raw("</ul>\n</div>\n")
        }
        h.raw("<h2 class=\"heading-m\">Your cases</h2>\n")
        if m.cases.isEmpty {
            h.raw("<p class=\"body\">No cases are allocated to you.</p>\n")
        } else {
            caseTable(Array(m.cases.prefix(Self.listed)), caption: "Cases allocated to you", &h)
            if m.cases.count > Self.listed {
                h.raw("<p class=\"body\"><a href=\"/cases?key_worker=")
                h.text(m.staffID.uuidString)
                h.raw("\">All ")
                h.text(m.cases.count)
                h.raw(" of your cases</a></p>\n")
            }
        }
        if !m.teamCases.isEmpty {
            h.raw("<h2 class=\"heading-m\">Your team's cases</h2>\n")
            caseTable(m.teamCases, caption: "Your team's cases", &h)
            if m.teamCaseCount > m.teamCases.count {
                h.raw("<p class=\"body\"><a href=\"/cases\">All ")
                h.text(m.teamCaseCount)
                h.raw(" of your team's cases</a></p>\n")
            }
        }
        h.raw("<h2 class=\"heading-m\">Your tasks</h2>\n")
        if m.tasks.isEmpty {
            h.raw("<p class=\"body\">You have no tasks open.</p>\n")
        } else {
            h.raw("<ul class=\"task-list\">\n")
            for t in m.tasks {
                h.raw("<li>")
                if t.task.dueAt < now { h.raw("<strong class=\"tag tag-red task-status\">Overdue</strong>") }
                h.text(t.task.action)
                h.raw(" <span class=\"hint\">(")
                h.text(t.task.clause)
                h.raw(")</span><br>Case ")
                h.text(t.caseReference)
                h.raw(", due ")
                h.text(WallClockText.dateTime(t.task.dueAt, zone: zone))
                h.raw("</li>\n")
            }
            h.raw("</ul>\n<p class=\"body\"><a href=\"/tasks\">Mark tasks done</a></p>\n")
        }
        h.raw("<h2 class=\"heading-m\">Messages for you</h2>\n")
        if m.messages.isEmpty {
            h.raw("<p class=\"body\">No messages are waiting for you.</p>\n")
        } else {
            h.raw("<ul class=\"task-list\">\n")
            for s in m.messages {
                h.raw("<li>")
                if s.callBackBy < now { h.raw("<strong class=\"tag tag-red task-status\">Overdue</strong>") }
                h.text(s.callerName)
                h.raw(" (")
                h.text(s.callerFrom)
                h.raw(")<br>Call back by ")
                h.text(WallClockText.dateTime(s.callBackBy, zone: zone))
                h.raw("</li>\n")
            }
            h.raw("</ul>\n<p class=\"body\"><a href=\"/phones\">Answer your messages</a></p>\n")
        }
        h.raw("<h2 class=\"heading-m\">Follow-ups to close</h2>\n")
        if m.followUps.isEmpty {
            h.raw("<p class=\"body\">No calls or voicemails are waiting for a follow-up.</p>\n")
        } else {
            h.raw("<ul class=\"task-list\">\n")
            for f in m.followUps {
                h.raw("<li>")
                if f.dueAt < now { h.raw("<strong class=\"tag tag-red task-status\">Overdue</strong>") }
                h.text(f.kind == "voicemail" ? "Voicemail" : "Call")
                if let caller = f.callerName {
                    h.raw(" from ")
                    h.text(caller)
                }
                h.raw("<br>Due ")
                h.text(WallClockText.dateTime(f.dueAt, zone: zone))
                h.raw("</li>\n")
            }
            h.raw("</ul>\n<p class=\"body\"><a href=\"/phones\">Close your follow-ups</a></p>\n")
        }
    }

    private func caseTable(_ cases: [CaseListing], caption: String, _ h: inout HTML) {
        h.raw("<table class=\"table\">\n<caption class=\"visually-hidden\">")
        h.text(caption)
        h.raw("</caption>\n<thead><tr><th scope=\"col\">Reference</th><th scope=\"col\">Child</th>")
        h.raw("<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n")
        for c in cases {
            h.raw("<tr><td><a href=\"/cases/")
            h.text(c.id.uuidString)
            h.raw("\">")
            h.text(c.reference)
            h.raw("</a></td><td>")
            h.text(c.displayName)
            if c.inCrisis { h.raw(" <strong class=\"tag tag-red\">In crisis</strong>") }
            h.raw("</td><td>")
            h.text(PageController.statusLabel(c.status))
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
    }

    // MARK: A manager's team, the DSL's organisation

    private func write(_ o: Dashboards.Oversight, _ h: inout HTML) {
        h.raw(
            o.organisationWide
                ? "<h2 class=\"heading-m\">The organisation</h2>\n" : "<h2 class=\"heading-m\">Your team</h2>\n"
        )
        h.raw("<div class=\"counts\" id=\"oversight-counts\">\n")
        count("Messages past their call-back time", o.overdueMessages.count, "/phones", &h)
        count("Follow-ups overdue", o.overdueFollowUps.count, "/phones", &h)
        count("Tasks overdue", o.overdueTasks.count, "/tasks", &h)
        count("Incidents open", o.openIncidents.count, "/incidents", &h)
        count("Contact waiting for review", o.review.open, "/review", &h)
        count("Out-of-hours contacts in the last 7 days", o.outOfHoursThisWeek.reduce(0) { $0 + $1.count }, nil, &h)
        h.raw("</div>\n")

        if !o.outOfHoursThisWeek.isEmpty {
            h.raw("<h3 class=\"heading-s\">Out-of-hours contact in the last 7 days</h3>\n<ul class=\"list\">\n")
            for (id, n) in o.outOfHoursThisWeek {
                h.raw("<li>")
                h.text(names[id] ?? "Someone no longer listed")
                h.raw(": ")
                h.text(n)
                h.raw("</li>\n")
            }
            h.raw("</ul>\n")
        }

        h.raw("<h3 class=\"heading-s\">Unrecorded contact</h3>\n<p class=\"body\">")
        if let r = o.lastReconciliation {
            h.raw("The carrier's bill was last checked on ")
            h.text(WallClockText.dateTime(Date(timeIntervalSince1970: Double(r.atMillis) / 1000), zone: zone))
            if let by = r.actorID.flatMap({ names[$0] }) {
                h.raw(" by ")
                h.text(by)
            }
            h.raw(": ")
            h.text(r.detail ?? "")
            h.raw(". ")
        } else {
            h.raw("Nobody has yet checked a carrier's bill for contact nobody recorded. ")
        }
        h.raw("<a href=\"/reconciliation\">Check a carrier's bill for contact nobody recorded</a></p>\n")

        charts(o, &h)

        h.raw("<h3 class=\"heading-s\">Numbers shared with families, to acknowledge</h3>\n")
        if o.sharingsToAcknowledge.isEmpty {
            h.raw("<p class=\"body\">None.</p>\n")
        } else {
            h.raw("<p class=\"body\"><a href=\"/number-sharing\">")
            h.text(o.sharingsToAcknowledge.count)
            h.raw(o.sharingsToAcknowledge.count == 1 ? " number shared" : " numbers shared")
            h.raw(" to acknowledge (PD-1.3)</a></p>\n")
        }

        h.raw("<h3 class=\"heading-s\">Who has not acknowledged the policy</h3>\n")
        if o.notAcknowledged.isEmpty {
            h.raw("<p class=\"body\">Everyone has acknowledged the policies in use.</p>\n")
        } else {
            h.raw("<ul class=\"list\" id=\"not-acknowledged\">\n")
            for s in o.notAcknowledged {
                h.raw("<li>")
                h.text(s.name)
                h.raw(": ")
                h.text(s.packs.map(\.title).joined(separator: ", "))
                h.raw("</li>\n")
            }
            h.raw("</ul>\n")
        }

        h.raw("<h3 class=\"heading-s\">Texting without the child's agreement on file</h3>\n")
        if o.textingWithoutAgreement.isEmpty {
            h.raw(
                "<p class=\"body\">Every case with texts or WhatsApp messages in the last 28 days has the child's agreement recorded.</p>\n"
            )
        } else {
            h.raw("<p class=\"hint\">Texts or WhatsApp messages in the last 28 days with no agreement in force ")
            h.raw(
                "(<a href=\"/policies/coventry-2022#PD-1.6\">PD-1.6</a>).</p>\n<ul class=\"list\" id=\"texting-without-agreement\">\n"
            )
            for c in o.textingWithoutAgreement {
                h.raw("<li><a href=\"/cases/")
                h.text(c.id.uuidString)
                h.raw("/consents\">")
                h.text(c.reference)
                h.raw("</a></li>\n")
            }
            h.raw("</ul>\n")
        }

        if o.organisationWide {
            h.raw("<p class=\"body\"><a href=\"/audit\">Search, check and export the audit trail</a></p>\n")
            h.raw("<h3 class=\"heading-s\">Awaiting a DSL's written consent</h3>\n")
            if o.awaitingDSL.isEmpty {
                h.raw("<p class=\"body\">Nothing is waiting for a DSL's consent.</p>\n")
            } else {
                h.raw("<ul class=\"list\" id=\"awaiting-dsl\">\n")
                for item in o.awaitingDSL {
                    h.raw("<li><a href=\"/review/")
                    h.text(item.id!.uuidString)
                    h.raw("\">Contact flagged under ")
                    h.text(item.clause)
                    h.raw(" on ")
                    h.text(WallClockText.dateTime(item.flaggedAt, zone: zone))
                    h.raw("</a> <a href=\"/cases/")
                    h.text(item.caseID.uuidString)
                    h.raw("/consents\">Record the consent</a></li>\n")
                }
                h.raw("</ul>\n")
            }
        }
    }

    private func count(_ label: String, _ n: Int, _ link: String?, _ h: inout HTML) {
        h.raw("<div class=\"count\"><p class=\"count-figure\">")
        h.text(n)
        h.raw("</p><p class=\"body\">")
        if let link {
            h.raw("<a href=\"")
            h.text(link)
            h.raw("\">")
            h.text(label)
            h.raw("</a>")
        } else {
            h.text(label)
        }
        h.raw("</p></div>\n")
    }

    private func charts(_ o: Dashboards.Oversight, _ h: inout HTML) {
        if !o.delays.isEmpty {
            BarChart(
                id: "chart-delay",
                title: "How long after contact it is recorded, last 28 days",
                unit: "hours",
                categoryHeading: "Worker",
                categories: o.delays.map { names[$0.staffID] ?? "Someone no longer listed" },
                series: [
                    .init(name: "Median", values: o.delays.map { Self.hours($0.medianMinutes) }),
                    .init(name: "Worst", values: o.delays.map { Self.hours($0.worstMinutes) }),
                ],
                stacked: false,
                target: (o.targetHours, "Target: \(o.targetHours) hours")
            ).write(&h)
        }
        let channels = o.byHour.keys.sorted { Labels.channel($0) < Labels.channel($1) }
        if !channels.isEmpty {
            BarChart(
                id: "chart-hours",
                title: "Contact by hour of the day and channel, last 28 days",
                unit: "contacts",
                categoryHeading: "Hour",
                categories: (0..<24).map { String(format: "%02d:00", $0) },
                series: channels.map { .init(name: Labels.channel($0), values: o.byHour[$0]!) },
                stacked: true,
                shaded: o.hoursOutsideOffice,
                shadedMeaning: "Outside office hours"
            ).write(&h)
        }
        if o.openByAge.contains(where: { $0.counts.contains { $0 > 0 } }) {
            BarChart(
                id: "chart-ages",
                title: "Open work by how long it has waited",
                unit: "items",
                categoryHeading: "Open work",
                categories: o.openByAge.map(\.kind),
                series: DashboardFigures.AgeBand.allCases.map { band in
                    .init(name: band.label, values: o.openByAge.map { $0.counts[band.rawValue] })
                },
                stacked: true
            ).write(&h)
        }
    }

    /// Whole hours, to the nearest.
    static func hours(_ minutes: Int) -> Int { (minutes + 30) / 60 }

    // MARK: The DSL's devices

    private func writeDevices(_ uses: [WorkDevices.Use], _ h: inout HTML) {
        h.raw("<h3 class=\"heading-s\">Work devices used out of hours or personally, last 7 days</h3>\n")
        if uses.isEmpty {
            h.raw("<p class=\"body\">None.</p>\n")
            return
        }
        h.raw("<table class=\"table\">\n<caption class=\"visually-hidden\">Work devices to look at</caption>\n")
        h.raw("<thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Out-of-hours contacts</th>")
        h.raw("<th scope=\"col\">Personal use</th></tr></thead>\n<tbody>\n")
        for u in uses {
            h.raw("<tr><td><a href=\"/devices/")
            h.text(u.device.id!.uuidString)
            h.raw("\">")
            h.text(u.device.address)
            h.raw("</a></td><td>")
            h.text(u.outOfHours)
            h.raw("</td><td>")
            h.text(u.personalUse.count)
            h.raw("</td></tr>\n")
        }
        h.raw("</tbody>\n</table>\n")
    }

    // MARK: Business support

    private func write(_ d: Desk, _ h: inout HTML) {
        h.raw("<h2 class=\"heading-m\">Phones and messages</h2>\n")
        h.raw("<p><a class=\"button\" href=\"/phones/message\">Take a message</a></p>\n")
        h.raw("<p class=\"body\"><a href=\"/directory\">Find a colleague in the directory</a>: their numbers, ")
        h.raw("where a call to them goes now, and whether they are away.</p>\n")
        h.raw("<h3 class=\"heading-s\">Directory entries not confirmed in 90 days</h3>\n")
        if d.stale.isEmpty {
            h.raw("<p class=\"body\">Everyone has confirmed their details in the last 90 days.</p>\n")
        } else {
            h.raw("<p class=\"hint\">Oldest first (LIN-11).</p>\n<table class=\"table\" id=\"stale-directory\">\n")
            h.raw("<caption class=\"visually-hidden\">Directory entries to confirm</caption>\n")
            h.raw("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Last confirmed</th></tr></thead>\n<tbody>\n")
            for s in d.stale {
                h.raw("<tr><td>")
                h.text(s.name)
                h.raw("</td><td>")
                h.text(s.confirmedAt.map { WallClockText.dateTime($0, zone: zone) } ?? "Never")
                h.raw("</td></tr>\n")
            }
            h.raw("</tbody>\n</table>\n")
        }
        h.raw("<h3 class=\"heading-s\">Hunt groups</h3>\n")
        h.raw("<p class=\"body\"><a href=\"/admin/teams\">Change the teams and hunt groups</a></p>\n")
        if d.huntGroups.isEmpty {
            h.raw("<p class=\"body\">No team has a hunt group number.</p>\n")
        } else {
            h.raw("<dl class=\"summary-list\">\n")
            for t in d.huntGroups {
                h.raw("<dt>")
                h.text(t.name)
                h.raw("</dt><dd>")
                h.text(t.huntGroupNumber ?? "")
                h.raw("</dd>\n")
            }
            h.raw("</dl>\n")
        }
    }

    // MARK: Administration

    private func write(_ a: Admin, _ h: inout HTML) {
        let s = a.settings
        h.raw("<h2 class=\"heading-m\">Administration</h2>\n<dl class=\"summary-list\" id=\"organisation-settings\">\n")
        func item(_ key: String, _ value: String) {
            h.raw("<dt>")
            h.text(key)
            h.raw("</dt><dd>")
            h.text(value)
            h.raw("</dd>\n")
        }
        let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        item(
            "Office hours",
            "\(OfficeHours.clock(s.officeHours.opensAtMinute)) to \(OfficeHours.clock(s.officeHours.closesAtMinute)), "
                + s.officeHours.workingDays.sorted().map { days[$0 - 1] }.joined(separator: ", ")
        )
        item("Time zone", s.officeHours.timeZone)
        item("Bank holidays", s.officeHours.excludeBankHolidays ? "Out of hours" : "Working days")
        item("Emergency duty team", s.emergencyDutyTeamNumber ?? "Not set")
        item("The organisation's numbers", (s.organisationNumbers ?? []).joined(separator: ", ").orNotSet)
        item("Work e-mail domains", s.workEmailDomains.joined(separator: ", ").orNotSet)
        item("Voicemail picked up within", "\(s.voicemailPickupHours) hours")
        item("WhatsApp permission reviewed by", s.whatsappReviewDate ?? "Not set")
        item("Contact recorded within", "\(s.recordingTarget) hours")
        item("Policies in use", a.packs.map(\.title).joined(separator: ", "))
        h.raw("</dl>\n<p><a class=\"button\" href=\"/admin/settings\">Change the settings</a></p>\n")
        h.raw("<ul class=\"list\">\n<li><a href=\"/admin/staff\">")
        h.text(a.staff)
        h.raw(" staff accounts in use</a>")
        if a.pendingGrants > 0 {
            h.raw(" <strong class=\"tag\">")
            h.text(a.pendingGrants)
            h.raw(" waiting for approval</strong>")
        }
        h.raw("</li>\n<li><a href=\"/admin/teams\">")
        h.text(a.teams)
        h.raw(" teams and their hunt groups</a></li>\n<li><a href=\"/devices\">")
        h.text(a.devices)
        h.raw(" devices</a></li>\n")
        h.raw("<li><a href=\"/admin/tokens\">Everyone's API tokens</a>, to revoke any</li>\n")
        h.raw("<li><a href=\"/policies/simulate\">Try a changed policy against past contact</a></li>\n</ul>\n")
    }

    // MARK: The audit trail

    private func writeAudit(_ events: [AuditEvent], _ h: inout HTML) {
        h.raw("<h2 class=\"heading-m\">The audit trail</h2>\n")
        h.raw("<p><a class=\"button\" href=\"/audit\">Search, check and export the audit trail</a></p>\n")
        h.raw("<h3 class=\"heading-s\">Latest events</h3>\n<ul class=\"list\">\n")
        for e in events {
            h.raw("<li>")
            h.text(WallClockText.dateTime(Date(timeIntervalSince1970: Double(e.atMillis) / 1000), zone: zone))
            h.raw(": ")
            h.text(e.actorID.flatMap { names[$0] } ?? "The system")
            h.raw(", ")
            h.text(Labels.auditAction(e.action))
            h.raw("</li>\n")
        }
        h.raw("</ul>\n")
    }
}

extension String {
    /// "Not set" for an empty setting.
    fileprivate var orNotSet: String { isEmpty ? "Not set" : self }
}
