import FluentKit
import Foundation
import SafeCommsCore

/// A pre-send check about a case is decided on the case as it is stored, so that a caller cannot
/// claim a consent that is not on file (PD-1.3, WNL-6.3.x) or leave out the people whose details the
/// analysers look for.
extension CheckRequest {
    /// The request with the stored case: its current status and crisis flag, its people, the
    /// consents in force on `day` (YYYY-MM-DD, the organisation's) for this channel or any, and
    /// from the number-sharing register whether `staffID` and their team manager decided to share
    /// the work number (COV-3). A consent withdrawn or ended stops counting at once.
    public func filled(
        from c: CaseFile,
        by staffID: UUID?,
        day: String,
        on db: any Database
    ) async throws -> CheckRequest {
        var r = self
        let caseID = try c.requireID()
        let scope = db.scoped(to: c.organisationID)
        let people = try await scope.query(CasePerson.self).filter(\.$caseID == caseID).all()
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
        let consents = try await scope.query(Consent.self).filter(\.$caseID == caseID).filter(\.$withdrawnOn == nil)
            .all()
        r.consents = Set(
            consents.filter {
                $0.inForce(on: day) && !$0.kind.keptInNumberSharingRegister
                    && ($0.channel == nil || $0.channel == channel.rawValue)
            }.map(\.kind)
        )
        if let staffID,
            try await scope.query(NumberSharing.self).filter(\.$caseID == caseID).filter(\.$staffID == staffID)
                .filter(\.$shared == true).filter(\.$managerAgreedByID != nil).first() != nil
        {
            r.consents.insert(.numberSharingManagerAgreed)
        }
        return r
    }
}
