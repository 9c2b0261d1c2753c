/// The lead auditor's recommendation to the certification decision maker.
public enum Recommendation: String, CaseIterable, Sendable {
    case grant
    case refuse
}

/// What an auditor may do in the certification body.
public enum AuditorRole: String, CaseIterable, Comparable, Sendable {
    case auditor
    /// May lead an audit team and record its recommendation.
    case lead
    /// May take certification decisions on audits they were not part of.
    case reviewer

    public static func < (lhs: AuditorRole, rhs: AuditorRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
