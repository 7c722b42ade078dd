import FluentKit
import Foundation
import SafeCommsCore

/// A pre-send check about a case is decided on the case as it is stored, so that a caller cannot
/// claim a consent that is not on file (PD-1.3, WNL-6.3.x) or leave out the people whose details the
/// analysers look for.
extension CheckRequest {
    /// The request with the stored case: its status and crisis flag, its people, and the consents on
    /// file that are not withdrawn and are for this channel (or for any channel).
    public func filled(from c: CaseFile, on db: any Database) async throws -> CheckRequest {
        var r = self
        let caseID = try c.requireID()
        let people = try await db.scoped(to: c.organisationID).query(CasePerson.self).filter(\.$caseID == caseID).all()
        r.caseInfo = CheckRequest.CaseInfo(
            status: c.status,
            inCrisis: c.inCrisis,
            people: people.map {
                CasePersonInfo(
                    name: $0.name,
                    aliases: $0.aliases.split(separator: "\n").map(String.init),
                    dateOfBirth: $0.dateOfBirth,
                    address: $0.address,
                    postcode: $0.postcode
                )
            }
        )
        let consents = try await db.scoped(to: c.organisationID).query(Consent.self).filter(\.$caseID == caseID)
            .filter(\.$withdrawnOn == nil).all()
        r.consents = Set(
            consents.filter { $0.channel == nil || $0.channel == channel.rawValue }.map(\.kind)
        )
        return r
    }
}
