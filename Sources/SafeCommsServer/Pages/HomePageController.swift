import Fluent
import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// `/`: each person's home, made of a part for each role they hold. A practitioner's own work; a
/// manager's team and the DSL's organisation (`Dashboards`); business support's messages and
/// directory; an administrator's settings and accounts; an auditor's trail.
struct HomePageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(StaffMember.redirectMiddleware(path: "/login")).get(use: home)
    }

    func home(req: Request) async throws -> Response {
        let p = try await req.principal()
        let settings = try await req.application.organisationSettings.settings(for: p.organisationID, on: req.db)
        let packs = try await PolicyController.packs(req, p)
        let now = Date()
        var view = HomeView(name: try req.staff().name, zone: settings.timeZone, now: now)
        if !p.roles.isDisjoint(with: [.practitioner, .manager, .dsl]) {
            view.mine = try await myWork(p, packs, now, req)
        }
        if AccessPolicy.overseesOthers(p) {
            view.oversight = try await Dashboards.oversight(
                for: p,
                packs: packs,
                settings: settings,
                now: now,
                reader: req.application.sqliteReader,
                on: req.db
            )
        }
        if p.roles.contains(.dsl) {
            view.devices = try await WorkDevices.monitoring(
                for: p,
                since: now.addingTimeInterval(-7 * 86_400),
                on: req.db
            )
            .filter { $0.outOfHours > 0 || !$0.personalUse.isEmpty }
        }
        if p.roles.contains(.businessSupport) {
            let teams = try await req.db.scoped(to: p).query(Team.self).sort(\.$name).all()
            view.desk = .init(
                stale: try await Directory.stale(of: p, olderThan: 90, now: now, on: req.db),
                huntGroups: teams.filter { $0.huntGroupNumber != nil }
            )
        }
        if p.roles.contains(.admin) {
            let scope = req.db.scoped(to: p)
            view.admin = .init(
                settings: settings,
                teams: try await scope.query(Team.self).count(),
                staff: try await scope.query(StaffMember.self).filter(\.$active == true).count(),
                devices: try await scope.query(Device.self).count(),
                packs: packs,
                pendingGrants: try await StaffAccounts.pending(for: p, on: req.db).count
            )
        }
        if p.roles.contains(.auditor) {
            view.auditEvents = try await req.db.scoped(to: p).auditEvents().sort(\.$id, .descending).limit(10).all()
            view.names = try await req.staffNames(p)
        } else if let o = view.oversight {
            view.names = o.names
        } else if view.mine != nil || view.desk != nil {
            view.names = try await req.staffNames(p)
        }
        view.work = try await LongWork.recent(for: p, now: now, on: req.db)
        try await req.audit(AuditEntry(action: .casesListed, entity: "home", detail: "home page (web)"))
        return PageLayout.page(title: "Home", user: view.name, csrf: CSRF.token(for: req), body: view.write).response()
    }

    private func myWork(
        _ p: Principal,
        _ packs: [PolicyPack],
        _ now: Date,
        _ req: Request
    ) async throws
        -> HomeView.MyWork
    {
        let scope = req.db.scoped(to: p)
        let visible = try await CaseSearch.listings(.init(), for: p, reader: req.application.sqliteReader, on: req.db)
        let mine = visible.filter { $0.keyWorkerID == p.staffID }.sorted { $0.reference < $1.reference }
        // The DSL sees every case; their home lists only their own, and the case list searches the rest.
        let team =
            p.roles.contains(.dsl)
            ? [] : visible.filter { $0.keyWorkerID != p.staffID }.sorted { $0.reference < $1.reference }
        return HomeView.MyWork(
            staffID: p.staffID,
            cases: mine,
            teamCases: Array(team.prefix(10)),
            teamCaseCount: team.count,
            tasks: try await Tasks.open(for: p, on: req.db, now: now).mine,
            messages: try await scope.query(MessageSlipRecord.self).filter(\.$forStaffID == p.staffID)
                .filter(\.$respondedAt == nil).sort(\.$callBackBy).all(),
            followUps: try await scope.query(FollowUpRecord.self).filter(\.$staffID == p.staffID)
                .filter(\.$closedAt == nil).sort(\.$dueAt).all(),
            policies: try await PolicyAcknowledgements.outstanding(
                for: p.staffID,
                of: p.organisationID,
                packs: packs,
                on: req.db
            ),
            sharings: AccessPolicy.overseesOthers(p)
                ? [] : try await CaseRegisters.sharingsToAcknowledge(for: p, on: req.db)
        )
    }
}
