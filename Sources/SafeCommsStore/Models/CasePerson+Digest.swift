import Foundation
import SafeCommsCore

extension CasePerson {
    /// Every stored value of a person on a case but when the row was made, in a fixed order
    /// (see `RowDigest`).
    public var digest: String {
        var d = RowDigest(table: Self.schema)
        d.add(id)
        d.add(organisationID)
        d.add(caseID)
        d.add(role)
        d.add(name)
        d.add(aliases)
        d.add(dateOfBirth)
        d.add(address)
        d.add(postcode)
        d.add(phone)
        d.add(email)
        return d.hex
    }
}
