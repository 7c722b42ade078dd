import Foundation
import SafeCommsCore
import SafeCommsStore
import Vapor

/// The work device register (WNL-7.1–WNL-7.3): hand-overs, authorised users, personal use, and the
/// DSL's monitoring of each device's recorded use.
struct DeviceRegisterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("devices", "monitoring", use: monitoring)
        let d = routes.grouped("devices", ":deviceID")
        d.get("history", use: history)
        d.post("hand-over", use: handOver)
        d.post("authorisations", use: authorise)
        d.post("personal-use", use: personalUse)
        routes.post("device-authorisations", ":authorisationID", "revoke", use: revoke)
    }

    struct HoldingDTO: Content {
        var id: UUID?
        var holderId: UUID?
        var handedOverById: UUID
        var fromAt: Date
        init(_ h: DeviceHolding) {
            id = h.id
            holderId = h.holderID
            handedOverById = h.handedOverByID
            fromAt = h.fromAt
        }
    }

    struct AuthorisationDTO: Content {
        var id: UUID?
        var deviceId: UUID
        var staffId: UUID
        var authorisedById: UUID
        var authorisedAt: Date
        var revokedById: UUID?
        var revokedAt: Date?
        init(_ a: DeviceAuthorisation) {
            id = a.id
            deviceId = a.deviceID
            staffId = a.staffID
            authorisedById = a.authorisedByID
            authorisedAt = a.authorisedAt
            revokedById = a.revokedByID
            revokedAt = a.revokedAt
        }
    }

    struct PersonalUseDTO: Content {
        var id: UUID?
        var deviceId: UUID
        var staffId: UUID
        var at: Date
        var emergency: Bool
        var agreedById: UUID?
        var reason: String
        init(_ u: DevicePersonalUse) {
            id = u.id
            deviceId = u.deviceID
            staffId = u.staffID
            at = u.at
            emergency = u.emergency
            agreedById = u.agreedByID
            reason = u.reason
        }
    }

    struct HistoryDTO: Content {
        var device: DeviceDTO
        var holdings: [HoldingDTO]
        var authorisations: [AuthorisationDTO]
        var personalUse: [PersonalUseDTO]
    }

    struct UseDTO: Content {
        var device: DeviceDTO
        var recorded: Int
        var outOfHours: Int
        var authorised: [UUID]
        var personalUse: [PersonalUseDTO]
    }

    func monitoring(req: Request) async throws -> [UseDTO] {
        let p = try await req.principal()
        let days = try req.wholeNumber(query: "days", max: 366) ?? 30
        let uses = try await WorkDevices.monitoring(
            for: p,
            since: Date().addingTimeInterval(-Double(days) * 86_400),
            on: req.db
        )
        try await req.audit(AuditEntry(action: .devicesMonitored, entity: "device", detail: "WNL-7.2 \(days) days"))
        return uses.map {
            UseDTO(
                device: DeviceDTO($0.device),
                recorded: $0.recorded,
                outOfHours: $0.outOfHours,
                authorised: $0.authorised,
                personalUse: $0.personalUse.map(PersonalUseDTO.init)
            )
        }
    }

    func history(req: Request) async throws -> HistoryDTO {
        let p = try await req.principal()
        let h = try await WorkDevices.history(try req.id("deviceID", field: "device_id"), for: p, on: req.db)
        try await req.audit(AuditEntry(action: .devicesMonitored, entity: "device", entityID: h.device.id?.uuidString))
        return HistoryDTO(
            device: DeviceDTO(h.device),
            holdings: h.holdings.map(HoldingDTO.init),
            authorisations: h.authorisations.map(AuthorisationDTO.init),
            personalUse: h.personalUse.map(PersonalUseDTO.init)
        )
    }

    struct HandOverInput: Content {
        /// Absent or null: handed back, held by nobody.
        var holderId: UUID?
    }

    func handOver(req: Request) async throws -> HoldingDTO {
        let p = try await req.principal()
        let input = try req.content.decode(HandOverInput.self)
        return HoldingDTO(
            try await WorkDevices.handOver(
                try req.id("deviceID", field: "device_id"),
                to: input.holderId,
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        )
    }

    struct AuthoriseInput: Content {
        var staffId: UUID
    }

    func authorise(req: Request) async throws -> Response {
        let p = try await req.principal()
        let input = try req.content.decode(AuthoriseInput.self)
        let row = try await WorkDevices.authorise(
            try req.id("deviceID", field: "device_id"),
            staff: input.staffId,
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await AuthorisationDTO(row).encodeResponse(status: .created, for: req)
    }

    func revoke(req: Request) async throws -> AuthorisationDTO {
        let p = try await req.principal()
        return AuthorisationDTO(
            try await WorkDevices.revoke(
                try req.id("authorisationID", field: "authorisation_id"),
                by: p,
                audit: try req.auditContext(),
                on: req.db
            )
        )
    }

    struct PersonalUseInput: Content {
        var reason: String
        var emergency: Bool?
        var agreedById: UUID?
        var at: String?
    }

    func personalUse(req: Request) async throws -> Response {
        let p = try await req.principal()
        let input = try req.content.decode(PersonalUseInput.self)
        let row = try await WorkDevices.recordPersonalUse(
            try req.id("deviceID", field: "device_id"),
            reason: input.reason,
            emergency: input.emergency ?? false,
            agreedBy: input.agreedById,
            at: try pastInstant(input.at),
            by: p,
            audit: try req.auditContext(),
            on: req.db
        )
        return try await PersonalUseDTO(row).encodeResponse(status: .created, for: req)
    }
}
