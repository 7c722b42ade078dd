import FluentKit
import Foundation
import SafeCommsCore

/// Setting someone's desk phone, pairing and divert (LIN-1 to LIN-4, LIN-12), for the API and the
/// phones page alike. A divert must go somewhere calls may go (LIN-12); keeping one's own details is
/// confirming them (LIN-11).
public enum PhoneStatusChange {
    /// What to change: each value left nil stays as it is; a divert of "" removes it.
    public struct Change: Sendable {
        public var deskNumber: String?
        public var deskLoggedIn: Bool?
        public var deskPairedToMobile: Bool?
        public var divertTo: String?

        public init(
            deskNumber: String? = nil,
            deskLoggedIn: Bool? = nil,
            deskPairedToMobile: Bool? = nil,
            divertTo: String? = nil
        ) {
            self.deskNumber = deskNumber
            self.deskLoggedIn = deskLoggedIn
            self.deskPairedToMobile = deskPairedToMobile
            self.divertTo = divertTo
        }
    }

    public static func set(
        of s: StaffMember,
        _ input: Change,
        by p: Principal,
        audit: AuditContext,
        on db: any Database
    ) async throws -> PhoneStatus {
        guard AccessPolicy.canManagePhones(p, of: try s.allocation) else {
            throw Refusal.forbidden("only they, their managers or business support may set this")
        }
        let desk = try input.deskNumber.map { try PhoneNumber(parsing: $0, field: "desk_number").e164 }
        let removeDivert = input.divertTo?.trimmingCharacters(in: .whitespaces).isEmpty == true
        let divert = try input.divertTo.flatMap {
            removeDivert ? nil : try PhoneNumber(parsing: $0, field: "divert_to").e164
        }
        if let divert {
            guard let settings = try await Organisation.find(p.organisationID, on: db)?.settings else {
                throw Refusal.notFound("no such organisation")
            }
            let directory = try await PhoneDirectoryLoader.load(
                organisationID: p.organisationID,
                settings: settings,
                at: Date(),
                on: db
            )
            if let problem = directory.divertProblem(divert) {
                throw ValidationError(
                    field: "divert_to",
                    reason: "calls cannot be diverted there: \(problem)"
                )
            }
        }
        let id = try s.requireID()
        let organisationID = s.organisationID, confirming = p.staffID == id
        // Read and changed inside the transaction, so that two people changing it at once both count.
        return try await AuditLog.transaction(on: db, audit) { tx in
            let status =
                try await tx.scoped(to: organisationID).find(PhoneStatus.self, id)
                ?? PhoneStatus(
                    staffID: id,
                    organisationID: organisationID,
                    deskNumber: nil,
                    deskLoggedIn: false,
                    deskPairedToMobile: false,
                    divertTo: nil
                )
            status.deskNumber = desk ?? status.deskNumber
            status.deskLoggedIn = input.deskLoggedIn ?? status.deskLoggedIn
            status.deskPairedToMobile = input.deskPairedToMobile ?? status.deskPairedToMobile
            status.divertTo = removeDivert ? nil : divert ?? status.divertTo
            // Keeping one's own details is confirming them (LIN-11).
            if confirming { status.confirmedAt = Date() }
            try await status.save(on: tx)
            return (status, [AuditEntry(action: .phoneStatusSet, entity: "staff", entityID: id.uuidString)])
        }
    }
}
