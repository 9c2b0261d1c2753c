import AuditDomain

/// Why a team cannot be planned or changed as asked (SPEC §2.1: competence, team changes), in
/// the operator's words: which rule, whom, and what to do.
public enum TeamError: Error, Equatable, CustomStringConvertible {
    /// No member of the team is qualified for a certifiable standard of the audit.
    case noQualifiedMember(standard: StandardID, team: [String], qualifiedElsewhere: [String])
    /// The lead is qualified for none of the audit's certifiable standards.
    case leadNotQualified(lead: String, standards: [StandardID], qualifiedFor: [StandardID])
    case alreadyOnTeam(auditor: String, audit: String)
    case notOnTeam(auditor: String, audit: String)
    case alreadyLead(auditor: String, audit: String)
    /// The lead leaves a team only after another member leads it.
    case removingLead(auditor: String, audit: String)
    /// The audit takes no more writes: a team change would rewrite the record it rests on.
    case frozen(audit: String, reason: String)
    case decided(audit: String, decision: String)

    public var description: String {
        switch self {
        case .noQualifiedMember(let standard, let team, let elsewhere):
            "no member of the team (\(team.joined(separator: ", "))) is qualified for \(standard.rawValue) "
                + "(qualified: \(elsewhere.isEmpty ? "nobody yet" : elsewhere.joined(separator: ", "))); qualify one with "
                + "`auditsync central auditor qualify --auditor ID --standard \(standard.rawValue)`, or put a qualified "
                + "auditor on the team (SPEC §2.1 competence: each certifiable standard needs a qualified member)"
        case .leadNotQualified(let lead, let standards, let qualified):
            "the lead \(lead) is qualified for none of the audit's standards (\(standards.map(\.rawValue).joined(separator: ", ")); "
                + "\(lead) is qualified for \(qualified.isEmpty ? "nothing yet" : qualified.map(\.rawValue).joined(separator: ", "))); "
                + "qualify \(lead) with `auditsync central auditor qualify --auditor \(lead) --standard \(standards.first?.rawValue ?? "STD")`, "
                + "or choose a qualified lead (SPEC §2.1 competence)"
        case .alreadyOnTeam(let auditor, let audit):
            "\(auditor) is already on the team of audit \(audit)"
        case .notOnTeam(let auditor, let audit):
            "\(auditor) is not on the team of audit \(audit)"
        case .alreadyLead(let auditor, let audit):
            "\(auditor) already leads audit \(audit)"
        case .removingLead(let auditor, let audit):
            "\(auditor) leads audit \(audit), and a team keeps a lead: make another member the lead first "
                + "(`auditsync central audit team --audit \(audit) --lead AUDITOR`), then remove \(auditor)"
        case .frozen(let audit, let reason):
            "audit \(audit) is read-only (\(reason)): its team can no longer change"
        case .decided(let audit, let decision):
            "audit \(audit) is decided (\(decision)): its team can no longer change"
        }
    }
}
