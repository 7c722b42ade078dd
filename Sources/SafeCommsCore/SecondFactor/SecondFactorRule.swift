/// Who signs in with a second factor. Anyone whose roles let them read case history (a practitioner,
/// a manager, a DSL, an auditor) holds records about children: a password alone is not enough, as
/// CPOMS asks of anyone who searches safeguarding history. Someone signed in through the council's
/// identity provider is not asked again: the provider enforces its own.
public enum SecondFactorRule {
    public static let caseHistoryRoles: Set<Role> = [.practitioner, .manager, .dsl, .auditor]

    /// Whether a person with these roles must use a second factor to sign in with a password.
    public static func required(for roles: Set<Role>) -> Bool { !roles.isDisjoint(with: caseHistoryRoles) }
}
